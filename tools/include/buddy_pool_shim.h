/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel names buddy_pool.c and buddy_view.c use, on top of libc
 *
 * What these files need of the kernel: a few allocation calls, a list, an
 * xarray (here an array indexed by frame, grown on demand: enough for the
 * twin and the tests, not a data structure to reuse), struct pid (a number
 * here) and the clock.  As with buddy_core_shim.h, every name here is a
 * place where user space could drift from the kernel: keep it small and let
 * the VM tests be the truth.
 */
#ifndef _BUDDY_POOL_SHIM_H
#define _BUDDY_POOL_SHIM_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buddy_core_shim.h"

typedef uint8_t u8;
typedef uint32_t u32;

#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define GFP_KERNEL		0
#define __GFP_NOWARN		0
#define __maybe_unused		__attribute__((__unused__))
#define NSEC_PER_MSEC		1000000ULL

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

/* WARN_ON_ONCE(): say it, once per site, and go on as the kernel does. */
#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	bool __c = !!(cond);						\
	if (__c && !__warned) {						\
		__warned = true;					\
		fprintf(stderr, "WARNING at %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
	}								\
	__c;								\
})

/*
 * Fault injection for the tests, as the kernel's fail-nth
 * (Documentation/fault-injection/fault-injection.rst): set
 * buddy_shim_fail_nth to N and the Nth allocation from then on fails,
 * once; 0, none fails.  Every call here that allocates counts, xa_store()
 * included, which in the kernel may need a node for any store.
 */
__attribute__((weak)) unsigned long buddy_shim_fail_nth;

static inline bool shim_fail(void)
{
	return buddy_shim_fail_nth && !--buddy_shim_fail_nth;
}

static inline void *kzalloc(size_t size, int gfp __maybe_unused)
{
	return shim_fail() ? NULL : calloc(1, size);
}

static inline void *kvzalloc(size_t size, int gfp __maybe_unused)
{
	return shim_fail() ? NULL : calloc(1, size);
}

static inline void *kvmalloc(size_t size, int gfp __maybe_unused)
{
	return shim_fail() ? NULL : malloc(size);
}

static inline void *kvcalloc(size_t n, size_t size, int gfp __maybe_unused)
{
	return shim_fail() ? NULL : calloc(n, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline unsigned long long div_u64(unsigned long long n, u32 d)
{
	return n / d;
}

static inline unsigned long long ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int vscnprintf(char *buf, size_t size, const char *fmt,
			     va_list args)
{
	int n = vsnprintf(buf, size, fmt, args);

	if (n < 0 || !size)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					   const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/* === struct pid: a number === */

struct pid {
	int nr;
};

static inline struct pid *get_pid(struct pid *pid)
{
	return pid;
}

static inline void put_pid(struct pid *pid __maybe_unused)
{
}

static inline int pid_vnr(const struct pid *pid)
{
	return pid ? pid->nr : 0;
}

/* === Lists, as <linux/list.h> === */

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	new->prev = head->prev;
	new->next = head;
	head->prev->next = new;
	head->prev = new;
}

static inline void list_del(struct list_head *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_entry((head)->next, typeof(*pos), member),	\
	     n = list_entry(pos->member.next, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = n, n = list_entry(n->member.next, typeof(*n), member))

/* === An xarray of pointers: a growing array indexed by frame === */

struct xarray {
	void **slot;
	unsigned long size;
};

static inline void xa_init(struct xarray *xa)
{
	xa->slot = NULL;
	xa->size = 0;
}

static inline void xa_destroy(struct xarray *xa)
{
	free(xa->slot);
	xa_init(xa);
}

static inline void *xa_load(struct xarray *xa, unsigned long index)
{
	return index < xa->size ? xa->slot[index] : NULL;
}

/* Returns the old entry, or (void *)1 (an error entry) without memory. */
static inline void *xa_store(struct xarray *xa, unsigned long index,
			     void *entry, int gfp __maybe_unused)
{
	void *old;

	if (entry && shim_fail())
		return (void *)1;
	if (index >= xa->size) {
		unsigned long size = xa->size ? xa->size : 64;
		void **slot;

		while (size <= index)
			size *= 2;
		slot = realloc(xa->slot, size * sizeof(*slot));
		if (!slot)
			return (void *)1;
		memset(slot + xa->size, 0, (size - xa->size) * sizeof(*slot));
		xa->slot = slot;
		xa->size = size;
	}
	old = xa->slot[index];
	xa->slot[index] = entry;
	return old;
}

static inline int xa_err(void *entry)
{
	return entry == (void *)1 ? -ENOMEM : 0;
}

static inline void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *old = xa_load(xa, index);

	if (old)
		xa->slot[index] = NULL;
	return old;
}

#define XA_PRESENT	0

/* The first entry in [*index, max], whose index it stores; NULL if none. */
static inline void *xa_find(struct xarray *xa, unsigned long *index,
			    unsigned long max, int filter __maybe_unused)
{
	unsigned long i;

	for (i = *index; i < xa->size && i <= max; i++) {
		if (xa->slot[i]) {
			*index = i;
			return xa->slot[i];
		}
	}
	return NULL;
}

static inline void *xa_find_after(struct xarray *xa, unsigned long *index,
				  unsigned long max, int filter)
{
	unsigned long next = *index + 1;
	void *entry = next ? xa_find(xa, &next, max, filter) : NULL;

	if (entry)
		*index = next;
	return entry;
}

#define xa_for_each(xa, index, entry)					\
	for (index = 0, entry = xa_find(xa, &index, ~0UL, XA_PRESENT);	\
	     entry; entry = xa_find_after(xa, &index, ~0UL, XA_PRESENT))

#endif /* _BUDDY_POOL_SHIM_H */
