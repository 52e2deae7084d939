/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddyctl: what its parts share
 *
 *   buddyctl.c options, help, dispatch, one-shot commands through debugfs
 *   output.c   JSON writer, errno table and error reports, key=value lines
 *   views.c    the debugfs views and BUDDY_IOC_INFO, read and rendered
 *   session.c  shell and run: one /dev/buddy file for a whole session
 *   explain.c  a command's steps, told in words
 *   sim.c      the in-process twin of buddy.ko (--sim)
 *   backend.c  where a command goes: the module, or the twin
 *   svg.c      the pool as one picture
 *   html.c     a step-through page of a session
 *   quiz.c     predict, then see
 *   watch.c    a view redrawn whenever the pool changes
 *
 * Every output has two renderings, human (default) and JSON (--json: one
 * compact document per line on stdout).  Errors are one line: "SUBJECT:
 * ENAME: explanation" on stderr, or {"error": ..., "errno": N, "errno_name":
 * ...} on stdout with --json.
 */
#ifndef _BUDDYCTL_H
#define _BUDDYCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buddy_cmd.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define DEFAULT_DEV		"/dev/" BUDDY_DEV_NAME
#define DEFAULT_DEBUGFS		"/sys/kernel/debug/buddy"

/* The global options. */
struct options {
	bool json;		/* --json */
	bool explain;		/* --explain: tell each command's steps */
	bool sim;		/* --sim: the twin in this process */
	const char *out;	/* -o: svg and html write here */
	double interval;	/* watch --interval: seconds between polls */
	unsigned long count;	/* watch --count: drawings, 0 for no end */
	bool keep_going;	/* -k: run goes on after an error */
	const char *dev;	/* --dev */
	const char *debugfs;	/* --debugfs */
};

extern struct options opt;

/* === output.c === */

/* What was being done when an errno came back: it picks the explanation. */
enum err_ctx {
	CTX_ANY,
	CTX_ALLOC,		/* an allocation, either way */
	CTX_FREE,		/* free PFN through debugfs control */
	CTX_FREE_TAG,		/* free tag=NAME through debugfs control */
	CTX_DEV_FREE,		/* free PFN through this session's file */
	CTX_DEV_FREE_TAG,	/* free tag=NAME among this session's blocks */
	CTX_DEV,		/* opening or talking to /dev/buddy */
	CTX_DEBUGFS,		/* opening or reading a debugfs file */
	CTX_PATH,		/* a file the user named: shown as a path */
	NR_CTX,
};

/* Set by a batch run so that errors say FILE:LINE. */
extern const char *where_file;
extern unsigned long where_line;

const char *errno_name(int err);
const char *errno_text(int err, enum err_ctx ctx);
__printf(4, 5) void report(const char *subject, int err, enum err_ctx ctx,
			   const char *fmt, ...);
__printf(1, 2) void note(const char *fmt, ...);
void report_told(const char *text);
const char *word_cut(char *buf, size_t len, const char *word);
FILE *open_output(const char *name);
int close_output(FILE *f, const char *name);
void discard_output(FILE *f);
int close_stdout(int status);
void flush_stdout(void);
bool stdout_failed(void);

/* shown_len()'s @show: what may be shown as it is, past printable ASCII. */
#define SHOW_UTF8	0x1
#define SHOW_NL		0x2
#define SHOW_TAB	0x4
/* How a byte that may not be shown is shown: in octal, as the module's. */
#define ESC_BYTE	"\\%03o"
size_t shown_len(const char *s, unsigned int show);
void sanitize(char *out, size_t len, const char *in);

#define JSON_MAX_DEPTH	8

/* A streaming JSON writer: compact, one document per line. */
struct json {
	FILE *f;
	int depth;
	char close[JSON_MAX_DEPTH];	/* '}' or ']' per open level */
	bool comma[JSON_MAX_DEPTH];	/* a value came before at this level */
};

void json_begin(struct json *j);
void json_end(struct json *j);
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_u64(struct json *j, const char *key, unsigned long long v);
void json_num(struct json *j, const char *key, const char *text);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* A key=value word of a line; val is NULL for a bare word. */
struct kv {
	char *key;
	char *val;
};

