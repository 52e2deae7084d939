// SPDX-License-Identifier: GPL-2.0
/*
 * svg.c - the pool as one picture: the tree and the memory at once
 *
 * An icicle diagram: a row per order, max_order at the top; the x axis is
 * the pfn range; each block of the tree is a box spanning its pages in its
 * order's row, so a split block sits above its two halves, and free and
 * allocated blocks are the leaves.  Under the rows a memory bar shows each
 * page as its leaf has it.  Ticks give pfns, a legend the colours.
 *
 * Drawn from the tree as the module prints it (debugfs tree, or the
 * twin's), so it shows what the allocator holds.  It stays readable from
 * one page to millions: a box narrower than a pixel is not drawn alone;
 * each row adds such boxes up per pixel column, shaded by how much of them
 * is allocated, and the legend says so.  Every string that reaches the SVG
 * is escaped for XML.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buddyctl.h"

#define SVG_W		960	/* the pfn axis, pixels */
#define SVG_LEFT	72	/* room for "order 10" */
#define SVG_TOP		44
#define SVG_ROW		30
#define SVG_BAR		22
#define SVG_TAGS	24	/* tags the legend names */
#define SVG_LEGEND_ROW	20	/* a line of the legend */
#define SVG_CHAR	7	/* a character of 12 px text, wide enough */
#define SVG_WIDE_CHAR	12	/* W, m, a capital, another script's */
#define SVG_NARROW_CHAR	4	/* i, l, a dot */
#define SVG_TICK_CHAR	6	/* a character of a 10 px tick label */

/*
 * Pages of one pixel column of a row, added up: allocated, free and in all
 * (the rest split); whether a block the step changed is among them.
 */
struct column {
	unsigned long long alloc, free, all;
	bool changed;
};

struct svg {
	FILE *f;
	unsigned long long base, nr;	/* first pfn, pages */
	unsigned int top;		/* the highest order drawn */
	double scale;			/* pixels per page */
	struct column *agg;		/* (top + 2) rows of SVG_W columns */
	bool aggregated;
	bool untagged;			/* an allocated block has no tag */
	const char *tags[SVG_TAGS];
	unsigned int nr_tags;
	unsigned long long other_tags;	/* blocks of tags not named */
};

/*
 * A colour per tag, the same in every picture: one of twelve hues and
 * three lightnesses, by the sum of its bytes.  Tags one letter apart (A,
 * B, C...) never share a hue: the hues are in an order that puts
 * neighbours 100 degrees apart or more (A, B and C were 240, 265 and 290:
 * three blues).  Tags whose sums are 12 apart (t1 and t10, a digit '0'
 * more) share a hue but not a lightness; 36 apart, they share a colour.
 */
static void tag_colour(char *buf, size_t len, const char *tag)
{
	/* No greens: free blocks are green. */
	static const unsigned int hues[12] = {
		25, 200, 340, 240, 0, 220, 60, 315, 185, 290, 45, 265,
	};
	static const unsigned int light[3] = { 66, 52, 80 };
	unsigned int sum = 0;

	for (; *tag; tag++)
		sum += (unsigned char)*tag;
	snprintf(buf, len, "hsl(%u,62%%,%u%%)", hues[sum % 12],
		 light[sum / 12 % 3]);
}

/* An allocated block's tag, for the legend: named, or counted. */
static void note_tag(struct svg *g, const char *tag)
{
	unsigned int i;

	for (i = 0; i < g->nr_tags; i++)
		if (!strcmp(g->tags[i], tag))
			return;
	if (g->nr_tags < SVG_TAGS)
		g->tags[g->nr_tags++] = tag;
	else
		g->other_tags++;
}

