// SPDX-License-Identifier: GPL-2.0
/*
 * buddyctl's output: JSON, error reports and the module's key=value lines
 *
 * One of each: json_escape() is the only place a string becomes JSON,
 * errno_names[] the only place an errno gets a name, errno_table[] the
 * only one it gets an explanation (strerror()'s, past the table),
 * kv_split() the only parser of the module's "key=value ..." lines (stats,
 * allocations, control results, the tree).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buddyctl.h"

const char *where_file;
unsigned long where_line;

/* The module's text of a refused command, for the next report(). */
static const char *told;

/* Why stdout first failed: a stream that failed a flush forgets why. */
static int stdout_err;

/*
 * fflush(stdout), remembering why it failed, for close_stdout().  Call it
 * right after writing: a write too large for the buffer fails at once, and
 * then errno still says why.
 */
void flush_stdout(void)
{
	int saved = errno;

	errno = 0;
	if (fflush(stdout) && !stdout_err)
		stdout_err = errno ? errno : EIO;
	else if (ferror(stdout) && !stdout_err)
		stdout_err = saved ? saved : EIO;
	errno = saved;
}

/* Has stdout failed?  A loop that only writes must stop when it has. */
bool stdout_failed(void)
{
	return stdout_err || ferror(stdout);
}

/* === Errors === */

/*
 * What an errno means, by what was being done; text[CTX_ANY] is the
 * fallback, strerror() the last resort.  Its name is errno_names[]'s.
 */
static const struct errno_info {
	int nr;
	const char *text[NR_CTX];
} errno_table[] = {
	{ EINVAL, {
		[CTX_ANY] = "invalid argument",
		[CTX_FREE] = "that pfn lies inside an allocated block but is not its first page (interior free)",
		[CTX_DEV_FREE] = "that pfn lies inside an allocated block but is not its first page (interior free)",
		[CTX_DEV] = "invalid argument: buddyctl and the module disagree on the ABI",
	} },
	{ ERANGE, {
		[CTX_ANY] = "out of range",
		[CTX_FREE] = "that pfn is outside the pool (see 'info' or 'tree')",
		[CTX_DEV_FREE] = "that pfn is outside the pool (see 'info' or 'tree')",
	} },
	{ EALREADY, {
		[CTX_ANY] = "already done",
		[CTX_FREE] = "that block is already free (double free)",
		[CTX_DEV_FREE] = "that block is already free (double free)",
	} },
	{ ENOMEM, {
		[CTX_ANY] = "out of memory",
	} },
	{ EPERM, {
		[CTX_ANY] = "operation not permitted: run buddyctl as root",
		[CTX_PATH] = "operation not permitted",
		[CTX_FREE] = "that block belongs to an open /dev/buddy file; it is freed when that file is closed",
		[CTX_FREE_TAG] = "every block with that tag belongs to an open /dev/buddy file",
		[CTX_DEV_FREE] = "that block is not this session's: debugfs or another /dev/buddy file holds it",
	} },
	{ ENOENT, {
		[CTX_ANY] = "no such file or directory",
		[CTX_FREE_TAG] = "no block has that tag (untagged blocks are freed by pfn)",
		[CTX_DEV_FREE_TAG] = "no block of this session has that tag (see 'list')",
		[CTX_DEV] = "no such device: is the buddy module loaded? (insmod buddy.ko)",
		[CTX_DEBUGFS] = "not found: is the buddy module loaded? is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)",
	} },
	{ EACCES, {
		[CTX_ANY] = "permission denied: run buddyctl as root",
		[CTX_DEV] = "permission denied: the device is root-only (mode 0600): run buddyctl as root",
		[CTX_DEBUGFS] = "permission denied: debugfs is root-only: run buddyctl as root",
		[CTX_PATH] = "permission denied",
	} },
	{ ENOTTY, {
		[CTX_ANY] = "not the buddy device: it does not know the buddy ioctls",
	} },
	{ ENODEV, {
		[CTX_ANY] = "no such device: is the buddy module loaded? (insmod buddy.ko)",
	} },
	{ ENXIO, {
		[CTX_ANY] = "no such device: is the buddy module loaded? (insmod buddy.ko)",
	} },
	{ ENOTDIR, {
		[CTX_ANY] = "not a directory: --debugfs names the buddy debugfs directory",
	} },
	{ EISDIR, {
		[CTX_ANY] = "is a directory",
	} },
	{ EBADMSG, {
		[CTX_ANY] = "unexpected format: not what the buddy module writes (a different version?)",
	} },
	{ EFAULT, {
		[CTX_ANY] = "bad address (a bug in buddyctl)",
	} },
	{ EUCLEAN, {
		[CTX_ANY] = "the module found its metadata inconsistent: see dmesg and 'check'",
	} },
	{ EIO, { [CTX_ANY] = "input/output error" } },
	{ EBUSY, {
		[CTX_ANY] = "device or resource busy",
		[CTX_DEV_FREE] = "that block is mapped: unmap it first, then free it",
		[CTX_FREE] = "that block is mapped: unmap it first, then free it",
	} },
	{ EINTR, { [CTX_ANY] = "interrupted" } },
};

