// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_steps_test - /dev/buddy users each get the steps of their own
 * commands, never another's, however their commands interleave.
 *
 * Two processes, each with its own open /dev/buddy, allocate and free at
 * random at the same time.  After every ALLOC or FREE a process read()s
 * its file: the result, then the steps, which must be one unbroken run of
 * seqs, end with this command's own alloc (or stop), name its own block
 * and its own owner, and follow on from the result.  Runs as root in the
 * VM with buddy.ko loaded; prints "BUDDY-TEST: PASS|FAIL" lines.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

#define ROUNDS		400
#define HELD		8

/* Exits with a message on the first broken rule: the parent reports. */
static void bad(int who, int round, const char *why, const char *text)
{
	fprintf(stderr, "user %d, round %d: %s\n%s\n", who, round, why, text);
	exit(1);
}

static char *read_text(int fd, char *buf, size_t size)
{
	ssize_t n, len = 0;

	while ((n = read(fd, buf + len, size - len - 1)) > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

/*
 * The steps after the result line: seqs one by one, each owner= this
 * file's; returns the last step line.
 */
static const char *check_steps(int who, int round, const char *text,
			       char *owner)
{
	const char *line = strchr(text, '\n'), *last = NULL, *o;
	unsigned long long seq, prev = 0;
	char mine[32];

	for (line = line ? line + 1 : NULL; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "seq=%llu ", &seq) != 1)
			bad(who, round, "a line that is not a step", text);
		if (prev && seq != prev + 1)
			bad(who, round, "steps of another command between ours",
			    text);
		prev = seq;
		o = strstr(line, " owner=");
		if (o && o < strchr(line, '\n')) {
			if (sscanf(o + 7, "%31s", mine) != 1)
				bad(who, round, "an empty owner", text);
			if (!*owner)
				snprintf(owner, 32, "%s", mine);
			else if (strcmp(owner, mine))
				bad(who, round, "another owner's step", text);
		}
		last = line;
	}
	if (!last)
		bad(who, round, "no steps", text);
	return last;
}

static void user(int who)
{
	static char text[8192];
	struct buddy_alloc a;
	unsigned long long held[HELD] = { 0 }, pfn;
	char owner[32] = "", want[64];
	const char *last;
	int fd = open("/dev/buddy", O_RDWR), round, i;

	if (fd < 0)
		bad(who, 0, "open", "");
	srand(who + 1);
	for (round = 0; round < ROUNDS; round++) {
		i = rand() % HELD;
		if (held[i]) {
			struct buddy_free f = { .pfn = held[i] };

			if (ioc(fd, BUDDY_IOC_FREE, &f))
				bad(who, round, "FREE failed", "");
			read_text(fd, text, sizeof(text));
			snprintf(want, sizeof(want), "freed pfn=0x%llx ",
				 held[i]);
			if (strncmp(text, want, strlen(want)))
				bad(who, round, "not our freed block", text);
			snprintf(want, sizeof(want), " free pfn=0x%llx ",
				 held[i]);
			if (!strstr(text, want))
				bad(who, round, "no free step of it", text);
			last = check_steps(who, round, text, owner);
			if (!strstr(last, " stop "))
				bad(who, round, "steps do not end in a stop",
				    text);
			held[i] = 0;
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.mode = BUDDY_ALLOC_ORDER;
		a.order = rand() % 3;
		if (ioc(fd, BUDDY_IOC_ALLOC, &a)) {
			/* Full: the text says why, with a fail step. */
			read_text(fd, text, sizeof(text));
			if (strncmp(text, "error=ENOMEM ", 13) ||
			    !strstr(text, " fail order="))
				bad(who, round, "a refusal without its fail step",
				    text);
			check_steps(who, round, text, owner);
			continue;
		}
		pfn = a.pfn;
		read_text(fd, text, sizeof(text));
		snprintf(want, sizeof(want), "pfn=0x%llx order=%u ", pfn,
			 a.out_order);
		if (strncmp(text, want, strlen(want)))
			bad(who, round, "not our block", text);
		last = check_steps(who, round, text, owner);
		snprintf(want, sizeof(want), " alloc pfn=0x%llx order=%u ",
			 pfn, a.out_order);
		if (!strstr(last, want))
			bad(who, round, "steps do not end in our alloc", text);
		held[i] = pfn;
	}
	close(fd);
	exit(0);
}

int main(void)
{
	int i, status, ok = 1;
	pid_t pids[2];

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (!pids[i])
			user(i);
	}
	for (i = 0; i < 2; i++) {
		waitpid(pids[i], &status, 0);
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	}
	result(ok, "two /dev/buddy users, %d commands each at once: each read only its own steps",
	       ROUNDS);
	return nr_failed ? 1 : 0;
}
