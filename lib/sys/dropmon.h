/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_DROPMON_H
#define NT_SYS_DROPMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/dropmon.h"
#include "util/err.h"

/*
 * The drop-reason aggregator (lib/bpf/dropmon.bpf.c), embedded as a libbpf
 * skeleton: open (load and attach to skb:kfree_skb), read snapshots of its
 * counts as often as wanted, detach, close.  Counts are totals since the
 * open; two snapshots give the drops between them.
 */
struct nt_dropmon;

/* One key of the map with its count summed over the CPUs. */
struct nt_drop_sample {
	struct nt_drop_key key;
	uint64_t count;
};

/* A snapshot of the aggregator. */
struct nt_drop_samples {
	struct nt_drop_sample *v;
	size_t n, cap;
	uint64_t overflow;	/* drops whose key found the map full */
	uint64_t missed;	/* runs the kernel skipped (recursion) */
};

struct nt_dropmon_opts {
	uint32_t netns_only;	/* count only this netns inode; 0: all */
	uint32_t consumed;	/* value of SKB_CONSUMED (not counted) */
	uint32_t max_keys;	/* keys of the hash map; 0: NT_DROP_MAX_KEYS */
	bool no_slots;		/* count in the hash map only */
};

/**
 * nt_dropmon_open() - load the aggregator and attach it to skb:kfree_skb
 * @mon: out: the aggregator
 * @opts: what to count
 * @err: one line naming what is missing: CAP_BPF/CAP_PERFMON, kernel
 *	lockdown, the tracepoint, BTF
 *
 * Needs neither tracefs nor RLIMIT_MEMLOCK (maps are charged to the memory
 * cgroup on the kernels that have tp_btf and drop reasons).
 * Return: 0 or negative errno.
 */
int nt_dropmon_open(struct nt_dropmon **mon, const struct nt_dropmon_opts *opts,
		    struct nt_err *err);

/**
 * nt_dropmon_read() - a snapshot of every count since the open
 * @mon: the aggregator, attached or detached
 * @out: zeroed or reused; replaced by the keys counted: those of each
 *	CPU's slots, then those of the map (a key may come more than once:
 *	its counts add up)
 *
 * Return: 0 or negative errno.
 */
int nt_dropmon_read(struct nt_dropmon *mon, struct nt_drop_samples *out,
		    struct nt_err *err);

/** nt_dropmon_detach() - stop counting; the counts stay readable */
void nt_dropmon_detach(struct nt_dropmon *mon);

/** nt_dropmon_close() - detach and free everything; NULL is fine */
void nt_dropmon_close(struct nt_dropmon *mon);

/** nt_drop_samples_free() - free @s and zero it */
void nt_drop_samples_free(struct nt_drop_samples *s);

/**
 * nt_drop_samples_add() - append one key with its count
 * Return: 0 or -ENOMEM.
 */
int nt_drop_samples_add(struct nt_drop_samples *s,
			const struct nt_drop_key *key, uint64_t count);

/** nt_drop_percpu_sum() - sum of the @ncpu values of a per-CPU map slot */
uint64_t nt_drop_percpu_sum(const uint64_t *v, unsigned int ncpu);

#endif