/*
 * The name of every errno Linux has, so that an error line always says
 * ENAME.  Left out: aliases such as EWOULDBLOCK, which share a number, and
 * the errno of a missing system call, which no call buddyctl makes gets.
 */
#define E(name)	{ name, #name }
static const struct {
	int nr;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI),
	E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC),
	E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR),
	E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT),
	E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG),
	E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ),
	E(ERESTART), E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
	E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL),
	E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE),
	E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED),
	E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
};

#undef E

static const struct errno_info *errno_info(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (errno_table[i].nr == err)
			return &errno_table[i];
	return NULL;
}

/**
 * errno_name() - The symbolic name of an errno.
 * @err: A positive errno.
 *
 * Return: "EALREADY" and the like, or "errno N" for one we do not know.
 */
const char *errno_name(int err)
{
	static char buf[24];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].nr == err)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* What @err means when it comes back from @ctx. */
const char *errno_text(int err, enum err_ctx ctx)
{
	const struct errno_info *e = errno_info(err);
	static char buf[128];

	if (e && e->text[ctx])
		return e->text[ctx];
	if (e && e->text[CTX_ANY])
		return e->text[CTX_ANY];
	/* "No space left on device" as the table writes: in lower case. */
	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] += 'a' - 'A';
	return buf;
}

/* Bytes of the valid UTF-8 sequence at @s, 0 if there is none. */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/**
 * shown_len() - May the character at @s be shown as it is?
 * @s: A character of text from anywhere: the user, a file, the module.
 * @show: What else may be shown, past printable ASCII: SHOW_UTF8 (a valid
 *        UTF-8 sequence), SHOW_NL (a newline), SHOW_TAB (a tab).
 *
 * The one rule buddyctl's text escapers share (sanitize(), markup_text(),
 * the views' escape_raw()): a control byte, DEL, or a byte of no valid
 * UTF-8 sequence never reaches a terminal or a page as it is; each prints
 * as \ooo (ESC_BYTE), as the module escapes what it prints.  JSON has its
 * own escapes (json_escape()).
 *
 * Return: the bytes to copy as they are, or 0: escape the byte at @s.
 */
size_t shown_len(const char *s, unsigned int show)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u >= ' ' && *u <= '~')
		return 1;
	if (*u == '\n')
		return show & SHOW_NL ? 1 : 0;
	if (*u == '\t')
		return show & SHOW_TAB ? 1 : 0;
	if (*u >= 0x80 && (show & SHOW_UTF8))
		return utf8_len(u);
	return 0;
}

/**
 * sanitize() - Make text safe to show on one line.
 * @out: Where to put it.
 * @len: Size of @out, at least 5.
 * @in: The text, e.g. a line of user input.
 *
 * Control characters (a newline and a tab too) and bytes that are not
 * UTF-8 become \ooo; text that does not fit ends in "...".
 */
