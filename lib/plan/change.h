/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_PLAN_CHANGE_H
#define NT_PLAN_CHANGE_H

#include <stdbool.h>

/*
 * One change to a host: the unit of an audit fix and of a profile plan.
 * Knobs (stable names, used in JSON and plans):
 *   sysctl           subject "net.core.somaxconn"
 *   rings.rx, rings.tx                  subject "eth0"
 *   channels.combined, channels.rx, channels.tx   subject "eth0"
 *   irq.affinity     subject "eth0 irq 38" (target a CPU list)
 *   rps.cpus, rps.flow_cnt              subject "eth0 rx-0"
 *   xps.cpus         subject "eth0 tx-0"
 *   qdisc            subject "eth0" (target "fq", "fq_codel limit 10240")
 *   txqlen           subject "eth0"
 *   irqbalance       subject "irqbalance" (target "stopped" / "banned")
 *   app.listen_backlog, app.so_rcvbuf   subject "tcp :8080", "udp"
 *     (irqbalance and app.* are advice: the operator or the application
 *     must act; apply and verify skip them)
 */
#define NT_KNOB_LEN	32
#define NT_SUBJECT_LEN	64
#define NT_VALUE_LEN	128
#define NT_REASON_LEN	256
#define NT_BOUND_LEN	32

struct nt_change {
	char knob[NT_KNOB_LEN];
	char subject[NT_SUBJECT_LEN];
	/* "" is the empty value (an empty CPU mask, a default qdisc); in an
	 * audit fix it may also mean the value is not visible here */
	char current[NT_VALUE_LEN];
	char target[NT_VALUE_LEN];
	char reason[NT_REASON_LEN];
	/*
	 * Plans only.  @bound: "" (or "=") exactly; ">=" at least, "<=" at
	 * most, one per field of a vector ("= >= >="): the host satisfies
	 * the change when each field holds its bound against @target.
	 * @later: a per-queue change on an interface whose channels or rings
	 * the plan changes: a preview; apply resolves it again on the queues
	 * the kernel has after that change.
	 */
	char bound[NT_BOUND_LEN];
	bool later;
};

#endif
