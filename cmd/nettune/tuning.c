// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the tuning verbs share: options, finding the plan, printing it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "collect.h"
#include "nettune.h"
#include "tuning.h"
#include "util/json.h"

bool nt_tuning_opt(struct nt_tuning_opts *o, int c, const char *arg,
		   const char **bad)
{
	switch (c) {
	case OPT_PROFILE_DIR:
		o->profile_dir = arg;
		return true;
	case OPT_STATE_DIR:
		o->state_dir = arg;
		return true;
	case OPT_IFACE:
		if (o->n_ifaces + 1 >= sizeof(o->ifaces) / sizeof(o->ifaces[0]))
			*bad = "too many --iface options";
		else
			o->ifaces[o->n_ifaces++] = arg;
		return true;
	case 'j':
		o->json = true;
		return true;
	}
	return false;
}

int nt_tuning_parse(int argc, char **argv, const char *verb,
		    const struct option *longopts, struct nt_tuning_opts *o,
		    void (*help)(void),
		    int (*extra)(int c, const char *arg, void *ctx,
				 const char **bad),
		    void *ctx)
{
	int c;

	while ((c = nt_getopt(argc, argv, verb, longopts)) != -1) {
		const char *bad = NULL;

		if (c == NT_OPT_BAD)
			return NT_EXIT_FAIL;
		if (c == 'h') {
			help();
			return -1;
		}
		if (!nt_tuning_opt(o, c, optarg, &bad) &&
		    (!extra || extra(c, optarg, ctx, &bad)))
			bad = bad ? bad : "option not handled (a bug)";
		if (bad)
			return nt_usage_error(verb, bad);
	}
	return 0;
}

const char *nt_state_dir(const struct nt_tuning_opts *o)
{
	const char *env = getenv("NETTUNE_STATE_DIR");

	if (o->state_dir)
		return o->state_dir;
	return env && *env ? env : "/var/lib/nettune";
}

bool nt_is_plan_file(const char *arg)
{
	size_t len = strlen(arg);

	return len > 5 && !strcmp(arg + len - 5, ".json");
}

int nt_plan_for(const char *arg, const struct nt_tuning_opts *o,
		struct nt_plan *plan, struct nt_err *err)
{
	const char *dirs[4];
	struct nt_profile profile;
	struct nt_host host;
	const char *const *only = o->n_ifaces ? o->ifaces : NULL;
	int ret;

	if (nt_is_plan_file(arg))
		return nt_plan_load(arg, plan, err);
	nt_profile_dirs(o->profile_dir, dirs);
	ret = nt_profile_load(arg, dirs, &profile, err);
	if (ret)
		return ret;
	ret = nt_acquire_host(&host, NULL, NULL, only, 0, err);
	if (!ret) {
		ret = nt_plan_make(&profile, &host, only, plan, err);
		nt_host_free(&host);
	}
	nt_profile_free(&profile);
	return ret;
}

static int print_plan_json(const struct nt_plan *plan)
{
	struct json_object *doc = nt_plan_to_json(plan);

	if (!doc)
		return -ENOMEM;
	puts(json_object_to_json_string_ext(doc, NT_JSON_FLAGS));
	json_object_put(doc);
	return 0;
}

struct widths {
	int knob, subject, cur, target;
};

static void widen(struct widths *w, const struct nt_change *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
#define WIDEN(w, s) do { if ((int)strlen(s) > (w)) (w) = strlen(s); } while (0)
		WIDEN(w->knob, v[i].knob);
		WIDEN(w->subject, v[i].subject);
		WIDEN(w->cur, v[i].current);
		WIDEN(w->target, v[i].target);
#undef WIDEN
	}
}

static void print_rows(const struct widths *w, const struct nt_change *v,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct nt_change *c = &v[i];

		printf("%-*s  %-*s  %-*s  %-*s  %s%s\n", w->knob, c->knob,
		       w->subject, c->subject, w->cur,
		       c->current[0] ? c->current : "-", w->target,
		       c->target[0] ? c->target : "-", c->reason,
		       c->later ? " (preview: resolved again after the channel change)" : "");
	}
}

/* What apply resolves after the channel change, and what a bound keeps. */
static void print_plan_notes(const struct widths *w, const struct nt_plan *plan)
{
	for (size_t i = 0; i < plan->n_later; i++) {
		const struct nt_plan_later *l = &plan->later[i];

		printf("after the channel change of %s: [%s] %s = %s (%s:%d) is resolved on its new queues\n",
		       l->iface, l->e.section, l->e.key, l->e.value, l->e.file,
		       l->e.line);
	}
	if (!plan->n_kept)
		return;
	printf("left alone (not written, each with the reason):\n");
	print_rows(w, plan->kept, plan->n_kept);
}

int nt_print_plan(const struct nt_plan *plan, bool json)
{
	struct widths w = { 4, 7, 7, 6 };

	if (json)
		return print_plan_json(plan);
	widen(&w, plan->v, plan->n);
	widen(&w, plan->kept, plan->n_kept);
	if (!plan->n) {
		printf("nothing to change: this host already matches %s\n",
		       plan->profile);
		print_plan_notes(&w, plan);
		return 0;
	}
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", w.knob, "KNOB", w.subject,
	       "SUBJECT", w.cur, "CURRENT", w.target, "TARGET", "REASON");
	print_rows(&w, plan->v, plan->n);
	printf("%zu change%s from profile %s\n", plan->n,
	       plan->n == 1 ? "" : "s", plan->profile);
	print_plan_notes(&w, plan);
	return 0;
}