void sanitize(char *out, size_t len, const char *in)
{
	size_t n = 0, u;

	while (*in) {
		u = shown_len(in, SHOW_UTF8);
		if (n + (u ? u : 4) + 4 > len) {
			memcpy(out + n, "...", 4);
			return;
		}
		if (u) {
			memcpy(out + n, in, u);
			n += u;
			in += u;
		} else {
			n += snprintf(out + n, len - n, ESC_BYTE,
				      (unsigned char)*in++);
		}
	}
	out[n] = '\0';
}

/**
 * word_cut() - A word to quote in a message, cut with "..." if too long.
 * @buf: Where the cut copy goes, if one is needed.
 * @len: Size of @buf, at least 4: the longest word shown whole is @len - 1.
 * @word: The word.
 *
 * Return: @word, or @buf holding its start and "...".
 */
const char *word_cut(char *buf, size_t len, const char *word)
{
	if (strlen(word) < len)
		return word;
	snprintf(buf, len, "%.*s...", (int)(len - 4), word);
	return buf;
}

/**
 * report() - Report a failure, as one line.
 * @subject: What failed: the command as typed, a path.
 * @err: Its errno (positive).
 * @ctx: What was being done, to pick the explanation.
 * @fmt: The explanation, or NULL for the errno table's.
 *
 * Human: "[FILE:LINE: ]SUBJECT: ENAME: explanation" on stderr.  JSON:
 * {"error": that line, "errno": N, "errno_name": "ENAME"[, "file", "line"]}
 * on stdout, so a script reading stdout sees one document per command.
 */
/*
 * sanitize() for an error's subject.  A command is shown by its start, as
 * typed, in 71 bytes at most.  A path (a subject with a '/', often with a
 * line number after it, and the FILE:LINE before a batch's errors) too
 * long to show keeps its end instead: "...", then as much of the end as
 * fits in 159 bytes (not from inside a UTF-8 character), since the file's
 * name and the line tell the reader where to look.
 */
static void sanitize_path(char *out, size_t len, const char *in)
{
	char whole[PATH_MAX * 4 + 64];
	size_t n, cut;

	sanitize(whole, sizeof(whole), in);
	n = strlen(whole);
	if (n < len) {
		memcpy(out, whole, n + 1);
		return;
	}
	cut = n - (len - 4);
	while (cut < n && (whole[cut] & 0xc0) == 0x80)
		cut++;
	snprintf(out, len, "...%s", whole + cut);
}

/*
 * What a report is about: a name the user gave for a file is a path, its
 * end kept, even without a '/'; an empty one is shown as ''.
 */
static void sanitize_subject(char *out, size_t len, const char *in,
			     enum err_ctx ctx)
{
	if (!*in)
		snprintf(out, len, "''");
	else if (ctx == CTX_PATH || strchr(in, '/'))
		sanitize_path(out, len, in);
	else
		sanitize(out, len < 72 ? len : 72, in);
}

void report(const char *subject, int err, enum err_ctx ctx,
	    const char *fmt, ...)
{
	char subj[160], why[320], raw[512], msg[512];
	const char *steps = told;
	struct json j;
	va_list args;

	told = NULL;
	if (fmt) {
		va_start(args, fmt);
		vsnprintf(why, sizeof(why), fmt, args);
		va_end(args);
	} else if (err == ENOTTY) {
		snprintf(why, sizeof(why),
			 "%s is not the buddy device: it does not know the buddy ioctls",
			 opt.dev);
	} else {
		snprintf(why, sizeof(why), "%s", errno_text(err, ctx));
	}
	sanitize_subject(subj, sizeof(subj), subject, ctx);
	snprintf(raw, sizeof(raw), "%s: %s: %s", subj, errno_name(err), why);
	sanitize(msg, sizeof(msg), raw);

	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_str(&j, "error", msg);
		json_u64(&j, "errno", err);
		json_str(&j, "errno_name", errno_name(err));
		if (where_file) {
			json_str(&j, "file", where_file);
			json_u64(&j, "line", where_line);
		}
		if (steps && opt.explain)
			json_told(&j, steps);
		json_close(&j);
		json_end(&j);
		return;
	}
	flush_stdout();
	if (where_file) {
		/* The file's name as typed: a path, shown as one. */
		char at[PATH_MAX + 32], shown[160];

		snprintf(at, sizeof(at), "%s:%lu", where_file, where_line);
		sanitize_path(shown, sizeof(shown), at);
		fprintf(stderr, "%s: ", shown);
	}
	fprintf(stderr, "%s\n", msg);
	if (steps && opt.explain) {
		explain_print(steps, NULL);
		flush_stdout();
	}
}

