/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_MODEL_HOST_H
#define NT_MODEL_HOST_H

/*
 * struct nt_host: everything one look at a host gives, configuration and
 * counters, with the time it was taken.  Plain data: no function in lib/model
 * talks to the kernel.  Everything above the model works the same on a live
 * host, a saved snapshot (snapshot.h) or a replayed recording.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/cpumask.h"

struct nt_drop_table;

#define NT_NAME_LEN	32	/* interface, driver, qdisc kind names */
#define NT_BUS_LEN	64
#define NT_COUNTER_LEN	64

/*
 * What is known of one block of facts.  UNKNOWN: not read (netlink facts
 * with --root, or a read that failed); UNSUPPORTED: the kernel or driver
 * says it has no such thing (EOPNOTSUPP); OK: the values are valid.
 */
enum nt_state {
	NT_STATE_UNKNOWN = 0,
	NT_STATE_UNSUPPORTED,
	NT_STATE_OK,
};

/* Which attributes of struct nt_rings the kernel sent (bit per field). */
enum nt_ring_attr {
	NT_RING_RX		= 1u << 0,
	NT_RING_RX_MAX		= 1u << 1,
	NT_RING_RX_MINI		= 1u << 2,
	NT_RING_RX_MINI_MAX	= 1u << 3,
	NT_RING_RX_JUMBO	= 1u << 4,
	NT_RING_RX_JUMBO_MAX	= 1u << 5,
	NT_RING_TX		= 1u << 6,
	NT_RING_TX_MAX		= 1u << 7,
	NT_RING_RX_BUF_LEN	= 1u << 8,
	NT_RING_CQE_SIZE	= 1u << 9,
	NT_RING_TCP_DATA_SPLIT	= 1u << 10,
	NT_RING_TX_PUSH		= 1u << 11,
	NT_RING_RX_PUSH		= 1u << 12,
};

struct nt_rings {
	enum nt_state state;
	uint32_t present;	/* enum nt_ring_attr bits */
	uint32_t rx, rx_max;
	uint32_t rx_mini, rx_mini_max;
	uint32_t rx_jumbo, rx_jumbo_max;
	uint32_t tx, tx_max;
	uint32_t rx_buf_len;
	uint32_t cqe_size;
	uint32_t tcp_data_split;	/* ETHTOOL_TCP_DATA_SPLIT_* */
	uint32_t tx_push;
	uint32_t rx_push;
};

enum nt_channel_attr {
	NT_CHAN_RX		= 1u << 0,
	NT_CHAN_RX_MAX		= 1u << 1,
	NT_CHAN_TX		= 1u << 2,
	NT_CHAN_TX_MAX		= 1u << 3,
	NT_CHAN_OTHER		= 1u << 4,
	NT_CHAN_OTHER_MAX	= 1u << 5,
	NT_CHAN_COMBINED	= 1u << 6,
	NT_CHAN_COMBINED_MAX	= 1u << 7,
};

struct nt_channels {
	enum nt_state state;
	uint32_t present;	/* enum nt_channel_attr bits */
	uint32_t rx, rx_max;
	uint32_t tx, tx_max;
	uint32_t other, other_max;
	uint32_t combined, combined_max;
};

/* IFLA_STATS64, same fields and order as struct rtnl_link_stats64. */
struct nt_link_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors;
	uint64_t rx_dropped, tx_dropped;
	uint64_t multicast, collisions;
	uint64_t rx_length_errors, rx_over_errors, rx_crc_errors;
	uint64_t rx_frame_errors, rx_fifo_errors, rx_missed_errors;
	uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
	uint64_t tx_heartbeat_errors, tx_window_errors;
	uint64_t rx_compressed, tx_compressed;
	uint64_t rx_nohandler;
};

/* A uint64_t member of a struct by name: "rx_packets" at its offset. */
struct nt_u64_field {
	const char *name;
	size_t off;
};

/*
 * The counters of the model's structs, in order, by the names the snapshot
 * gives them (the kernel's own): the snapshot and the recordings walk them.
 */
#define NT_LINK_STATS_N	24	/* every field of struct nt_link_stats */
#define NT_SOFTNET_N	9	/* the counters of struct nt_softnet */
#define NT_QDISC_N	7	/* the counters of struct nt_qdisc */
extern const struct nt_u64_field nt_link_stat_fields[NT_LINK_STATS_N];
extern const struct nt_u64_field nt_softnet_fields[NT_SOFTNET_N];
extern const struct nt_u64_field nt_qdisc_fields[NT_QDISC_N];

