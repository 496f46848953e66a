/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_PROCFS_H
#define NT_SYS_PROCFS_H

#include "model/host.h"
#include "sys/root.h"
#include "util/err.h"

/*
 * Parsers take the file's text (so unit tests feed real captures); readers
 * read the file under a root and parse it.  All return 0 or negative errno
 * (-EINVAL with a message naming the line on malformed text).
 */

/* /proc/net/softnet_stat: every column the kernel prints (10, 11, 13, 15). */
int nt_procfs_parse_softnet(const char *text, struct nt_softnet **out,
			    size_t *n, struct nt_err *err);
/* /proc/interrupts: any number of CPU columns, names with spaces. */
int nt_procfs_parse_interrupts(const char *text, struct nt_interrupts *out,
			       struct nt_err *err);
/* /proc/softirqs */
int nt_procfs_parse_softirqs(const char *text, struct nt_softirqs *out,
			     struct nt_err *err);
/*
 * /proc/net/snmp and /proc/net/netstat (header line + value line pairs) and
 * /proc/net/snmp6 ("Udp6InErrors  0" lines): appended to @out with nstat
 * names, prefix + field ("TcpExtListenOverflows", "UdpRcvbufErrors").
 */
int nt_procfs_parse_snmp(const char *text, struct nt_counters *out,
			 struct nt_err *err);
/* /proc/net/sockstat and sockstat6: "TCP: inuse 5 orphan 0" -> "TCP.inuse" */
int nt_procfs_parse_sockstat(const char *text, struct nt_counters *out,
			     struct nt_err *err);

/*
 * The grammar of each file, shared by the parsers above (which build new
 * tables) and the tick sampler (lib/sample/sampler.c), which refreshes the
 * counters of an existing table in place.  Walkers and cursors allocate
 * nothing; their callers decide where each value goes.  Errors are those
 * of the parsers.
 */

/* softnet_stat: one call per line; a non-zero return stops the walk. */
typedef int (*nt_procfs_softnet_fn)(const struct nt_softnet *row, void *arg);
int nt_procfs_walk_softnet(const char *text, nt_procfs_softnet_fn fn,
			   void *arg, struct nt_err *err);

/*
 * snmp, netstat, snmp6, sockstat(6): one call per counter, with the name
 * the parsers give it; a non-zero return stops the walk.
 */
typedef int (*nt_procfs_counter_fn)(const char *name, int64_t value,
				    void *arg);
int nt_procfs_walk_snmp(const char *text, nt_procfs_counter_fn fn,
			void *arg, struct nt_err *err);
int nt_procfs_walk_sockstat(const char *text, nt_procfs_counter_fn fn,
			    void *arg, struct nt_err *err);

/*
 * interrupts and softirqs: a cursor.  nt_procfs_table_begin() reads the
 * header's CPU columns; each *_row() call moves to the next row and gives
 * its id; *_counts() then reads the row's counts, or the next *_row() call
 * skips them unread.
 */
struct nt_procfs_cursor {
	uint32_t ncols;		/* CPU columns of the header */
	unsigned int lineno;	/* of the current row */
	const char *p;		/* private: where parsing goes on */
	const char *eol;	/* private: end of the row, NULL unknown */
	const char *end;	/* private: the text's NUL */
};

int nt_procfs_table_begin(struct nt_procfs_cursor *c, const char *text,
			  size_t len, uint32_t *ids, uint32_t cap,
			  struct nt_err *err);
int nt_procfs_irq_row(struct nt_procfs_cursor *c, char *id, size_t size,
		      int *irq, struct nt_err *err);
int nt_procfs_irq_counts(struct nt_procfs_cursor *c, uint64_t *counts,
			 const char **rest, const char **rest_end,
			 struct nt_err *err);
int nt_procfs_softirq_row(struct nt_procfs_cursor *c, char *name,
			  size_t size, struct nt_err *err);
int nt_procfs_softirq_counts(struct nt_procfs_cursor *c, uint64_t *counts,
			     struct nt_err *err);

/* /proc/uptime: the first number, in nanoseconds.  0 or -EINVAL. */
int nt_procfs_parse_uptime(const char *text, int64_t *ns);

int nt_procfs_read_softnet(const struct nt_root *root, struct nt_softnet **out,
			   size_t *n, struct nt_err *err);
int nt_procfs_read_interrupts(const struct nt_root *root,
			      struct nt_interrupts *out, struct nt_err *err);
int nt_procfs_read_softirqs(const struct nt_root *root,
			    struct nt_softirqs *out, struct nt_err *err);
/* netstat, snmp and snmp6 (when present) into one set of counters. */
int nt_procfs_read_snmp(const struct nt_root *root, struct nt_counters *out,
			struct nt_err *err);
int nt_procfs_read_sockstat(const struct nt_root *root,
			    struct nt_counters *out, struct nt_err *err);

/* /proc/uptime under the root (not in trees captured before it was). */
int nt_procfs_read_uptime(const struct nt_root *root, int64_t *ns,
			  struct nt_err *err);

/**
 * nt_procfs_irqbalance_running() - is an irqbalance process running?
 *
 * Scans /proc/PID/comm under the root.  Return: 1, 0, or -errno.
 */
int nt_procfs_irqbalance_running(const struct nt_root *root);

#endif
