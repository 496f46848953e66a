/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_MODEL_DROPS_H
#define NT_MODEL_DROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/dropmon.h"
#include "util/err.h"

/*
 * Observed drops over an interval: one row per key of the drop-reason
 * aggregator (reason, location, device, netns, L3 protocol) with the drops
 * between two of its snapshots, named, and ordered for people.
 */
struct nt_drop_row {
	uint32_t reason;		/* enum skb_drop_reason value */
	uint64_t location;		/* kernel text address */
	uint32_t ifindex;		/* 0: the skb had no device */
	uint32_t netns;			/* netns inode, 0 when unknown */
	uint16_t proto;			/* L3 protocol (ETH_P_*), host order */
	uint64_t count;
	bool not_specified;		/* reason NOT_SPECIFIED: shown last */
	char reason_name[48];		/* "NO_SOCKET"; "0x10002" if unknown */
	char location_name[64];		/* "__udp4_lib_rcv"; "" unresolved */
	uint64_t location_offset;	/* into location_name */
	char device[40];		/* "nt1", "7@4026532201", "" none */
};

struct nt_drop_table {
	struct nt_drop_row *v;
	size_t n, cap;
	uint64_t overflow;		/* drops the full map could not key */
	uint64_t missed;		/* runs the kernel skipped */
	double seconds;			/* the measured interval */
	uint32_t netns;			/* the scope; 0: every netns */
	bool symbols_restricted;	/* kallsyms showed no addresses */
};

/**
 * nt_drop_table_build() - rows for the drops between two snapshots
 * @t: zeroed or reused; its rows are replaced (names left empty)
 * @cur: the later snapshot
 * @prev: the earlier one, or NULL for "since the aggregator was opened"
 * @ifindex: keep only this device (of @t->netns), 0 for all
 *
 * Keys without drops in between are left out; the same key twice in a
 * snapshot is summed.  overflow and missed are differences too.
 * Return: 0 or -ENOMEM with @err set.
 */
int nt_drop_table_build(struct nt_drop_table *t,
			const struct nt_drop_samples *cur,
			const struct nt_drop_samples *prev, uint32_t ifindex,
			struct nt_err *err);

/**
 * nt_drop_table_sort() - largest count first, NOT_SPECIFIED rows last
 *
 * Equal counts go by reason name, location, device, netns, protocol, so
 * the order is the same from run to run.
 */
void nt_drop_table_sort(struct nt_drop_table *t);

/** nt_drop_table_total() - sum of the rows' counts */
uint64_t nt_drop_table_total(const struct nt_drop_table *t);

/** nt_drop_proto_name() - "ipv4", "ipv6", "arp", "" for 0, or "0x88cc" */
const char *nt_drop_proto_name(uint16_t proto, char *buf, size_t len);

void nt_drop_table_free(struct nt_drop_table *t);

#endif
