/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_PLAN_PLAN_H
#define NT_PLAN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "model/host.h"
#include "plan/change.h"
#include "profile/profile.h"
#include "util/err.h"

/*
 * A plan: the changes a profile makes on one host, with the reasons.  Made
 * by a pure function of (profile, host); saved as JSON, it is the reviewed
 * artifact that `apply plan.json` applies exactly.
 */
/*
 * A per-queue intent of an interface whose channels or rings the plan
 * changes: resolved by apply on the queues and IRQs the kernel has after
 * that change (nt_plan_resolve).  @e is the profile entry, its match the
 * interface's name, its file a base name (for reasons).
 */
struct nt_plan_later {
	char iface[NT_SUBJECT_LEN];
	struct nt_profile_entry e;
};

struct nt_plan {
	char profile[NT_PROFILE_NAME_LEN];
	char hostname[256];
	int64_t made_ns;		/* CLOCK_REALTIME when made */
	struct nt_change *v;		/* in apply order (see nt_plan_make) */
	size_t n;
	/* what the profile asks but the host already exceeds (a bound
	 * holds): never written, shown with the reason */
	struct nt_change *kept;
	size_t n_kept;
	struct nt_plan_later *later;	/* resolved after channel changes */
	size_t n_later;
};

/**
 * nt_plan_make() - resolve a profile's intents against a host
 * @profile: flattened profile
 * @host: the host as it is (a live look or a snapshot)
 * @ifaces: limit interface sections to these names, NULL-ended, or NULL
 * @plan: out; only values that differ from the host's become changes
 * @err: "FILE:LINE: ..." when an intent cannot be resolved on this host
 *       (e.g. "rx = 8192" above the driver maximum 4096)
 *
 * Intents: rings "max" (optionally capped), channels "local-cores" (CPUs of
 * the NIC's NUMA node, at most the maximum), irq "spread-local" (queue IRQ
 * i on the i-th CPU, the NIC's node first, one hyperthread per core before
 * siblings), rps "auto" (single- or few-queue physical NICs: the NIC's
 * local CPUs not taking its IRQs; virtual devices are left alone), xps "match-irq" (tx queue i to the CPUs of queue IRQ i),
 * congestion "bbr, cubic" (first the kernel offers; with qdisc = fq adds
 * net.core.default_qdisc).  Virtual interfaces (veth, bridges) take
 * [channels], [rps] and [xps] but no [irq] or [rings] (they have none).
 *
 * Bounds: a value may say ">= N" (at least), "<= N" (at most) or "= N"
 * (exactly), per field of a vector sysctl; size-like knobs (buffers,
 * backlogs, budgets, rings, txqlen, flow_cnt, conntrack) default to at
 * least.  What a bound keeps as the host has it goes to plan->kept.
 *
 * Order: sysctls, rings, channels, then IRQ affinity, RPS, XPS (channel
 * changes re-create queue IRQs), then txqlen and qdiscs.  On an interface
 * whose channels or rings change, the per-queue changes are flagged later
 * and their intents listed in plan->later.
 * Pure: no I/O.  Return: 0, -EINVAL, -ENOMEM.
 */
int nt_plan_make(const struct nt_profile *profile, const struct nt_host *host,
		 const char *const *ifaces, struct nt_plan *plan,
		 struct nt_err *err);

void nt_plan_free(struct nt_plan *plan);

/**
 * nt_plan_resolve() - the per-queue changes of @plan's later intents on
 * @host as it is now (after the channel and ring changes were applied)
 * @out: a plan with the changes only (none flagged later)
 *
 * Pure, like nt_plan_make().  Return: 0, -EINVAL, -ENOMEM.
 */
int nt_plan_resolve(const struct nt_plan *plan, const struct nt_host *host,
		    struct nt_plan *out, struct nt_err *err);

/**
 * nt_plan_later_ifaces() - the interfaces of @plan's later intents, each
 * once, NULL-ended (the strings are the plan's); free() the array
 * Return: the array, NULL on ENOMEM.
 */
const char **nt_plan_later_ifaces(const struct nt_plan *plan);

/**
 * nt_plan_holds() - does the live value @live satisfy change @c?
 * @equal: the knob's notion of "the same value" for exact fields
 *
 * Exactly (no bound): @equal(@live, target).  With a bound, each numeric
 * field of @live holds it against the same field of the target ("at
 * least" is satisfied by more).
 */
bool nt_plan_holds(const struct nt_change *c, const char *live,
		   bool (*equal)(const char *knob, const char *a,
				 const char *b));

/** nt_plan_save() - write the plan as JSON (atomic rename) */
int nt_plan_save(const struct nt_plan *plan, const char *path,
		 struct nt_err *err);

/** nt_plan_load() - read a plan; malformed -> -EINVAL naming the member */
int nt_plan_load(const char *path, struct nt_plan *plan, struct nt_err *err);

/** nt_plan_to_json() - the plan document (new reference), NULL on ENOMEM */
struct json_object;
struct json_object *nt_plan_to_json(const struct nt_plan *plan);

#endif
