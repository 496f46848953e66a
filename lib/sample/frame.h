/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_FRAME_H
#define NT_SAMPLE_FRAME_H

/*
 * One frame of `nettune top`: the rates between two looks at a host, cut
 * into the five panes every printer shows (ncurses view, batch text, JSON
 * lines).  The rows are allocated once for a host's shape
 * (nt_top_frame_init) and refilled in place on every tick: filling and
 * sorting allocate nothing.  A rate is per second; a negative rate means the
 * host has no such counter (printed as "-" or JSON null).  Without a
 * previous look every rate is 0 (or -1 when the counter does not exist).
 *
 * Each pane's sort keys end in a unique name (CPU number, interface name,
 * device and handle), so the order is total: the same rates always give
 * the same rows in the same order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/host.h"

#define NT_TOP_WORST_LISTENERS	5
#define NT_TOP_CPUS_LEN		64	/* "0-3,8" */
#define NT_TOP_MAX_QUEUES	4096	/* most queue rows of a NIC */

enum nt_top_pane {
	NT_PANE_CPU = 0,
	NT_PANE_NIC,
	NT_PANE_QDISC,
	NT_PANE_SOCK,
	NT_PANE_DROPS,		/* the kernel's drop reasons */
	NT_PANE_COUNT,
};

/* The sort key of every pane; `s` cycles through them. */
enum nt_top_sort {
	NT_SORT_DROPS = 0,	/* drops/s, worst first (default) */
	NT_SORT_TRAFFIC,	/* packets (or softirqs) per second */
	NT_SORT_NAME,		/* CPU number, interface name, ... */
	NT_SORT_COUNT,
};

struct nt_top_cpu {
	uint32_t cpu;
	int node;			/* NUMA node, -1 unknown */
	bool online;
	double net_rx, net_tx;		/* softirqs/s */
	double processed, dropped;	/* softnet_stat, per second */
	double squeezed, rps;		/* time_squeeze, received_rps */
	double nic_irqs;		/* IRQs/s of NIC queue IRQs on this CPU */
	bool idle;			/* every rate of the row is 0 */
};

struct nt_top_queue {
	int queue;			/* queue index */
	char type[8];			/* "rx", "tx", "rxtx", "" */
	int irq;			/* -1: no IRQ of its own */
	char cpus[NT_TOP_CPUS_LEN];	/* effective affinity, list form */
	double irqs;			/* its IRQ(s) per second, -1 none */
	double rx_pps, tx_pps;		/* driver per-queue counters, or -1 */
	double drops;			/* driver per-queue drop counters, or -1 */
};

struct nt_top_nic {
	char name[NT_NAME_LEN];
	char driver[NT_NAME_LEN];
	int numa_node;
	double rx_pps, tx_pps;
	double rx_mbps, tx_mbps;	/* Mbit/s */
	double drops;			/* rx_dropped + tx_dropped per second */
	double missed;			/* rx_missed + rx_fifo + rx_over errors */
	double errors;			/* rx_errors + tx_errors */
	int64_t ring_rx, ring_rx_max;	/* -1 unknown */
	/*
	 * every driver drop counter (ethtool -S, lib/model/drvstat.h) but
	 * XDP verdicts, copies of link counters and per-queue counters the
	 * driver also gives a total of; -1 when it has none
	 */
	double driver_drops;
	struct nt_top_queue *queues;	/* by queue number */
	size_t n_queues;
	bool idle;			/* no packets, drops or errors */
};

struct nt_top_qdisc {
	char dev[NT_NAME_LEN];
	char kind[NT_NAME_LEN];
	char handle[16];		/* "8001:" */
	char parent[16];		/* "root", "8001:1" */
	uint32_t handle_id, parent_id;	/* the same as numbers */
	double pps;			/* packets sent per second */
	double drops, overlimits, requeues;
	uint64_t backlog_bytes, backlog_packets;
	bool idle;	/* no drops, overlimits, requeues or backlog */
};

struct nt_top_sock {
	double listen_overflows, listen_drops;	/* TcpExt, per second */
	double udp_rcvbuf_errors;		/* Udp + Udp6 */
	double udp_inerrors;			/* Udp + Udp6 */
	double tcp_retrans;			/* Tcp RetransSegs */
	double prune_called, rcv_pruned;	/* TcpExt */
	double backlog_drops;			/* TcpExt TCPBacklogDrop */
	/* fullest accept queues now: accept_queue / backlog, worst first */
	struct nt_listener worst[NT_TOP_WORST_LISTENERS];
	size_t n_worst;
	bool have_listeners;		/* sock_diag was read */
};

/*
 * The drop-reason pane: the reasons the kernel gave for the drops between
 * the two looks (the drop-reason aggregator of nettune's netns), the most
 * first.  Fixed rows: filling them allocates nothing.
 */
