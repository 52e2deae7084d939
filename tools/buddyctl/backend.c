// SPDX-License-Identifier: GPL-2.0
/*
 * backend.c - where buddyctl's commands go: the module, or the twin
 *
 * Every view, command and ioctl passes here: to debugfs and /dev/buddy of
 * the loaded module, or, with --sim, to the in-process twin (sim.c), which
 * answers with the module's own code.  The rest of buddyctl cannot tell
 * them apart, so both are parsed and printed alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "buddyctl.h"

/**
 * bk_file() - What a file of the module's debugfs directory reads.
 * @name: The file, e.g. "tree".
 * @text: Set to a malloc()ed NUL-terminated copy.
 * @size: Set to the bytes read, if not NULL: more than strlen(*@text) when
 *        the file holds a NUL byte.
 *
 * Return: 0, or a negative errno; nothing is reported.
 */
int bk_file(const char *name, char **text, size_t *size)
{
	int err;

	if (!opt.sim)
		return read_text(debugfs_path(name), text, size);
	err = sim_file(name, text);
	if (!err && size)
		*size = strlen(*text);
	return err;
}

/**
 * bk_command() - Write a command to debugfs control, read what it says.
 * @line: The command.
 * @len: Its length.
 * @text: Set to what the same open file reads after the write (the
 *        result, or why it was refused, then the steps), or NULL.
 * @path: Set to what was written to, for messages.
 *
 * One open file for both, so that a buddyctl running at the same time
 * cannot swap its result for ours.
 *
 * Return: 0; the positive errno of the write (EIO for a short one); or the
 * negative errno of the open.
 */
int bk_command(const char *line, size_t len, char **text, const char **path)
{
	ssize_t n;
	int fd, err;

	*text = NULL;
	if (opt.sim) {
		*path = view_source("control");
		return -sim_command(line, len, text);
	}
	*path = debugfs_path("control");
	fd = open(*path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	/* The file rewinds to its result, or why it was refused. */
	if (read_fd_text(fd, text, NULL))
		*text = NULL;
	close(fd);
	return err;
}

/**
 * dev_open() - Open the device (--dev), or the twin's.
 * @fd: Set to the descriptor on success.
 *
 * Return: 0, or -1 after reporting why not.
 */
int dev_open(int *fd)
{
	if (opt.sim) {
		*fd = sim_open();
		if (*fd >= 0)
			return 0;
		report("--sim", -*fd, CTX_DEV, NULL);
		return -1;
	}
	*fd = open(opt.dev, O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	report(opt.dev, errno, CTX_DEV, NULL);
	return -1;
}

/* An ioctl on the device: 0, or -1 with errno set, as ioctl(2). */
int dev_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	if (!opt.sim)
		return ioctl(fd, cmd, arg);
	ret = sim_ioctl(fd, cmd, arg);
	if (!ret)
		return 0;
	errno = -ret;
	return -1;
}

/* read() on the device to its end: 0, or a negative errno. */
int dev_read(int fd, char **text)
{
	return opt.sim ? sim_read(fd, text) : read_fd_text(fd, text, NULL);
}

void dev_close(int fd)
{
	if (opt.sim)
		sim_close(fd);
	else
		close(fd);
}
