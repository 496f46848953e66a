// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drift: where the live host no longer holds what a plan set.  Something
 * else (a driver reload, irqbalance, another tool) changed it since.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/knob.h"

/* Return: 1 drifted, 0 holds, negative errno. */
static int check_one(const struct nt_root *root, const struct nt_change *c,
		     struct nt_drift *d, struct nt_err *err)
{
	struct nt_err e = { 0 };
	int ret;

	memset(d, 0, sizeof(*d));
	d->change = *c;
	ret = nt_knob_read(root, c, d->actual, sizeof(d->actual), &e);
	if (ret == -ENOENT) {
		d->actual[0] = '\0';
		d->gone = true;
		return 1;
	}
	if (ret && e.msg[0])
		return nt_err_set(err, ret, "%s", e.msg);
	if (ret)
		return nt_err_set(err, ret, "%s %s: %s", c->knob, c->subject,
				  strerror(-ret));
	return !nt_plan_holds(c, d->actual, nt_knob_equal);
}

/*
 * A plan whose later intents were never resolved here (saved by
 * recommend, or an apply killed before phase two): what they ask of the
 * host as it is now is the drift, as for a profile.
 */
static int later_drift(const struct nt_root *root, const struct nt_plan *plan,
		       struct nt_drift **v, size_t *found, size_t *cap,
		       struct nt_err *err)
{
	struct nt_apply_opts opts = { 0 };
	struct nt_plan res;
	int ret;

	if (!plan->n_later)
		return 0;
	ret = nt_apply_resolve(root, plan, &opts, &res, err);
	if (ret)
		return ret;
	if (*found + res.n > *cap) {
		struct nt_drift *more = realloc(*v, (*found + res.n) *
						sizeof(**v));

		if (!more) {
			nt_plan_free(&res);
			return nt_err_set(err, ENOMEM, "verify: out of memory");
		}
		*v = more;
		*cap = *found + res.n;
	}
	for (size_t i = 0; i < res.n; i++) {
		struct nt_drift *d = &(*v)[(*found)++];

		memset(d, 0, sizeof(*d));
		d->change = res.v[i];
		snprintf(d->actual, sizeof(d->actual), "%s", res.v[i].current);
	}
	nt_plan_free(&res);
	return 0;
}

int nt_verify(const struct nt_root *root, const struct nt_plan *plan,
	      struct nt_drift **drift, size_t *n, struct nt_err *err)
{
	struct nt_drift *v;
	size_t found = 0, cap = plan->n ? plan->n : 1;
	int ret;

	*drift = NULL;
	*n = 0;
	if (!plan->n && !plan->n_later)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return nt_err_set(err, ENOMEM, "verify: out of memory");
	for (size_t i = 0; i < plan->n; i++) {
		const struct nt_change *c = &plan->v[i];

		if (!nt_knob_known(c->knob)) {
			free(v);
			return nt_err_set(err, EINVAL,
					  "change %zu of %zu: unknown knob \"%s\"; make a new plan with this nettune",
					  i + 1, plan->n, c->knob);
		}
		if (nt_knob_is_advice(c->knob) || c->later)
			continue;

		ret = check_one(root, c, &v[found], err);
		if (ret < 0) {
			free(v);
			return ret;
		}
		found += ret;
	}
	ret = later_drift(root, plan, &v, &found, &cap, err);
	if (ret < 0) {
		free(v);
		return ret;
	}
	if (!found) {

		free(v);
		return 0;
	}
	*drift = v;
	*n = found;
	return 0;
}
