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

/* getopt's short option string from the long options that have one */
static void short_opts(const struct option *longopts, char *buf, size_t size)
{
	size_t n = 0;

	buf[n++] = ':';
	for (; longopts->name && n + 3 < size; longopts++) {
		if (longopts->val >= 256 || longopts->flag)
			continue;
		buf[n++] = longopts->val;
		if (longopts->has_arg == required_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

int nt_tuning_parse(int argc, char **argv, const char *verb,
		    const struct option *longopts, struct nt_tuning_opts *o,
		    void (*help)(void),
		    int (*extra)(int c, const char *arg, void *ctx,
				 const char **bad),
		    void *ctx)
{
	char shortopts[64];
	int c;

	short_opts(longopts, shortopts, sizeof(shortopts));
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const char *bad = NULL;

		if (c == 'h') {
			help();
			return -1;
		}
		if (c == ':')
			return nt_usage_error(verb, "option needs a value");
		if (c == '?')
			return nt_usage_error(verb, "unknown option");
		if (!nt_tuning_opt(o, c, optarg, &bad) &&
		    (!extra || extra(c, optarg, ctx, &bad)))
			bad = bad ? bad : "unknown option";
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

int nt_print_plan(const struct nt_plan *plan, bool json)
{
	int w_knob = 4, w_subject = 7, w_cur = 7, w_target = 6;

	if (json)
		return print_plan_json(plan);
	if (!plan->n) {
		printf("nothing to change: this host already matches %s\n",
		       plan->profile);
		return 0;
	}
	for (size_t i = 0; i < plan->n; i++) {
		const struct nt_change *c = &plan->v[i];

#define WIDEN(w, s) do { if ((int)strlen(s) > (w)) (w) = strlen(s); } while (0)
		WIDEN(w_knob, c->knob);
		WIDEN(w_subject, c->subject);
		WIDEN(w_cur, c->current);
		WIDEN(w_target, c->target);
#undef WIDEN
	}
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", w_knob, "KNOB", w_subject,
	       "SUBJECT", w_cur, "CURRENT", w_target, "TARGET", "REASON");
	for (size_t i = 0; i < plan->n; i++) {
		const struct nt_change *c = &plan->v[i];

		printf("%-*s  %-*s  %-*s  %-*s  %s\n", w_knob, c->knob,
		       w_subject, c->subject, w_cur,
		       c->current[0] ? c->current : "-", w_target,
		       c->target[0] ? c->target : "-", c->reason);
	}
	printf("%zu change%s from profile %s\n", plan->n,
	       plan->n == 1 ? "" : "s", plan->profile);
	return 0;
}
