// SPDX-License-Identifier: GPL-2.0
/*
 * html.c - a session as one page to step through: buddyctl html FILE
 *
 * Runs FILE's commands as "run" does (through the module, or the twin
 * with --sim), and after each one keeps the picture of the pool (svg.c)
 * with the blocks the command changed outlined, the command, what it
 * printed or the error, its steps in words, and buddyinfo.  Then it writes
 * one self-contained page: inline CSS, script and SVG, no address of
 * anything outside it, so it opens from file:// anywhere.  Every step is a
 * <section data-step="N">, N = 0 for the pool before the first command;
 * the arrow keys, two buttons and a slider move between them, and
 * "#step=N" at the end of the address opens step N.  Without
 * scripting the steps are simply all shown, one after the other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddyctl.h"

struct page_step {
	char *command;			/* NULL for step 0 */
	char *output;			/* what it printed, errors included */
	char *svg;
	char *buddyinfo;
	char **said;			/* its steps in words */
	size_t nr_said;
	bool failed;
};

/* A sentence of explain_steps(), kept. */
static void keep_said(void *ctx, const char *sentence)
{
	struct page_step *st = ctx;
	char **more = realloc(st->said, (st->nr_said + 1) * sizeof(*more));

	if (!more)
		return;
	st->said = more;
	st->said[st->nr_said] = strdup(sentence);
	if (st->said[st->nr_said])
		st->nr_said++;
}

/* The blocks a step's events touched: to outline in its picture. */
static size_t marks_of(const char *steps, struct svg_mark *marks, size_t max)
{
	char *copy = strdup(steps), *p = copy, *line;
	unsigned long long pfn, other;
	struct kv_line l;
	size_t n = 0;
	unsigned int order;
	const char *step;

	while (copy && (line = next_line(&p))) {
		if (kv_split(line, &l, NULL) || l.n < 2 || n + 3 > max)
			continue;
		step = l.kv[1].key;
		if (!kv_get(&l, "order") ||
		    !parse_u64(kv_get(&l, "pfn") ?: "x", &pfn))
			continue;
		order = strtoul(kv_get(&l, "order"), NULL, 10);
		if (!strcmp(step, "split") && order &&
		    parse_u64(kv_get(&l, "upper") ?: "x", &other)) {
			marks[n++] = (struct svg_mark){ pfn, order };
			marks[n++] = (struct svg_mark){ pfn, order - 1 };
			marks[n++] = (struct svg_mark){ other, order - 1 };
		} else if (!strcmp(step, "merge") &&
			   parse_u64(kv_get(&l, "into") ?: "x", &other)) {
			marks[n++] = (struct svg_mark){ other, order + 1 };
		} else if (!strcmp(step, "alloc") || !strcmp(step, "stop")) {
			marks[n++] = (struct svg_mark){ pfn, order };
		}
	}
	free(copy);
	return n;
}

/* The pool now: its picture and its buddyinfo line. */
static int snapshot(struct page_step *st, const char *steps)
{
	struct svg_mark marks[256];
	char *buf = NULL;
	size_t len = 0, nr = 0;
	struct tree t;
	FILE *f;
	int ret = -1;

	if (steps)
		nr = marks_of(steps, marks, ARRAY_SIZE(marks));
	if (tree_load(&t))
		goto out;
	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	if (!svg_write(f, &t, marks, nr, NULL, false))
		ret = 0;
	fclose(f);
	st->svg = buf;
	if (!ret && bk_file("buddyinfo", &st->buddyinfo, NULL))
		ret = -1;
out:
	tree_release(&t);
	return ret;
}

static const char page_style[] =
"body{font-family:sans-serif;margin:1.5em;max-width:1100px;color:#222}"
"h1{font-size:1.4em}h2{font-size:1.1em;margin:.2em 0}"
"code{background:#f3f3f3;padding:0 .3em}"
"pre{background:#f7f7f7;padding:.5em;overflow-x:auto;margin:.4em 0}"
"pre.failed{background:#fde8e8}"
"ul.said{margin:.3em 0 .6em 0;padding-left:1.4em}"
"#controls{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd}"
"#controls button{font-size:1em;padding:.2em .8em}"
"#slider{width:50%;vertical-align:middle}"
"section.step{border-top:1px solid #ddd;padding:.5em 0}"
"html.js section.step{display:none}"
"html.js section.step.shown{display:block}"
"html:not(.js) #controls{display:none}";