/**
 * report_told() - What the module said of the command the next report() is
 * about.
 * @text: Its text (the error line, then the steps of the refusal), or NULL;
 *        it must stay until that report().
 *
 * With --explain, that report() tells the steps too: as sentences after the
 * error line, or with --json as "explain" and "steps" in the error's
 * document, as for a command that succeeded.
 */
void report_told(const char *text)
{
	told = text;
}

/* Why what was written to @f did not all get there: 0 if it did. */
static int close_error(FILE *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	return err;
}

/*
 * What open_output() writes when it writes beside the file it is asked
 * for: a temporary file in the same directory, renamed over it once all
 * of it is written, so that a picture or a page that cannot be written
 * whole (a full disk, a file size limit) leaves the old one as it was.
 */
static struct {
	FILE *f;
	char *tmp;
	char *path;
} beside;

/*
 * Ended by a signal while it writes beside a file (^C in a long page),
 * buddyctl takes its temporary file with it: the old file stays, and
 * nothing is left beside it.
 */
static const int beside_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction beside_old[ARRAY_SIZE(beside_signals)];

static void beside_signal(int sig)
{
	/* unlink() may be called from a handler; the name is set before. */
	if (beside.tmp)
		unlink(beside.tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void beside_handlers(bool on)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = beside_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(beside_signals); i++) {
		/* A signal ignored (nohup, a script's background job) stays so. */
		if (on && !sigaction(beside_signals[i], NULL, &beside_old[i]) &&
		    beside_old[i].sa_handler != SIG_IGN)
			sigaction(beside_signals[i], &sa, NULL);
		else if (!on && beside_old[i].sa_handler != SIG_IGN)
			sigaction(beside_signals[i], &beside_old[i], NULL);
	}
}

/* The directory @path is in, with its '/' ("" for the current one). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) + 1 : 0;
}

/*
 * Whether @name may be replaced by a file written beside it: it is not
 * there yet, or it is a regular file the kernel lets us open for writing
 * (through links, as fopen() would, so that protected_symlinks still
 * refuses a link planted in /tmp), of ours, with no other name (a hard
 * link would keep the old text); @path then names it, links resolved,
 * and @mode is the mode to give the new file.  Anything else (a device,
 * a pipe, another user's file, a dangling link) is written in place, as
 * before, with the kernel's checks.
 */
static bool replaceable(const char *name, char **path, mode_t *mode)
{
	struct stat st, by_path;
	mode_t mask;
	int fd;

	fd = open(name, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		/* Not yet there, and no dangling link: a new file. */
		if (errno != ENOENT || !lstat(name, &st))
			return false;
		*path = strdup(name);
		mask = umask(0);
		umask(mask);
		*mode = 0666 & ~mask;
		return *path;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		close(fd);
		return false;
	}
	close(fd);
	*path = realpath(name, NULL);
	/* The path must still name the file the kernel opened. */
	if (!*path || stat(*path, &by_path) || by_path.st_dev != st.st_dev ||
	    by_path.st_ino != st.st_ino) {
		free(*path);
		return false;
	}
	*mode = st.st_mode & 0777;
	return true;
}

/*
 * A temporary file beside @name, when replaceable() says it may take its
 * place; NULL if not, and the file is then written in place.
 */
