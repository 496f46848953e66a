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
struct nt_plan {
	char profile[NT_PROFILE_NAME_LEN];
	char hostname[256];
	int64_t made_ns;		/* CLOCK_REALTIME when made */
	struct nt_change *v;		/* in apply order (see nt_plan_make) */
	size_t n;
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
 * Order: sysctls, rings, channels, then IRQ affinity, RPS, XPS (channel
 * changes re-create queue IRQs), then txqlen and qdiscs.
 * Pure: no I/O.  Return: 0, -EINVAL, -ENOMEM.
 */
int nt_plan_make(const struct nt_profile *profile, const struct nt_host *host,
		 const char *const *ifaces, struct nt_plan *plan,
		 struct nt_err *err);

void nt_plan_free(struct nt_plan *plan);

/** nt_plan_save() - write the plan as JSON (atomic rename) */
int nt_plan_save(const struct nt_plan *plan, const char *path,
		 struct nt_err *err);

/** nt_plan_load() - read a plan; malformed -> -EINVAL naming the member */
int nt_plan_load(const char *path, struct nt_plan *plan, struct nt_err *err);

/** nt_plan_to_json() - the plan document (new reference), NULL on ENOMEM */
struct json_object;
struct json_object *nt_plan_to_json(const struct nt_plan *plan);

#endif
