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
#define SVG_TAGS	12	/* tags the legend names */

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
};

/*
 * A colour per tag, the same in every picture: one of twelve hues, by the
 * sum of its bytes, so tags A, B, C... (one letter apart) never share one;
 * the hues are in an order that puts neighbours 100 degrees apart or more
 * (A, B and C were 240, 265 and 290: three blues).
 */
static unsigned int tag_hue(const char *tag)
{
	/* No greens: free blocks are green. */
	static const unsigned int hues[12] = {
		25, 200, 340, 240, 0, 220, 60, 315, 185, 290, 45, 265,
	};
	unsigned int sum = 0;

	for (; *tag; tag++)
		sum += (unsigned char)*tag;
	return hues[sum % 12];
}

static void note_tag(struct svg *g, const char *tag)
{
	unsigned int i;

	for (i = 0; i < g->nr_tags; i++)
		if (!strcmp(g->tags[i], tag))
			return;
	if (g->nr_tags < SVG_TAGS)
		g->tags[g->nr_tags++] = tag;
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
		snprintf(buf, len, "hsl(%u,62%%,66%%)", tag_hue(n->tag));
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
	double x;

	while (g->nr / step > 8)
		step *= 2;
	fprintf(g->f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"axis\"/>\n",
		SVG_LEFT, y, SVG_LEFT + SVG_W, y);
	for (t = 0; t <= g->nr; t += step) {
		x = SVG_LEFT + t * g->scale;
		fprintf(g->f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" class=\"axis\"/>\n",
			x, y, x, y + 5);
		fprintf(g->f, "<text x=\"%.2f\" y=\"%.1f\" class=\"tick\">0x%llx</text>\n",
			x, y + 17, g->base + t);
		if (t + step < t)
			break;
	}
	fprintf(g->f, "<text x=\"%d\" y=\"%.1f\" class=\"axisname\">pfn</text>\n",
		SVG_LEFT + SVG_W / 2, y + 32);
}

static void draw_legend(struct svg *g, double y, size_t nr_marks)
{
	double x = SVG_LEFT;
	unsigned int i;
	char fill[32];

	fprintf(g->f, "<g class=\"legend\">\n");
	fprintf(g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#cdeccd\" class=\"free\"/><text x=\"%.0f\" y=\"%.1f\">free</text>\n",
		x, y, x + 18, y + 11);
	x += 70;
	fprintf(g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#f2f2f2\" class=\"split\"/><text x=\"%.0f\" y=\"%.1f\">split (drawn above its halves)</text>\n",
		x, y, x + 18, y + 11);
	x += 230;
	if (nr_marks) {
		fprintf(g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"none\" class=\"changed\"/><text x=\"%.0f\" y=\"%.1f\">changed by this step</text>\n",
			x, y, x + 18, y + 11);
		x += 170;
	}
	for (i = 0; i < g->nr_tags && x < SVG_LEFT + SVG_W - 60; i++) {
		snprintf(fill, sizeof(fill), "hsl(%u,62%%,66%%)",
			 tag_hue(g->tags[i]));
		fprintf(g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\" class=\"allocated\"/><text x=\"%.0f\" y=\"%.1f\">",
			x, y, fill, x + 18, y + 11);
		markup_text(g->f, g->tags[i]);
		fputs("</text>\n", g->f);
		x += 30 + 8 * strlen(g->tags[i]);
	}
	if (g->untagged)
		fprintf(g->f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#e3b27a\" class=\"allocated\"/><text x=\"%.0f\" y=\"%.1f\">allocated, untagged</text>\n",
			x, y, x + 18, y + 11);
	if (g->aggregated)
		fprintf(g->f, "<text x=\"%d\" y=\"%.1f\">Blocks narrower than a pixel are added up in 1-pixel columns: green where free, grey where split, dark where allocated, mixed by pages.</text>\n",
			SVG_LEFT, y + 32);
	fputs("</g>\n", g->f);
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
	double y, height;
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
	height = SVG_TOP + (g.top + 1) * SVG_ROW + 12 + SVG_BAR + 84;

	fprintf(f, "<svg%s class=\"buddy\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "",
		SVG_LEFT + SVG_W + 16, height, SVG_LEFT + SVG_W + 16, height);
	fputs("<style>.label{text-anchor:middle;font-size:11px}.tick{text-anchor:middle;font-size:10px;fill:#444}"
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
		if (n->state && !strcmp(n->state, "allocated")) {
			if (n->tag)
				note_tag(&g, n->tag);
			else
				g.untagged = true;
		}
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
	y = SVG_TOP + (g.top + 1) * SVG_ROW + 12 + SVG_BAR + 6;
	draw_axis(&g, y);
	draw_legend(&g, y + 42, nr_marks);
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
		      true))
		report("svg", ENOMEM, CTX_ANY, NULL);
	else
		ret = 0;
	if (close_output(f, out))
		ret = 1;
out:
	tree_release(&t);
	return ret;
}
