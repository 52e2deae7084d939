/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of buddy.ko: trace system "buddy"
 *
 * One per step of debugfs "events", with the same key names, and pfn and
 * order first as kmem:mm_page_alloc and mm_page_free have them, so
 * "trace-cmd record -e buddy", "perf trace -e 'buddy:*'" and bpftrace's
 * args->pfn / args->order work as they do on kmem.  The kernel traces no
 * split or merge of its own allocator; this one does.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM buddy

#if !defined(_BUDDY_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BUDDY_TRACE_H

#include <linux/errno.h>
#include <linux/tracepoint.h>

#include "buddy_core.h"

/* So that the format files name the reasons, not their numbers. */
TRACE_DEFINE_ENUM(BUDDY_STOP_BUDDY_ALLOCATED);
TRACE_DEFINE_ENUM(BUDDY_STOP_BUDDY_SPLIT);
TRACE_DEFINE_ENUM(BUDDY_STOP_ROOT);
TRACE_DEFINE_ENUM(BUDDY_STOP_MAX_ORDER);

/*
 * The error field holds the errno as a positive number, as the table has
 * it: trace-cmd and perf (libtraceevent) match no negative value in a
 * __print_symbolic() table, and printed error=0xffffffde for -ERANGE.
 */
#define buddy_show_error(error)						\
	__print_symbolic(error,						\
			 { EINVAL, "EINVAL" },				\
			 { ENOMEM, "ENOMEM" },				\
			 { ERANGE, "ERANGE" },				\
			 { EALREADY, "EALREADY" },			\
			 { EPERM, "EPERM" },				\
			 { EBUSY, "EBUSY" })

/* As buddy_stop_word[] in buddy_view.c. */
#define buddy_show_why(why)						\
	__print_symbolic(why,						\
			 { BUDDY_STOP_BUDDY_ALLOCATED, "buddy_allocated" }, \
			 { BUDDY_STOP_BUDDY_SPLIT, "buddy_split" },	\
			 { BUDDY_STOP_ROOT, "root" },			\
			 { BUDDY_STOP_MAX_ORDER, "max_order" })

TRACE_EVENT(buddy_alloc,
	    TP_PROTO(unsigned long pfn,
		     unsigned int order, unsigned int from_order),
	    TP_ARGS(pfn, order, from_order),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned int, from_order)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->from_order = from_order;),
	    TP_printk("pfn=0x%lx order=%d from_order=%d",
		      __entry->pfn, __entry->order, __entry->from_order)
);

TRACE_EVENT(buddy_free,
	    TP_PROTO(unsigned long pfn, unsigned int order),
	    TP_ARGS(pfn, order),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;),
	    TP_printk("pfn=0x%lx order=%d", __entry->pfn, __entry->order)
);

TRACE_EVENT(buddy_split,
	    TP_PROTO(unsigned long pfn,
		     unsigned int order, unsigned long upper),
	    TP_ARGS(pfn, order, upper),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned long, lower)
			     __field(unsigned long, upper)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->lower = pfn;
			   __entry->upper = upper;),
	    TP_printk("pfn=0x%lx order=%d lower=0x%lx upper=0x%lx",
		      __entry->pfn, __entry->order, __entry->lower,
		      __entry->upper)
);

TRACE_EVENT(buddy_merge,
	    TP_PROTO(unsigned long pfn,
		     unsigned long buddy, unsigned int order),
	    TP_ARGS(pfn, buddy, order),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned long, buddy)
			     __field(unsigned int, order)
			     __field(unsigned long, into)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->buddy = buddy;
			   __entry->order = order;
			   __entry->into = pfn < buddy ? pfn : buddy;),
	    TP_printk("pfn=0x%lx buddy=0x%lx order=%d into=0x%lx",
		      __entry->pfn, __entry->buddy, __entry->order,
		      __entry->into)
);

TRACE_EVENT(buddy_stop,
	    TP_PROTO(unsigned long pfn, unsigned int order, unsigned int why),
	    TP_ARGS(pfn, order, why),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned int, why)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->order = order;
			   __entry->why = why;),
	    TP_printk("pfn=0x%lx order=%d why=%s",
		      __entry->pfn, __entry->order,
		      buddy_show_why(__entry->why))
);

TRACE_EVENT(buddy_alloc_fail,
	    TP_PROTO(unsigned int order, int error),
	    TP_ARGS(order, error),
	    TP_STRUCT__entry(__field(unsigned int, order)
			     __field(int, error)),
	    TP_fast_assign(__entry->order = order;
			   __entry->error = -error;),
	    /* %u: an ioctl may ask for any order, 4294967295 too. */
	    TP_printk("order=%u error=%s",
		      __entry->order, buddy_show_error(__entry->error))
);

TRACE_EVENT(buddy_reject,
	    TP_PROTO(unsigned long pfn, int error),
	    TP_ARGS(pfn, error),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(int, error)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->error = -error;),
	    TP_printk("pfn=0x%lx error=%s",
		      __entry->pfn, buddy_show_error(__entry->error))
);

#endif /* _BUDDY_TRACE_H */

/* Out of tree: the header is found beside the module's sources. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE buddy_trace
#include <trace/define_trace.h>