/* A named counter: nstat-style SNMP names, sockstat fields, driver stats. */
struct nt_counter {
	char name[NT_COUNTER_LEN];
	int64_t value;
};

struct nt_counters {
	struct nt_counter *v;
	size_t n;
};

struct nt_qdisc {
	char kind[NT_NAME_LEN];		/* "fq_codel", "mq", "tbf", ... */
	uint32_t handle;		/* TC handle, e.g. 0x80010000 */
	uint32_t parent;		/* TC_H_ROOT for the root qdisc */
	uint64_t bytes, packets;
	uint64_t drops, overlimits, requeues;
	uint64_t backlog, qlen;
};

struct nt_rxq {
	uint32_t index;			/* N of queues/rx-N */
	enum nt_state rps_state;	/* UNKNOWN when sysfs could not be read */
	struct nt_cpumask rps_cpus;
	uint32_t rps_flow_cnt;
};

struct nt_txq {
	uint32_t index;			/* N of queues/tx-N */
	enum nt_state xps_state;	/* UNSUPPORTED: single-queue or no XPS */
	struct nt_cpumask xps_cpus;
};

/*
 * What an IRQ does (docs/irq-naming.md).  Only DATA vectors have queue
 * indices; the others are sideband and never a queue.
 */
enum nt_irq_kind {
	NT_IRQ_OTHER = 0,	/* named after the device alone: link and other
				 * causes, or everything on a one-vector NIC */
	NT_IRQ_DATA,		/* serves data queues */
	NT_IRQ_MISC,		/* misc, mailbox, management, error */
	NT_IRQ_ASYNC,		/* async events, command and page EQs (mlx) */
	NT_IRQ_FDIR,		/* flow director sideband (i40e) */
	NT_IRQ_LINK,		/* link state changes */
	NT_IRQ_CONFIG,		/* configuration changes (virtio, vmxnet3) */
};

/* Whose an IRQ is: at most one interface owns it. */
enum nt_irq_owner {
	NT_IRQ_OWNER_IFACE = 0,	/* the interface's own */
	NT_IRQ_OWNER_DEVICE,	/* its PCI function's, shared by several
				 * ports: no port's (bus_info names it) */
	NT_IRQ_OWNER_NONE,	/* a line shared with other devices */
};

/* Which rule tied the IRQ to the interface. */
enum nt_irq_rule {
	NT_IRQ_RULE_NAME = 0,	/* its action names the interface */
	NT_IRQ_RULE_MSI,	/* in msi_irqs of the interface's PCI function */
	NT_IRQ_RULE_ADDRESS,	/* its action names the PCI address */
	NT_IRQ_RULE_CHIP,	/* its chip column names the PCI function */
};

#define NT_IRQ_PATTERN_LEN	40

/* An IRQ of an interface. */
struct nt_iface_irq {
	uint32_t irq;
	char *name;			/* action name in /proc/interrupts */
	/* The queues a DATA vector the interface owns serves, -1 none:
	 * "eth0-TxRx-3" rx 3 and tx 3, "eth0-tx-0-rx-3" tx 0 and rx 3. */
	int rxq, txq;
	enum nt_irq_kind kind;
	enum nt_irq_owner owner;
	enum nt_irq_rule rule;
	/* the name with the interface, address and indices replaced:
	 * "IF-TxRx-N", "mlx5_compN@pci:ADDR"; "" when nothing matched */
	char pattern[NT_IRQ_PATTERN_LEN];
	struct nt_cpumask affinity;		/* smp_affinity_list */
	struct nt_cpumask effective_affinity;	/* effective_affinity_list */
	int node;			/* /proc/irq/N/node, -1 unknown */
};

struct nt_iface {
	char name[NT_NAME_LEN];
	int ifindex;
	char kind[NT_NAME_LEN];		/* IFLA_INFO_KIND, "" for a plain NIC */
	char driver[NT_NAME_LEN];	/* "" unknown */
	char bus_info[NT_BUS_LEN];	/* "0000:00:03.0", "" none */
	bool is_virtual;		/* no /sys/class/net/X/device */
	int64_t speed;			/* Mb/s, -1 unknown */
	char duplex[16];		/* "full", "half", "" unknown */
	int numa_node;			/* -1 when the kernel does not say */
	uint32_t mtu;
	uint32_t txqlen;
	char operstate[16];		/* "up", "down", "unknown", ... */
	char qdisc[NT_NAME_LEN];	/* root qdisc kind from IFLA_QDISC */
	int master_ifindex;		/* 0 none */
	uint32_t num_rx_queues, num_tx_queues;	/* IFLA_NUM_*_QUEUES, 0 unknown */