#define NT_TOP_REASONS		8
#define NT_TOP_REASON_LEN	48
#define NT_TOP_LOCATION_LEN	64
#define NT_TOP_WHY_LEN		200

enum nt_top_drops_state {
	NT_TOP_DROPS_OFF = 0,		/* not counted (--no-drop-reasons,
					 * --root, a recording without them) */
	NT_TOP_DROPS_UNAVAILABLE,	/* could not be counted: see why */
	NT_TOP_DROPS_ON,
};

struct nt_top_reason {
	char reason[NT_TOP_REASON_LEN];	/* "NO_SOCKET", "0x10002" */
	char location[NT_TOP_LOCATION_LEN]; /* "__udp4_lib_rcv", "" unknown */
	char device[NT_NAME_LEN];	/* "" when the skb had none */
	uint64_t count;			/* drops between the two looks */
	double per_s;			/* count over the frame's interval */
};

struct nt_top_drops {
	enum nt_top_drops_state state;
	char why[NT_TOP_WHY_LEN];	/* UNAVAILABLE: what is missing */
	struct nt_top_reason v[NT_TOP_REASONS];	/* most first,
						 * NOT_SPECIFIED last */
	size_t n;
	uint64_t other;			/* drops of rows past the pane's and
					 * those the full map could not key */
	double other_per_s;
};

struct nt_top_header {
	char hostname[64];
	char kernel[64];
	int64_t taken_ns;		/* CLOCK_REALTIME of the newer look */
	double uptime_s;		/* -1 unknown */
	double interval_s;		/* measured, between the two looks */
	double rx_pps, tx_pps;		/* every interface but loopback */
	double drops;			/* every drop counter above, per second */
	/* the worst finding of lib/audit on the same two looks */
	int worst_severity;		/* enum nt_severity, 0 none */
	char worst_id[48];
	char worst_subject[48];
	char worst_summary[320];
};

struct nt_top_scratch;

struct nt_top_frame {
	struct nt_top_header hdr;
	struct nt_top_cpu *cpus;
	size_t n_cpus;
	struct nt_top_nic *nics;
	size_t n_nics;
	struct nt_top_qdisc *qdiscs;
	size_t n_qdiscs;
	struct nt_top_sock sock;
	struct nt_top_drops drops;
	enum nt_top_sort sort;
	struct nt_top_scratch *scratch;	/* private to frame.c */
};

/**
 * nt_top_frame_init() - allocate the rows for hosts of @shape's shape
 * @f: the frame, overwritten; free it with nt_top_frame_free()
 * @shape: the first look; later looks have its interfaces, IRQs, qdiscs
 *	and driver counters in the same order (nt_sampler_read(), a replay)
 *
 * A CPU row per @shape->cpus entry (per softnet line without topology), a
 * NIC row per interface with a queue row per queue (the most of its rx
 * and tx queues, its queue IRQs and the queues its driver counters name),
 * a qdisc row per qdisc of every interface.  Later looks with more of
 * anything show only as many as @shape had, but for queues: rows are kept
 * up to the channel maxima, for the counters of queues that ethtool -L
 * adds later.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_top_frame_init(struct nt_top_frame *f, const struct nt_host *shape);

/**
 * nt_top_frame_fill() - the rates from @prev to @cur, sorted by f->sort
 * @prev: the earlier look, or NULL (every rate 0, levels still shown)
 * @cur: the newer look, of the shape given to nt_top_frame_init()
 *
 * Leaves the worst-finding fields of the header alone (the caller runs the
 * audit).  Allocates nothing.
 */
void nt_top_frame_fill(struct nt_top_frame *f, const struct nt_host *prev,
		       const struct nt_host *cur);

/**
 * nt_top_frame_drops() - the drop-reason pane of the frame from @d
 * @d: the rows of the newer look (counts); NULL: not counted
 *
 * Call after nt_top_frame_fill(): the rates are the counts over its
 * interval.  Allocates nothing.
 */
void nt_top_frame_drops(struct nt_top_frame *f, const struct nt_top_drops *d);

/**
 * nt_top_frame_sort() - sort every pane by @sort; allocates nothing
 *
 * By drops: worst first, ties by traffic, then by name.  By traffic: most
 * first, ties by drops, then by name.  By name: CPU number, interface
 * name, qdisc device then handle.  Queues stay in queue order under their
 * NIC.  Sets f->sort.
 */
void nt_top_frame_sort(struct nt_top_frame *f, enum nt_top_sort sort);

/** nt_top_sort_name() - "drops", "traffic", "name"; "?" out of range */
const char *nt_top_sort_name(enum nt_top_sort sort);

/** nt_top_frame_free() - free the rows and zero @f; a zeroed @f is fine */
void nt_top_frame_free(struct nt_top_frame *f);

#endif