static const char page_script[] =
"(function(){var d=document,steps=d.querySelectorAll('section.step'),"
"n=steps.length,cur=0,sl=d.getElementById('slider'),"
"where=d.getElementById('where');"
"d.documentElement.className='js';"
"function show(i){if(i<0)i=0;if(i>=n)i=n-1;"
"steps[cur].classList.remove('shown');cur=i;"
"steps[cur].classList.add('shown');sl.value=cur;"
"where.textContent='step '+cur+' of '+(n-1);"
"d.body.setAttribute('data-shown',cur);"
"try{history.replaceState(null,'','#step='+cur);}catch(x){}}"
"d.getElementById('prev').onclick=function(){show(cur-1);};"
"d.getElementById('next').onclick=function(){show(cur+1);};"
"sl.oninput=function(){show(+sl.value);};"
"d.addEventListener('keydown',function(e){"
"if(e.altKey||e.ctrlKey||e.metaKey)return;"
"if(e.key==='ArrowRight'){show(cur+1);e.preventDefault();}"
"else if(e.key==='ArrowLeft'){show(cur-1);e.preventDefault();}"
"else if(e.key==='Home'){show(0);e.preventDefault();}"
"else if(e.key==='End'){show(n-1);e.preventDefault();}});"
"function hash(){var h=/^#step=(\\d+)$/.exec(location.hash);"
"show(h?+h[1]:0);}"
"window.addEventListener('hashchange',hash);hash();})();";

static void write_page(FILE *f, const char *name, struct page_step *steps,
		       size_t nr)
{
	size_t i, k;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>", f);
	fputs("<meta charset=\"utf-8\">\n<title>buddy: ", f);
	markup_shown(f, name, SHOW_UTF8);
	/*
	 * Hide the steps before the browser lays them out: set at the end of
	 * the body, the class left a page of thousands of steps laying out
	 * every picture first (25 s against 6 s for 3000 steps).
	 */
	fprintf(f, "</title>\n<style>%s</style>\n<script>document.documentElement.className='js';</script>\n</head><body>\n",
		page_style);
	fputs("<h1>buddy: ", f);
	markup_shown(f, name, SHOW_UTF8);
	fprintf(f, "</h1>\n<p>%s, one step per command: the tree as rows of orders (max_order on top) over the pages, the blocks each command changed outlined in red, what it printed, and the allocator's own steps in words.</p>\n",
		opt.sim ? "The in-process twin of buddy.ko (buddyctl --sim)" :
			  "buddy.ko");
	fprintf(f, "<div id=\"controls\"><button id=\"prev\">&#9664; previous</button> <input type=\"range\" id=\"slider\" aria-label=\"step\" min=\"0\" max=\"%zu\" value=\"0\"> <button id=\"next\">next &#9654;</button> <span id=\"where\" aria-live=\"polite\"></span> (or the arrow keys)</div>\n",
		nr - 1);
	for (i = 0; i < nr; i++) {
		struct page_step *st = &steps[i];

		fprintf(f, "<section class=\"step\" data-step=\"%zu\">\n<h2>Step %zu: ",
			i, i);
		if (st->command) {
			fputs("<code>", f);
			markup_text(f, st->command);
			fputs("</code>", f);
		} else {
			fputs("the pool before the first command", f);
		}
		fputs("</h2>\n", f);
		if (st->output && st->output[0]) {
			fprintf(f, "<pre class=\"%s\">", st->failed ?
				"failed" : "result");
			markup_text(f, st->output);
			fputs("</pre>\n", f);
		}
		if (st->nr_said) {
			fputs("<ul class=\"said\">\n", f);
			for (k = 0; k < st->nr_said; k++) {
				fputs("<li>", f);
				markup_text(f, st->said[k]);
				fputs("</li>\n", f);
			}
			fputs("</ul>\n", f);
		}
		fprintf(f, "<div class=\"pic\">\n%s</div>\n", st->svg ?: "");
		fputs("<pre class=\"buddyinfo\">", f);
		markup_text(f, st->buddyinfo ?: "");
		fputs("</pre>\n</section>\n", f);
	}
	fprintf(f, "<script>%s</script>\n</body></html>\n", page_script);
}