	struct nt_rings rings;
	struct nt_channels channels;

	struct nt_rxq *rxq;
	size_t n_rxq;
	struct nt_txq *txq;
	size_t n_txq;

	struct nt_iface_irq *irqs;
	size_t n_irqs;

	enum nt_state link_stats_state;
	struct nt_link_stats stats;

	enum nt_state qdiscs_state;
	struct nt_qdisc *qdiscs;
	size_t n_qdiscs;

	enum nt_state driver_stats_state;	/* ethtool -S */
	struct nt_counters driver_stats;
};

struct nt_cpu {
	uint32_t id;
	bool online;
	int core_id;			/* -1 unknown */
	int package_id;			/* -1 unknown */
	int node;			/* NUMA node, -1 unknown */
	struct nt_cpumask thread_siblings;	/* topology/thread_siblings_list */
};

struct nt_node {
	uint32_t id;
	struct nt_cpumask cpus;
};

struct nt_sysctl {
	char *name;			/* dotted: "net.core.somaxconn" */
	char *value;			/* kernel text, newline stripped; NULL absent */
	bool read_only;			/* there, but no one may write it here
					 * (mode 0444: a host-wide knob seen
					 * from a network namespace) */
};

/*
 * What the running kernel has beyond what it uses (lib/sys/kmod.c): the
 * qdisc kinds and congestion control algorithms built in, loaded or
 * loadable from its module tree.  Space-separated names.  UNKNOWN (an old
 * snapshot, a --root tree without these files): plan as before.
 */
struct nt_kernel_has {
	enum nt_state state;
	char *qdiscs;			/* "pfifo_fast mq noqueue htb tbf ..." */
	char *congestion;		/* "cubic bbr" (besides
					 * tcp_available_congestion_control) */
	bool modules;			/* the kernel's module tree was read;
					 * false: only built-in or loaded
					 * ones are known */
};

/* One line of /proc/net/softnet_stat. */
struct nt_softnet {
	uint32_t cpu;			/* from the index column, else line number */
	uint32_t ncols;			/* columns the kernel printed */
	uint64_t processed, dropped, time_squeeze;
	uint64_t cpu_collision, received_rps, flow_limit_count;
	uint64_t backlog_len, input_qlen, process_qlen;
};

/* One line of /proc/interrupts (numbered IRQs and named rows alike). */
struct nt_interrupt {
	char id[16];			/* "38", "NMI", "LOC" */
	int irq;			/* numeric id, -1 for named rows */
	uint64_t *counts;		/* per CPU column, n = ncpus of the table */
	char *chip;			/* "PCI-MSIX-0000:00:03.0 1-edge", may be "" */
	char *name;			/* action name(s): "virtio2-input.0" */
};

struct nt_interrupts {
	uint32_t ncpus;			/* columns in the header */
	uint32_t *cpu_ids;		/* CPU number of each column */
	struct nt_interrupt *v;
	size_t n;
};

/* One row of /proc/softirqs. */
struct nt_softirq {
	char name[16];			/* "NET_RX" */
	uint64_t *counts;
};

struct nt_softirqs {
	uint32_t ncpus;
	uint32_t *cpu_ids;
	struct nt_softirq *v;
	size_t n;
};

/* A listening TCP socket (sock_diag): what `ss -lnt` shows. */
struct nt_listener {
	uint8_t family;			/* AF_INET or AF_INET6 */
	char addr[48];			/* numeric local address */
	uint16_t port;
	uint32_t accept_queue;		/* connections waiting for accept() */
	uint32_t backlog;		/* listen() backlog, capped by somaxconn */
};

enum nt_host_source {
	NT_SRC_PROCFS	= 1u << 0,
	NT_SRC_SYSFS	= 1u << 1,
	NT_SRC_NETLINK	= 1u << 2,	/* rings, channels, link/qdisc stats */
	NT_SRC_DRVSTATS	= 1u << 3,	/* ethtool -S */
	NT_SRC_SOCKDIAG	= 1u << 4,	/* listening sockets */
};

struct nt_host {
	int64_t taken_ns;		/* CLOCK_REALTIME */
	int64_t mono_ns;		/* CLOCK_MONOTONIC, for rates */
	int64_t uptime_ns;		/* /proc/uptime, 0 unknown */
	char hostname[256];
	char kernel[128];		/* uname -r */
	char root[4096];		/* "/" or the --root directory */
	uint32_t sources;		/* enum nt_host_source bits read */

