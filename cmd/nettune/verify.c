// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune verify [PROFILE|PLAN.json] [--json] [--state-dir DIR]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "nettune.h"
#include "tuning.h"
#include "util/json.h"

static void verify_help(void)
{
	puts("Usage: nettune verify [PROFILE|PLAN.json] [--json] [--iface IF]...\n"
	     "                      [--state-dir DIR] [--profile-dir DIR]\n"
	     "\n"
	     "Compare the host with a profile, a saved plan, or (by default) the\n"
	     "last plan applied, and print every drifted value: knob, subject,\n"
	     "expected and actual.  Made for monitoring: the exit status says it.\n"
	     "\n"
	     "  -j, --json           {\"plan\", \"drift\": [...]} on stdout\n"
	     "      --iface IF       only this interface (repeat for more)\n"
	     "      --state-dir DIR  journals (default /var/lib/nettune)\n"
	     "      --profile-dir DIR look for profiles in DIR first\n"
	     "  -h, --help           this help\n"
	     "\n"
	     "Exit status: 0 the host matches, 1 drift, 3 could not run.");
}

static void print_drift_json(const char *what, const struct nt_drift *d,
			     size_t n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	json_object_object_add(doc, "plan", json_object_new_string(what));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "knob",
				       json_object_new_string(d[i].change.knob));
		json_object_object_add(o, "subject",
				       json_object_new_string(d[i].change.subject));
		json_object_object_add(o, "expected",
				       json_object_new_string(d[i].change.target));
		json_object_object_add(o, "actual", d[i].gone ? NULL :
				       json_object_new_string(d[i].actual));
		json_object_array_add(arr, o);
	}
	json_object_object_add(doc, "drift", arr);
	puts(json_object_to_json_string_ext(doc, NT_JSON_FLAGS));
	json_object_put(doc);
}

static void print_drift(const char *what, const struct nt_drift *d, size_t n)
{
	if (!n) {
		printf("no drift: the host matches %s\n", what);
		return;
	}
	printf("%-18s %-24s %-24s %s\n", "KNOB", "SUBJECT", "EXPECTED",
	       "ACTUAL");
	for (size_t i = 0; i < n; i++)
		printf("%-18s %-24s %-24s %s\n", d[i].change.knob,
		       d[i].change.subject,
		       d[i].change.target[0] ? d[i].change.target : "-",
		       d[i].gone ? "(gone)" : d[i].actual[0] ? d[i].actual : "-");
	printf("%zu value%s drifted from %s\n", n, n == 1 ? "" : "s", what);
}

/*
 * A profile is verified by planning it now: every change the planner still
 * wants is a value that drifted (or was never applied).
 */
static int drift_of_profile(const char *name, const struct nt_tuning_opts *o,
			    struct nt_drift **drift, size_t *n,
			    struct nt_err *err)
{
	struct nt_plan plan;
	int ret = nt_plan_for(name, o, &plan, err);

	if (ret)
		return ret;
	*n = plan.n;
	*drift = calloc(plan.n ? plan.n : 1, sizeof(**drift));
	if (!*drift) {
		nt_plan_free(&plan);
		return nt_err_set(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < plan.n; i++) {
		(*drift)[i].change = plan.v[i];
		snprintf((*drift)[i].actual, sizeof((*drift)[i].actual), "%s",
			 plan.v[i].current);
	}
	nt_plan_free(&plan);
	return 0;
}

static int drift_of_plan(const char *arg, const struct nt_tuning_opts *o,
			 struct nt_drift **drift, size_t *n,
			 struct nt_err *err)
{
	struct nt_plan plan;
	struct nt_root root;
	int ret;

	ret = arg ? nt_plan_load(arg, &plan, err) :
		    nt_last_plan(nt_state_dir(o), &plan, err);
	if (ret)
		return ret;
	ret = nt_root_open(&root, "/", err);
	if (!ret) {
		ret = nt_verify(&root, &plan, drift, n, err);
		nt_root_close(&root);
	}
	nt_plan_free(&plan);
	return ret;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",        no_argument,       NULL, 'j' },
		{ "iface",       required_argument, NULL, OPT_IFACE },
		{ "state-dir",   required_argument, NULL, OPT_STATE_DIR },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "help",        no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_tuning_opts o = { 0 };
	struct nt_err err = { 0 };
	struct nt_drift *drift = NULL;
	const char *arg, *what;
	size_t n = 0;
	int ret;

	nt_trust_verb(false);
	ret = nt_tuning_parse(argc, argv, "verify", longopts, &o, verify_help,
			      NULL, NULL);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (argc - optind > 1)
		return nt_usage_error("verify", "expected at most one PROFILE or PLAN.json");
	arg = optind < argc ? argv[optind] : NULL;
	what = arg ? arg : "the last applied plan";
	if (arg && !nt_is_plan_file(arg))
		ret = drift_of_profile(arg, &o, &drift, &n, &err);
	else
		ret = drift_of_plan(arg, &o, &drift, &n, &err);
	if (ret)
		return nt_fail_err(&err);
	if (o.json)
		print_drift_json(what, drift, n);
	else
		print_drift(what, drift, n);
	free(drift);
	return n ? NT_EXIT_WARN : NT_EXIT_OK;
}
