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

/**
 * nt_procfs_irqbalance_running() - is an irqbalance process running?
 *
 * Scans /proc/PID/comm under the root.  Return: 1, 0, or -errno.
 */
int nt_procfs_irqbalance_running(const struct nt_root *root);

#endif