	struct nt_cpu *cpus;		/* online and offline present CPUs */
	size_t n_cpus;
	struct nt_node *nodes;
	size_t n_nodes;

	struct nt_iface *ifaces;
	size_t n_ifaces;

	struct nt_sysctl *sysctls;
	size_t n_sysctls;
	struct nt_kernel_has kernel_has;
	int irqbalance;			/* 1 running, 0 not, -1 unknown */

	struct nt_softnet *softnet;
	size_t n_softnet;
	struct nt_interrupts interrupts;
	struct nt_softirqs softirqs;
	struct nt_counters snmp;	/* netstat+snmp+snmp6, nstat names */
	struct nt_counters sockstat;	/* "TCP.inuse", "TCP.mem", ... */
	struct nt_listener *listeners;	/* valid with NT_SRC_SOCKDIAG */
	size_t n_listeners;
	size_t listeners_cap;		/* entries allocated; below
					 * n_listeners it means n_listeners */
	/*
	 * The drops the kernel gave a reason for between the previous look
	 * and this one (model/drops.h), named and sorted; NULL: not counted
	 * (unknown).  Borrowed: never copied deep, freed or saved in a
	 * snapshot.
	 */
	const struct nt_drop_table *drops;
};

/** nt_host_free() - free everything @host owns and zero it */
void nt_host_free(struct nt_host *host);

/**
 * nt_host_copy() - deep copy of a host
 * @dst: overwritten (not freed first); free it with nt_host_free()
 * @src: the host to copy
 *
 * Every array and string is duplicated, so either host can be changed or
 * freed without the other.  Counter sets keep the capacity
 * nt_counters_add() expects.
 *
 * Return: 0 or -ENOMEM; on failure @dst is freed and zeroed.
 */
int nt_host_copy(struct nt_host *dst, const struct nt_host *src);

/** nt_irq_is_queue() - does @irq serve a queue of its interface? */
bool nt_irq_is_queue(const struct nt_iface_irq *irq);

/** nt_irq_queue() - the queue an IRQ is ordered by: rx, else tx, else -1 */
int nt_irq_queue(const struct nt_iface_irq *irq);

/**
 * nt_irq_queues_text() - the queues of @irq in words
 * Return: @buf: "rxtx 3", "rx 0", "tx 1", "tx 0 + rx 3" or "".
 */
const char *nt_irq_queues_text(const struct nt_iface_irq *irq, char *buf,
			       size_t size);

/** nt_irq_kind_name() - "data", "misc", ...; nt_irq_kind_parse() inverse */
const char *nt_irq_kind_name(enum nt_irq_kind kind);
bool nt_irq_kind_parse(const char *s, enum nt_irq_kind *kind);

/** nt_irq_owner_name() - "interface", "device", "none"; and its inverse */
const char *nt_irq_owner_name(enum nt_irq_owner owner);
bool nt_irq_owner_parse(const char *s, enum nt_irq_owner *owner);

/** nt_irq_rule_name() - "name", "msi_irqs", "address", "chip"; inverse */
const char *nt_irq_rule_name(enum nt_irq_rule rule);
bool nt_irq_rule_parse(const char *s, enum nt_irq_rule *rule);

/** nt_iface_free() - free what one interface owns (not the struct) */
void nt_iface_free(struct nt_iface *ifc);

/** nt_host_iface() - interface by name, or NULL */
struct nt_iface *nt_host_iface(const struct nt_host *host, const char *name);

/** nt_host_sysctl() - value of a sysctl, NULL if absent or not read */
const char *nt_host_sysctl(const struct nt_host *host, const char *name);

/** nt_counters_get() - value of a named counter; false if not there */
bool nt_counters_get(const struct nt_counters *c, const char *name,
		     int64_t *value);

/** nt_counters_add() - append a counter.  Return: 0 or -ENOMEM */
int nt_counters_add(struct nt_counters *c, const char *name, int64_t value);

/**
 * nt_counters_assign() - make @dst a copy of @src, in @dst's memory when it
 * holds @src.  Return: 0, or -ENOMEM with @dst unchanged
 */
int nt_counters_assign(struct nt_counters *dst, const struct nt_counters *src);
void nt_counters_free(struct nt_counters *c);

void nt_interrupts_free(struct nt_interrupts *t);
void nt_softirqs_free(struct nt_softirqs *t);

#endif