static void steps_free(struct page_step *steps, size_t nr)
{
	size_t i, k;

	for (i = 0; i < nr; i++) {
		free(steps[i].command);
		free(steps[i].output);
		free(steps[i].svg);
		free(steps[i].buddyinfo);
		for (k = 0; k < steps[i].nr_said; k++)
			free(steps[i].said[k]);
		free(steps[i].said);
	}
	free(steps);
}

/*
 * The first @n bytes of @s, as the page shows the command: a NUL byte,
 * which would end the string, becomes \000 as markup_text() shows every
 * other control byte, and as the command's error shows it.
 */
static char *command_text(const char *s, size_t n)
{
	size_t i, k = 0, nuls = 0;
	char *text;

	for (i = 0; i < n; i++)
		nuls += !s[i];
	text = malloc(n + 3 * nuls + 1);
	if (!text)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i]) {
			text[k++] = s[i];
		} else {
			memcpy(text + k, "\\000", 4);
			k += 4;
		}
	}
	text[k] = '\0';
	return text;
}

/**
 * html_run() - buddyctl html FILE [-o OUT]: FILE's session as a page.
 * @file: The commands, one per line ("-" for stdin), as for run.
 * @out: The page to write, or NULL or "-" for stdout.
 *
 * A command that fails is shown failed, and the page goes on: a lesson
 * may show a refusal on purpose.
 *
 * Return: the exit status: 0, or 1 if the page could not be made.
 */
int html_run(const char *file, const char *out)
{
	bool explain = opt.explain, json = opt.json;
	struct page_step *steps = NULL, *more;
	char *line = NULL, *said, *cut;
	size_t cap = 0, nr = 0, n;
	struct session *s = NULL;
	FILE *in = stdin, *f;
	int ret = 1, r, r2;
	ssize_t len;

	if (strcmp(file, "-")) {
		in = fopen(file, "r");
		if (!in) {
			report(file, errno, CTX_PATH, NULL);
			return 1;
		}
	}
	/* What the page keeps is the plain text of each command. */
	opt.explain = false;
	opt.json = false;
	s = session_open();
	steps = calloc(1, sizeof(*steps));
	if (!s || !steps || snapshot(&steps[0], NULL))
		goto out;
	nr = 1;
	where_file = in == stdin ? "stdin" : file;
	for (;;) {
		errno = 0;
		len = getline(&line, &cap, in);
		if (len < 0) {
			/* FILE a directory, say: no page of half a lesson. */
			if (errno) {
				report(file, errno, CTX_PATH, NULL);
				goto out;
			}
			break;
		}
		where_line++;
		/* The lines run does, given to the session as run gives them. */
		if (!session_line_runs(line, len))
			continue;
		more = realloc(steps, (nr + 1) * sizeof(*steps));
		if (!more)
			goto out;
		steps = more;
		memset(&steps[nr], 0, sizeof(*steps));
		/*
		 * The page shows the command as run reads it, without its
		 * line ending and the blanks around it (a '\r' left is
		 * shown, escaped, as the error shows it).
		 */
		cut = line + strspn(line, " \t");
		n = session_body_len(line, len) - (cut - line);
		steps[nr].command = command_text(cut,
						 blank_trimmed_len(cut, n));
		/*
		 * The page tells every command's steps in its own list: an
		 * "explain on" in FILE must not tell them in the text too.
		 */
		opt.explain = false;
		r = session_exec_captured(s, line, len, &steps[nr].output,
					  &said);
		if (r == -2)
			goto out;
		steps[nr].failed = r < 0;
		/* explain_steps() cuts up its text: it gets a copy. */
		cut = strdup(said ?: "");
		if (cut)
			explain_steps(cut, keep_said, &steps[nr]);
		free(cut);
		r2 = snapshot(&steps[nr], said);
		free(said);
		nr++;
		if (r2)
			goto out;
		if (r > 0)
			break;
	}
	/* What goes wrong from here is the page's, not FILE's last line. */
	where_file = NULL;
	f = open_output(out);
	if (!f)
		goto out;
	write_page(f, strrchr(file, '/') ? strrchr(file, '/') + 1 : file,
		   steps, nr);
	ret = close_output(f, out);
out:
	where_file = NULL;
	opt.explain = explain;
	opt.json = json;
	if (s)
		session_close(s);
	if (steps)
		steps_free(steps, nr ? nr : 1);
	free(line);
	if (in != stdin)
		fclose(in);
	return ret;
}
