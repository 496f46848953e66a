// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drift: where the live host no longer holds what a plan set.  Something
 * else (a driver reload, irqbalance, another tool) changed it since.
 */
#include <errno.h>
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
	return !nt_knob_equal(c->knob, d->actual, c->target);
}

int nt_verify(const struct nt_root *root, const struct nt_plan *plan,
	      struct nt_drift **drift, size_t *n, struct nt_err *err)
{
	struct nt_drift *v;
	size_t found = 0;

	*drift = NULL;
	*n = 0;
	if (!plan->n)
		return 0;
	v = calloc(plan->n, sizeof(*v));
	if (!v)
		return nt_err_set(err, ENOMEM, "verify: out of memory");
	for (size_t i = 0; i < plan->n; i++) {
		const struct nt_change *c = &plan->v[i];
		int ret;

		if (!nt_knob_known(c->knob)) {
			free(v);
			return nt_err_set(err, EINVAL,
					  "change %zu of %zu: unknown knob \"%s\"; make a new plan with this nettune",
					  i + 1, plan->n, c->knob);
		}
		if (nt_knob_is_advice(c->knob))
			continue;
		ret = check_one(root, c, &v[found], err);
		if (ret < 0) {
			free(v);
			return ret;
		}
		found += ret;
	}
	if (!found) {
		free(v);
		return 0;
	}
	*drift = v;
	*n = found;
	return 0;
}
