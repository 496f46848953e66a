/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_APPLY_KNOB_H
#define NT_APPLY_KNOB_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/change.h"
#include "sys/root.h"
#include "util/err.h"

/*
 * Reading and writing one knob of the live host, in the text form plans use:
 *   sysctl            "net.core.somaxconn"   "4096", "4096 131072 6291456"
 *   rings.rx|tx       "eth0"                 "1024"
 *   channels.rx|tx|combined|other  "eth0"    "4"
 *   irq.affinity      "eth0 irq 38"          CPU list "0-1"
 *   rps.cpus          "eth0 rx-0"            CPU list, "" for none
 *   rps.flow_cnt      "eth0 rx-0"            "4096"
 *   xps.cpus          "eth0 tx-0"            CPU list, "" for none
 *   txqlen            "eth0"                 "10000"
 *   qdisc             "eth0"                 "fq", "fq_codel" (root qdisc kind)
 * app.* knobs (for the application) and irqbalance (for the operator) are
 * advice: never read or written.
 */

/** nt_knob_known() - is @knob one of the above (app.* included)? */
bool nt_knob_known(const char *knob);

/** nt_knob_is_advice() - app.* and irqbalance: nettune does not change them */
bool nt_knob_is_advice(const char *knob);

/**
 * nt_knob_read() - the live value of @c's knob on @c's subject
 * Return: 0, -ENOENT when the subject does not exist (no such interface,
 * queue, IRQ or sysctl), other negative errno with @err set.
 */
int nt_knob_read(const struct nt_root *root, const struct nt_change *c,
		 char *value, size_t size, struct nt_err *err);

/**
 * nt_knob_write() - set @c's knob on @c's subject to @value
 *
 * Netlink errors carry the kernel's extended-ack text ("eth0: rings: rx
 * 8192 exceeds the maximum 4096" or the kernel's own words).
 * Return: 0 or negative errno with @err naming the change.
 */
int nt_knob_write(const struct nt_root *root, const struct nt_change *c,
		  const char *value, struct nt_err *err);

/**
 * nt_knob_read_full() - what a rollback needs beyond @c's plan value: for
 * a qdisc, the whole root qdisc as dumped (its parameters too)
 * @full: out, malloc'ed, NULL when the plan value is all there is
 * Return: 0 or negative errno.
 */
int nt_knob_read_full(const struct nt_root *root, const struct nt_change *c,
		      char **full, struct nt_err *err);

/**
 * nt_knob_restore_full() - put @c's subject back to @full exactly (no
 * write when it is so already; read back after a write)
 * Return: 0, -EIO when it reads back different, other negative errno.
 */
int nt_knob_restore_full(const struct nt_root *root,
			 const struct nt_change *c, const char *full,
			 bool *wrote, struct nt_err *err);

/**
 * nt_knob_equal() - do two values of @knob mean the same?
 * White space in vectors, CPU list spelling ("0,1" == "0-1"), hex vs list.
 */
bool nt_knob_equal(const char *knob, const char *a, const char *b);

#endif