static FILE *open_beside(const char *name)
{
	static const char pattern[] = ".buddyctl-XXXXXX";
	char *path, *tmp;
	mode_t mode;
	size_t n;
	FILE *f;
	int fd;

	if (!replaceable(name, &path, &mode))
		return NULL;
	n = dir_len(path);
	tmp = malloc(n + sizeof(pattern));
	if (!tmp) {
		free(path);
		return NULL;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, pattern, sizeof(pattern));
	fd = mkstemp(tmp);
	f = NULL;
	if (fd >= 0 && !fchmod(fd, mode))
		f = fdopen(fd, "w");
	if (!f) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		free(path);
		return NULL;
	}
	beside.f = f;
	beside.tmp = tmp;
	beside.path = path;
	beside_handlers(true);
	return f;
}

/*
 * The end of a file written beside its name: renamed over it if @keep
 * (and if that fails, *@err says why), else removed.
 */
static void beside_end(bool keep, int *err)
{
	if (keep && rename(beside.tmp, beside.path))
		*err = errno;
	if (!keep || *err)
		unlink(beside.tmp);
	beside_handlers(false);
	free(beside.tmp);
	free(beside.path);
	memset(&beside, 0, sizeof(beside));
}

/**
 * open_output() - The file a picture or a page is written to.
 * @name: Its name; NULL, or "-" as for an input, is stdout.
 *
 * A file not yet there, or a regular file of ours with one name, is
 * written beside its name and takes its place only when close_output()
 * has written all of it; anything else (a device, another user's file, a
 * hard link, a directory we may not write in) is written in place.
 *
 * Return: the file, stdout, or NULL after reporting why it cannot be made.
 */
FILE *open_output(const char *name)
{
	FILE *f;

	if (!name || !strcmp(name, "-"))
		return stdout;
	if (!*name) {
		report(name, ENOENT, CTX_PATH, "an empty name is no file");
		return NULL;
	}
	f = open_beside(name);
	if (!f)
		f = fopen(name, "w");
	if (!f)
		report(name, errno, CTX_PATH, NULL);
	return f;
}

/**
 * close_output() - Close what open_output() gave, and say if it was not all
 * written.
 * @f: The file; stdout is left open, for close_stdout() at the end.
 * @name: Its name, for the report.
 *
 * A file written beside its name takes its place now, if it was all
 * written; if not, it is removed and the old file is left as it was.
 *
 * Return: 0, or 1 after reporting the error.
 */
int close_output(FILE *f, const char *name)
{
	int err;

	if (f == stdout)
		return 0;
	err = close_error(f);
	if (f == beside.f)
		beside_end(!err, &err);
	if (!err)
		return 0;
	report(name, err, CTX_PATH, NULL);
	return 1;
}

/**
 * discard_output() - Close what open_output() gave, when what was to go in
 * it could not be made (no memory for a picture, say).
 * @f: The file; stdout is left open.
 *
 * A file written beside its name is removed, the old one left as it was;
 * one written in place keeps what reached it (the caller reports why).
 */
void discard_output(FILE *f)
{
	int err = 0;

	if (f == stdout)
		return;
	close_error(f);
	if (f == beside.f)
		beside_end(false, &err);
}

/**
 * close_stdout() - The end of the program: stdout, written to the end?
 * @status: The exit status so far.
 *
 * A full disk or a closed pipe must not pass for success.  The report goes
 * to stderr even with --json: stdout is what failed.
 *
 * Return: @status, or 1 if it was 0 and stdout could not be written.
 */
int close_stdout(int status)
{
	int err;

	flush_stdout();
	err = close_error(stdout);
	if (!err)
		return status;
	if (stdout_err)
		err = stdout_err;
	fprintf(stderr, "stdout: %s: %s\n", errno_name(err),
		errno_text(err, CTX_ANY));
	return status ? status : 1;
}

/* A remark that is not a failure, on stderr in both modes. */
void note(const char *fmt, ...)
{
	va_list args;

	flush_stdout();
	fputs("buddyctl: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

/* === JSON === */

/* The one place a string becomes JSON: quoted, escaped, valid UTF-8. */
static void json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int u;

	fputc('"', f);
	while (*s) {
		u = *s >= 0x80 ? utf8_len(s) : 0;
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < ' ' || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, f);
		} else if (u) {
			fwrite(s, 1, u, f);
			s += u;
		} else {
			fputs("\\ufffd", f);
			s++;
		}
	}
	fputc('"', f);
}