#define KV_MAX	24	/* words per line */

/* One parsed line. */
struct kv_line {
	struct kv kv[KV_MAX];
	int n;
};

int kv_split(char *line, struct kv_line *l, const char *rest_key);
const char *kv_get(const struct kv_line *l, const char *key);
void json_kv(struct json *j, const struct kv_line *l);
bool parse_u64(const char *s, unsigned long long *v);
bool is_decimal(const char *s);
size_t blank_trimmed_len(const char *s, size_t len);
char *next_line(char **text);
int read_fd_text(int fd, char **text, size_t *bytes);
int read_text(const char *path, char **text, size_t *bytes);
char *str_join(int argc, char **argv);
void markup_text(FILE *f, const char *s);
void markup_shown(FILE *f, const char *s, unsigned int show);

/* === views.c === */

/* A parsed tree: the text, and a node per line. */
struct tree_node {
	unsigned long long pfn_first, pfn_last, pages;
	unsigned int order, depth;
	const char *state, *tag;
	const char *pid;
};

struct tree {
	char *text;			/* as read: human output prints it */
	char *parsed;			/* a copy, cut up by the nodes */
	struct tree_node *nodes;
	size_t nr;
};

char *debugfs_path(const char *name);
const char *view_source(const char *name);
int debugfs_read(const char *name, char **text);
void debugfs_report(const char *path, int err);
int tree_load(struct tree *t);
void tree_json(struct json *j, const char *key, const struct tree *t);
void tree_release(struct tree *t);

/* Which table rows_print() prints: its columns and wording. */
enum rows_kind {
	ROWS_ALLOCATIONS,		/* debugfs allocations */
	ROWS_SESSION,			/* a session's "list" */
};

int rows_print(const char *subject, char *text, const char *rest_key,
	       enum rows_kind which);

int view_run(const char *name);
bool view_exists(const char *name);
int info_show(int fd);
int dev_open(int *fd);
void result_print(enum buddy_cmd_op op, char *text, const struct tree *t);
unsigned int page_shift(void);
void report_alloc(const char *subject, int err, const struct buddy_cmd *cmd,
		  int max_order);
void report_free(const char *subject, int err, enum err_ctx ctx,
		 unsigned long long pfn);

/* === explain.c === */

int explain_steps(char *text, void (*out)(void *ctx, const char *sentence),
		  void *ctx);
void explain_print(const char *text, struct json *j);
void json_told(struct json *j, const char *text);

/* === watch.c === */

int watch_run(const char *view);

/* === svg.c === */

/* A block to outline as changed: its first pfn and order. */
struct svg_mark {
	unsigned long long pfn;
	unsigned int order;
};

int svg_write(FILE *f, const struct tree *t, const struct svg_mark *marks,
	      size_t nr_marks, const char *title, bool standalone);
int svg_run(const char *out);

/* === html.c === */

int html_run(const char *file, const char *out);

/* === quiz.c === */

int quiz_run(unsigned long long seed, unsigned int nr_steps,
	     unsigned int level, bool key);

/* === sim.c === */

int sim_start(unsigned long long pages, unsigned int max_order,
	      unsigned long long base);
int sim_file(const char *name, char **text);
int sim_command(const char *line, size_t len, char **text);
int sim_open(void);
void sim_close(int fd);
int sim_ioctl(int fd, unsigned long cmd, void *arg);
int sim_read(int fd, char **text);

/* === backend.c === */

int bk_file(const char *name, char **text, size_t *size);
int bk_command(const char *line, size_t len, char **text, const char **path);
int dev_ioctl(int fd, unsigned long cmd, void *arg);
int dev_read(int fd, char **text);
void dev_close(int fd);

/* === session.c === */

struct session;

int session_run(const char *file, bool interactive);
struct session *session_open(void);
size_t session_body_len(const char *line, size_t len);
bool session_line_runs(const char *line, size_t len);
int session_exec(struct session *s, char *line, size_t len, char **steps);
int session_exec_captured(struct session *s, char *line, size_t len,
			  char **output, char **steps);
int session_fd(const struct session *s);
bool session_allocated(const struct session *s, unsigned long long *pfn);
void session_close(struct session *s);

#endif /* _BUDDYCTL_H */
