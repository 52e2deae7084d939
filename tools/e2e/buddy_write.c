// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_write FILE TEXT: write TEXT to FILE in a single write() and print
 * "OK" or the errno's name, so shell tests can check the exact error of a
 * debugfs command ("echo" only says that it failed).  Backslash escapes
 * \n, \t, \\ and \xHH in TEXT allow control bytes.  Exit status 0 on OK.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	int nr;
	const char *name;
} names[] = {
	{ EINVAL, "EINVAL" }, { ERANGE, "ERANGE" }, { EALREADY, "EALREADY" },
	{ ENOMEM, "ENOMEM" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
	{ EFAULT, "EFAULT" }, { EACCES, "EACCES" }, { ENOTTY, "ENOTTY" },
	{ EUCLEAN, "EUCLEAN" },
};

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (in[0] == '\\' && in[1] == 'n') {
			out[n++] = '\n';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 't') {
			out[n++] = '\t';
			in += 2;
		} else if (in[0] == '\\' && in[1] == '\\') {
			out[n++] = '\\';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	char *buf;
	size_t len, i;
	ssize_t ret;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: buddy_write FILE TEXT\n");
		return 2;
	}
	buf = malloc(strlen(argv[2]) + 1);
	if (!buf)
		return 2;
	len = unescape(argv[2], buf);
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	ret = write(fd, buf, len);
	if (ret == (ssize_t)len) {
		puts("OK");
		return 0;
	}
	if (ret >= 0) {
		printf("SHORT %zd\n", ret);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].nr == errno) {
			puts(names[i].name);
			return 1;
		}
	}
	printf("errno %d\n", errno);
	return 1;
}
