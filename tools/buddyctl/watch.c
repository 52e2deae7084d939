// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - a view redrawn whenever the pool changes, for a second
 * terminal during a lecture
 *
 * Polls the module's counters (debugfs stats: every allocation, free,
 * refusal, split and merge moves one of them) every --interval seconds
 * and redraws the view when they moved.  On a terminal the screen is
 * cleared first; otherwise each drawing follows the last, after a "---"
 * line, so a script can read them.  --count N stops after N drawings;
 * so does stdout that cannot be written (a full disk, a closed pipe with
 * SIGPIPE ignored): nobody reads the drawings any more.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buddyctl.h"

/**
 * watch_run() - Draw a view, and again whenever the pool changes.
 * @view: The view's name (view_exists()).
 *
 * Return: the exit status: 0, or 1 if a drawing failed or stdout did.
 */
int watch_run(const char *view)
{
	unsigned long draws = 0;
	char *prev = NULL, *cur;
	struct timespec ts;
	int ret = 0;

	ts.tv_sec = (time_t)opt.interval;
	ts.tv_nsec = (long)((opt.interval - ts.tv_sec) * 1e9);

	for (;;) {
		if (debugfs_read("stats", &cur)) {
			ret = 1;
			break;
		}
		if (!prev || strcmp(prev, cur)) {
			if (!opt.json && isatty(STDOUT_FILENO))
				fputs("\033[H\033[2J", stdout);
			else if (draws && !opt.json)
				puts("---");
			if (view_run(view))
				ret = 1;
			flush_stdout();
			draws++;
		}
		free(prev);
		prev = cur;
		if (stdout_failed()) {
			ret = 1;
			break;
		}
		if (opt.count && draws >= opt.count)
			break;
		nanosleep(&ts, NULL);
	}
	free(prev);
	return ret;
}