void json_begin(struct json *j)
{
	j->f = stdout;
	j->depth = 0;
	j->comma[0] = false;
}

/* Ends a document: a newline, and out it goes. */
void json_end(struct json *j)
{
	fputc('\n', j->f);
	flush_stdout();
}

/* The comma and the key before a value; @key is NULL in an array. */
static void json_member(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (key && j->depth) {
		json_escape(j->f, key);
		fputc(':', j->f);
	}
}

/* Opens an object ('{') or an array ('['). */
void json_open(struct json *j, const char *key, char bracket)
{
	json_member(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->close[j->depth] = bracket == '{' ? '}' : ']';
	j->comma[j->depth] = false;
}

void json_close(struct json *j)
{
	fputc(j->close[j->depth], j->f);
	if (j->depth)
		j->depth--;
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_member(j, key);
	json_escape(j->f, s);
}

void json_u64(struct json *j, const char *key, unsigned long long v)
{
	json_member(j, key);
	fprintf(j->f, "%llu", v);
}

/*
 * A number already in text form, e.g. "-1.000" from extfrag_index; it is
 * written as a string unless it is [-]digits[.digits].
 */
void json_num(struct json *j, const char *key, const char *text)
{
	const char *s = text + (*text == '-');
	const char *dot = strchr(s, '.');
	size_t int_len = dot ? (size_t)(dot - s) : strlen(s);

	if (int_len && strspn(s, "0123456789") == int_len &&
	    (int_len == 1 || s[0] != '0') &&
	    (!dot || (dot[1] && !dot[1 + strspn(dot + 1, "0123456789")]))) {
		json_member(j, key);
		fputs(text, j->f);
	} else {
		json_str(j, key, text);
	}
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->f);
}

/* === key=value lines === */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/**
 * kv_split() - Cut a line of the module's output into words.
 * @line: The line, without its newline; cut up in place.
 * @l: Filled with the words: key=value pairs, or bare words (val NULL).
 * @rest_key: A key whose value is the rest of the line (it may contain
 *            blanks, like "comm"), or NULL.
 *
 * Return: 0, or -1 if the line has more than KV_MAX words.
 */
int kv_split(char *line, struct kv_line *l, const char *rest_key)
{
	size_t rest_len = rest_key ? strlen(rest_key) : 0;
	char *word, *eq;

	l->n = 0;
	for (;;) {
		while (is_blank(*line))
			line++;
		if (!*line)
			return 0;
		if (l->n == KV_MAX)
			return -1;
		word = line;
		if (rest_key && !strncmp(word, rest_key, rest_len) &&
		    word[rest_len] == '=') {
			word[rest_len] = '\0';
			l->kv[l->n].key = word;
			l->kv[l->n++].val = word + rest_len + 1;
			return 0;
		}
		while (*line && !is_blank(*line))
			line++;
		if (*line)
			*line++ = '\0';
		eq = strchr(word, '=');
		if (eq && eq != word)
			*eq++ = '\0';
		else
			eq = NULL;
		l->kv[l->n].key = word;
		l->kv[l->n++].val = eq;
	}
}

/* The value of @key in a line, or NULL. */
const char *kv_get(const struct kv_line *l, const char *key)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->kv[i].val && !strcmp(l->kv[i].key, key))
			return l->kv[i].val;
	return NULL;
}

/* Values that are names, even when they look like numbers ("tag=42"). */
static bool is_text_key(const char *key)
{
	return !strcmp(key, "tag") || !strcmp(key, "comm") ||
	       !strcmp(key, "owner");
}

/*
 * Writes the pairs of a line as members of the open object: numbers (0x hex
 * or decimal) as numbers, "kind:N" as {"kind": N}, the rest as strings.
 * Bare words are left out.
 */
