/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_AUDIT_REASONS_H
#define NT_AUDIT_REASONS_H

#include <stddef.h>

/*
 * Observed drop reasons nettune can act on: one row per reason (its name
 * in enum skb_drop_reason without SKB_DROP_REASON_), the audit check it is
 * evidence for, the knob that fixes it and the fix as text naming the
 * subject.  Reasons without a row have no knob here: they are reported as
 * observed, with reason and location, and nothing more.  Listed in
 * man/nettune-checks.7 ("DROP REASONS").
 */

/* What the subject of a row's fix is, so the caller knows what to name. */
enum nt_reason_subject {
	NT_REASON_SOCKET,	/* "udp :5353": the socket the drops hit */
	NT_REASON_DEVICE,	/* "eth0": the device of the drops */
	NT_REASON_QDISC,	/* "eth0": the device whose root qdisc drops */
	NT_REASON_PROTOCOL,	/* "tcp", "udp" */
};

struct nt_reason_check {
	const char *reason;		/* "SOCKET_RCVBUFF" */
	const char *check;		/* finding id: "udp.rcvbuf_errors" */
	enum nt_reason_subject subject;
	const char *knob;		/* "net.ipv4.conf.{}.rp_filter" */
	const char *fix;		/* "{}" stands for the subject */
};

extern const struct nt_reason_check nt_reason_checks[];
extern const size_t nt_n_reason_checks;

/** nt_reason_check_find() - the row of @reason, or NULL when none */
const struct nt_reason_check *nt_reason_check_find(const char *reason);

/**
 * nt_reason_fill() - @tmpl (a row's knob or fix) with "{}" as @subject
 * @buf: out, always NUL-terminated when @len > 0
 *
 * Return: the length of the whole text (>= @len means it was cut).
 */
size_t nt_reason_fill(const char *tmpl, const char *subject, char *buf,
		      size_t len);

/** nt_reason_subject_name() - "socket", "device", "qdisc", "protocol" */
const char *nt_reason_subject_name(enum nt_reason_subject s);

#endif