/* "8 KiB", "2 MiB": a block's size, for its label. */
static const char *size_text(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (u < 4 && bytes >= 1024 && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", bytes, unit[u]);
	return buf;
}

static void fill_of(char *buf, size_t len, const struct tree_node *n)
{
	if (!strcmp(n->state, "free"))
		snprintf(buf, len, "#cdeccd");
	else if (!strcmp(n->state, "split"))
		snprintf(buf, len, "#f2f2f2");
	else if (n->tag)
		tag_colour(buf, len, n->tag);
	else
		snprintf(buf, len, "#e3b27a");
}

/* A box of the tree, or its share of a pixel column when too narrow. */
static void box(struct svg *g, const struct tree_node *n, double y,
		double h, unsigned int row, bool marked, bool label)
{
	double x0 = SVG_LEFT + (n->pfn_first - g->base) * g->scale;
	double w = n->pages * g->scale;
	char fill[32], size[32];
	struct column *c;

	if (w < 1) {
		c = &g->agg[row * SVG_W + (unsigned int)((x0 - SVG_LEFT))];
		c->all += n->pages;
		if (!strcmp(n->state, "allocated"))
			c->alloc += n->pages;
		else if (!strcmp(n->state, "free"))
			c->free += n->pages;
		c->changed |= marked;
		g->aggregated = true;
		return;
	}
	fill_of(fill, sizeof(fill), n);
	fprintf(g->f, "<rect class=\"%s%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>0x%llx-0x%llx order %u, %llu page%s, %s",
		n->state, marked ? " changed" : "", x0, y, w, h, fill,
		n->pfn_first, n->pfn_last, n->order, n->pages,
		n->pages == 1 ? "" : "s", n->state);
	if (n->tag) {
		fputs(", tag ", g->f);
		markup_text(g->f, n->tag);
	}
	fputs("</title></rect>\n", g->f);
	if (!label || w < 34)
		return;
	fprintf(g->f, "<text x=\"%.2f\" y=\"%.1f\" class=\"label\">",
		x0 + w / 2, y + h / 2 + 4);
	if (!strcmp(n->state, "allocated")) {
		markup_text(g->f, n->tag ? n->tag : "used");
		if (w >= 80)
			fprintf(g->f, " %s",
				size_text(size, sizeof(size),
					  n->pages << page_shift()));
	} else if (w >= 50) {
		fputs(n->state, g->f);
	}
	fputs("</text>\n", g->f);
}

/* The columns of a row that hold boxes narrower than a pixel. */
static void columns(struct svg *g, unsigned int row, double y, double h)
{
	/* The legend's free green and split grey, and a dark allocated. */
	static const int free_rgb[3] = { 0xcd, 0xec, 0xcd };
	static const int split_rgb[3] = { 0xf2, 0xf2, 0xf2 };
	static const int alloc_rgb[3] = { 75, 75, 95 };
	struct column *c = &g->agg[row * SVG_W];
	unsigned long long split;
	unsigned int x, k;
	int rgb[3];

	for (x = 0; x < SVG_W; x++) {
		if (!c[x].all)
			continue;
		/* Each colour by its share of the column's pages. */
		split = c[x].all - c[x].alloc - c[x].free;
		for (k = 0; k < 3; k++)
			rgb[k] = (int)((free_rgb[k] * c[x].free +
					split_rgb[k] * split +
					alloc_rgb[k] * c[x].alloc) / c[x].all);
		fprintf(g->f, "<rect class=\"agg%s\" x=\"%u\" y=\"%.1f\" width=\"1\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>\n",
			c[x].changed ? " changed" : "", SVG_LEFT + x, y, h,
			rgb[0], rgb[1], rgb[2]);
	}
}

static bool is_marked(const struct tree_node *n, const struct svg_mark *marks,
		      size_t nr_marks)
{
	size_t i;

	for (i = 0; i < nr_marks; i++)
		if (marks[i].pfn == n->pfn_first && marks[i].order == n->order)
			return true;
	return false;
}

/* Ticks at a power of two of pages, about eight of them. */
static void draw_axis(struct svg *g, double y)
{
	unsigned long long step = 1, t;
	char label[24];
	double x;
	int n;

	while (g->nr / step > 8)
		step *= 2;
	fprintf(g->f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"axis\"/>\n",
		SVG_LEFT, y, SVG_LEFT + SVG_W, y);
	for (t = 0; t <= g->nr; t += step) {
		x = SVG_LEFT + t * g->scale;
		fprintf(g->f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" class=\"axis\"/>\n",
			x, y, x, y + 5);
		/*
		 * A label centred on the last ticks could run past the
		 * picture's right edge: it ends at its tick instead.
		 */
		n = snprintf(label, sizeof(label), "0x%llx", g->base + t);
		fprintf(g->f, "<text x=\"%.2f\" y=\"%.1f\" class=\"tick%s\">%s</text>\n",
			x, y + 17,
			x + n * SVG_TICK_CHAR / 2 > SVG_LEFT + SVG_W + 16 ?
			" end" : "", label);
		if (t + step < t)
			break;
	}
	fprintf(g->f, "<text x=\"%d\" y=\"%.1f\" class=\"axisname\">pfn</text>\n",
		SVG_LEFT + SVG_W / 2, y + 32);
}

/*
 * The legend, a line at a time: an entry that does not fit on its line
 * starts the next one.  Laid out once to find its last line, for the
 * picture's height, and again to draw.
 */
struct legend {
	struct svg *g;
	double x, y;
	bool draw;
};

/*
 * @text's width on the picture, over-estimated: 12 px sans-serif draws
 * "W" and "m" about 11 px wide, "i" and "." 3, most others 6 or 7; a
 * character of another script as a wide one; an escaped byte is \ooo.
 */
static double text_width(const char *text)
{
	double w = 0;
	size_t u;

	while (*text) {
		u = shown_len(text, SHOW_UTF8);
		if (!u)
			w += 4 * SVG_CHAR;
		else if (u > 1 || strchr("MWmw@%", *text) ||
			 (*text >= 'A' && *text <= 'Z'))
			w += SVG_WIDE_CHAR;
		else if (strchr("ijl.,:;|!' ", *text))
			w += SVG_NARROW_CHAR;
		else
			w += SVG_CHAR;
		text += u ? u : 1;
	}
	return w;
}

/* A swatch of @fill (class @cls) and @text after it. */
static void legend_entry(struct legend *l, const char *fill, const char *cls,
			 const char *text)
{
	double w = 18 + text_width(text);

	if (l->x > SVG_LEFT && l->x + w > SVG_LEFT + SVG_W) {
		l->x = SVG_LEFT;
		l->y += SVG_LEGEND_ROW;
	}
	if (l->draw) {
		fprintf(l->g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\" class=\"%s\"/><text x=\"%.0f\" y=\"%.1f\">",
			l->x, l->y, fill, cls, l->x + 18, l->y + 11);
		markup_text(l->g->f, text);
		fputs("</text>\n", l->g->f);
	}
	l->x += w + 16;
}

/*
 * Lays out (and with @draw, draws) the legend at @y: every colour the
 * picture has, each tag named up to SVG_TAGS of them, the blocks of the
 * rest counted.  Return: the y of its last line.
 */
static double draw_legend(struct svg *g, double y, size_t nr_marks,
			  bool draw)
{
	struct legend l = { .g = g, .x = SVG_LEFT, .y = y, .draw = draw };
	char fill[32], more[64];
	unsigned int i;

	if (draw)
		fprintf(g->f, "<g class=\"legend\">\n");
	legend_entry(&l, "#cdeccd", "free", "free");
	legend_entry(&l, "#f2f2f2", "split", "split (drawn above its halves)");
	if (nr_marks)
		legend_entry(&l, "none", "changed", "changed by this step");
	for (i = 0; i < g->nr_tags; i++) {
		tag_colour(fill, sizeof(fill), g->tags[i]);
		legend_entry(&l, fill, "allocated", g->tags[i]);
	}
	if (g->other_tags) {
		snprintf(more, sizeof(more), "and %llu block%s of other tags",
			 g->other_tags, g->other_tags == 1 ? "" : "s");
		legend_entry(&l, "#ffffff", "allocated", more);
	}
	if (g->untagged)
		legend_entry(&l, "#e3b27a", "allocated", "allocated, untagged");
	if (draw && g->aggregated)
		fprintf(g->f, "<text x=\"%d\" y=\"%.1f\">Blocks narrower than a pixel are added up in 1-pixel columns: green where free, grey where split, dark where allocated, mixed by pages.</text>\n",
			SVG_LEFT, l.y + 32);
	if (draw)
		fputs("</g>\n", g->f);
	return l.y;
}

/**
 * svg_write() - Draw the pool.
 * @f: Where the SVG goes.
 * @t: The tree, parsed (tree_load()).
 * @marks: Blocks to outline as changed, or NULL.
 * @nr_marks: How many.
 * @title: A line above the picture, or NULL.
 * @standalone: An SVG file, with its namespace; else inline in HTML,
 *              which needs none (and so names no address at all).
 *
 * Return: 0, or -ENOMEM.
 */
int svg_write(FILE *f, const struct tree *t, const struct svg_mark *marks,
	      size_t nr_marks, const char *title, bool standalone)
{
	struct svg g = { .f = f };
	const struct tree_node *n;
	double y, axis_y, height;
	size_t i;

	if (!t->nr)
		return -EINVAL;
	g.base = t->nodes[0].pfn_first;
	for (i = 0; i < t->nr; i++) {
		n = &t->nodes[i];
		if (n->pfn_last + 1 - g.base > g.nr)
			g.nr = n->pfn_last + 1 - g.base;
		if (!n->depth && n->order > g.top)
			g.top = n->order;
	}
	g.scale = (double)SVG_W / g.nr;
	g.agg = calloc((g.top + 2) * SVG_W, sizeof(*g.agg));
	if (!g.agg)
		return -ENOMEM;
	/* The legend's tags first: its lines make the picture's height. */
	for (i = 0; i < t->nr; i++) {
		n = &t->nodes[i];
		if (n->state && !strcmp(n->state, "allocated")) {
			if (n->tag)
				note_tag(&g, n->tag);
			else
				g.untagged = true;
		}
	}
	axis_y = SVG_TOP + (g.top + 1) * SVG_ROW + 12 + SVG_BAR + 6;
	height = draw_legend(&g, axis_y + 42, nr_marks, false) + 36;

	fprintf(f, "<svg%s class=\"buddy\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "",
		SVG_LEFT + SVG_W + 16, height, SVG_LEFT + SVG_W + 16, height);
	fputs("<style>.label{text-anchor:middle;font-size:11px}.tick{text-anchor:middle;font-size:10px;fill:#444}.tick.end{text-anchor:end}"
	      ".axis{stroke:#444}.axisname{text-anchor:middle;fill:#444}.rowname{text-anchor:end;fill:#444}"
	      "rect.free,rect.allocated,rect.split{stroke:#556;stroke-width:0.6}"
	      "rect.split{stroke-dasharray:3 2}rect.changed,.legend rect.changed{stroke:#d2002a;stroke-width:3}</style>\n",
	      f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	if (title) {
		fputs("<text x=\"12\" y=\"22\" font-size=\"15\">", f);
		markup_text(f, title);
		fputs("</text>\n", f);
	}
	for (i = 0; i <= g.top; i++)
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"rowname\">order %u</text>\n",
			SVG_LEFT - 8, SVG_TOP + (int)i * SVG_ROW + 18,
			g.top - (unsigned int)i);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"rowname\">pages</text>\n",
		SVG_LEFT - 8, SVG_TOP + (g.top + 1) * SVG_ROW + 12 + 15);

	for (i = 0; i < t->nr; i++) {
		n = &t->nodes[i];
		y = SVG_TOP + (g.top - n->order) * SVG_ROW;
		box(&g, n, y + 2, SVG_ROW - 4, g.top - n->order,
		    is_marked(n, marks, nr_marks), true);
		/* The leaves again, on the memory bar. */
		if (strcmp(n->state, "split"))
			box(&g, n, SVG_TOP + (g.top + 1) * SVG_ROW + 12,
			    SVG_BAR, g.top + 1, false, false);
	}
	for (i = 0; i <= g.top; i++)
		columns(&g, i, SVG_TOP + i * SVG_ROW + 2, SVG_ROW - 4);
	columns(&g, g.top + 1, SVG_TOP + (g.top + 1) * SVG_ROW + 12, SVG_BAR);
	draw_axis(&g, axis_y);
	draw_legend(&g, axis_y + 42, nr_marks, true);
	fputs("</svg>\n", f);
	free(g.agg);
	return 0;
}

/**
 * svg_run() - buddyctl svg [-o FILE]: the pool now, as one SVG.
 * @out: The file to write, or NULL or "-" for stdout.
 *
 * Return: the exit status.
 */
int svg_run(const char *out)
{
	FILE *f;
	struct tree t;
	int ret = 1;

	if (tree_load(&t))
		goto out;
	f = open_output(out);
	if (!f)
		goto out;
	if (svg_write(f, &t, NULL, 0, "buddy: the pool, a row per order",
		      true)) {
		/* No picture: the old one stays, and nothing beside it. */
		discard_output(f);
		report("svg", ENOMEM, CTX_ANY, NULL);
	} else {
		ret = close_output(f, out);
	}
out:
	tree_release(&t);
	return ret;
}