void json_kv(struct json *j, const struct kv_line *l)
{
	unsigned long long v;
	const char *key, *val;
	char kind[16];
	size_t len;
	int i;

	for (i = 0; i < l->n; i++) {
		key = l->kv[i].key;
		val = l->kv[i].val;
		if (!val)
			continue;
		len = strspn(val, "abcdefghijklmnopqrstuvwxyz_");
		if (is_text_key(key)) {
			json_str(j, key, val);
		} else if (parse_u64(val, &v)) {
			json_u64(j, key, v);
		} else if (len && len < sizeof(kind) && val[len] == ':' &&
			   parse_u64(val + len + 1, &v)) {
			memcpy(kind, val, len);
			kind[len] = '\0';
			json_open(j, key, '{');
			json_u64(j, kind, v);
			json_close(j);
		} else {
			json_str(j, key, val);
		}
	}
}

/* Only digits, at least one. */
bool is_decimal(const char *s)
{
	return *s && !s[strspn(s, "0123456789")];
}

/**
 * parse_u64() - Parse an unsigned number as the module prints them.
 * @s: "0x" and hex digits, or decimal digits; nothing else, no sign.
 * @v: The value, on success.
 *
 * Return: true if @s is such a number and fits in 64 bits.
 */
bool parse_u64(const char *s, unsigned long long *v)
{
	const char *digits = "0123456789";
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		digits = "0123456789abcdefABCDEF";
		base = 16;
	}
	if (!*s || s[strspn(s, digits)])
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && !*end;
}

/* @len less the blanks (spaces, tabs) that end the first @len bytes of @s. */
size_t blank_trimmed_len(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

/* The next line of @text, NUL-terminated in place; NULL at the end. */
char *next_line(char **text)
{
	char *line = *text, *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*text = nl + 1;
	} else {
		*text = line + strlen(line);
	}
	return line;
}

/**
 * read_fd_text() - Read an open file to its end.
 * @fd: The file, read from where it is.
 * @text: Set to a malloc()ed NUL-terminated copy, on success.
 * @bytes: Set to the bytes read, on success, if not NULL: more than
 *         strlen(*@text) when the file holds a NUL byte.
 *
 * Return: 0, or a negative errno.
 */
int read_fd_text(int fd, char **text, size_t *bytes)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *bigger;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (size - len < 2) {
			bigger = realloc(buf, size * 2);
			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	*text = buf;
	if (bytes)
		*bytes = len;
	return 0;
}

/**
 * read_text() - Read a whole file.
 * @path: The file, e.g. a debugfs file (which have no size to stat).
 * @text: Set to a malloc()ed NUL-terminated copy, on success.
 * @bytes: As for read_fd_text().
 *
 * Return: 0, or a negative errno.
 */
int read_text(const char *path, char **text, size_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = read_fd_text(fd, text, bytes);
	close(fd);
	return err;
}

/**
 * markup_text() - Write text into SVG or HTML, escaped.
 * @f: Where.
 * @s: The text: the five characters XML gives a meaning are escaped, and
 *     so is every other byte that is not text in a UTF-8 page (shown_len():
 *     newlines, tabs and valid UTF-8 are text).  The tree's box-drawing
 *     characters, valid UTF-8, stay as they are.
 */
void markup_text(FILE *f, const char *s)
{
	markup_shown(f, s, SHOW_UTF8 | SHOW_NL | SHOW_TAB);
}

/**
 * markup_shown() - markup_text(), with what stays as it is chosen.
 * @f: Where.
 * @s: The text.
 * @show: shown_len()'s flags: SHOW_UTF8 alone keeps @s on one line (a
 *        newline or a tab in a file's name shows as \ooo).
 */
void markup_shown(FILE *f, const char *s, unsigned int show)
{
	const char *e;
	size_t n;

	for (; *s; s += n) {
		n = 1;
		switch (*s) {
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '&':
			e = "&amp;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			n = shown_len(s, show);
			if (n) {
				fwrite(s, 1, n, f);
			} else {
				fprintf(f, ESC_BYTE, (unsigned char)*s);
				n = 1;
			}
			continue;
		}
		fputs(e, f);
	}
}

/* argv[0..argc) joined by spaces, malloc()ed; NULL if out of memory. */
char *str_join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}
