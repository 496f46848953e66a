// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune recommend PROFILE [--iface IF]... [-o plan.json] [--json]
 */
#include <getopt.h>
#include <stdio.h>

#include "nettune.h"
#include "tuning.h"

static void recommend_help(void)
{
	puts("Usage: nettune recommend PROFILE [--iface IF]... [-o PLAN.json] [--json]\n"
	     "                         [--profile-dir DIR]\n"
	     "\n"
	     "Print what PROFILE would change on this host, and why: one row per\n"
	     "change with knob, subject, current value, target value and reason.\n"
	     "PROFILE is a name ('nettune profile list') or a path to a .conf file.\n"
	     "\n"
	     "  -o, --output FILE     save the plan; 'nettune apply FILE' applies\n"
	     "                        exactly it, and refuses if the host changed\n"
	     "      --iface IF        only this interface (repeat for more)\n"
	     "  -j, --json            the plan as JSON\n"
	     "      --profile-dir DIR look for profiles in DIR first\n"
	     "  -h, --help            this help\n"
	     "\n"
	     "Exit status: 0 done (also when nothing would change), 3 could not run\n"
	     "(unknown profile, malformed profile with FILE:LINE, value out of the\n"
	     "driver's range).");
}

static int recommend_opt(int c, const char *arg, void *ctx, const char **bad)
{
	(void)bad;
	if (c != 'o')
		return 1;
	*(const char **)ctx = arg;
	return 0;
}

int cmd_recommend(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",      required_argument, NULL, 'o' },
		{ "iface",       required_argument, NULL, OPT_IFACE },
		{ "json",        no_argument,       NULL, 'j' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "help",        no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_tuning_opts o = { 0 };
	struct nt_err err = { 0 };
	const char *output = NULL;
	struct nt_plan plan;
	int ret;

	nt_trust_verb(false);
	ret = nt_tuning_parse(argc, argv, "recommend", longopts, &o,
			      recommend_help, recommend_opt, &output);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (argc - optind != 1)
		return nt_usage_error("recommend", "expected one PROFILE");
	if (nt_is_plan_file(argv[optind]))
		return nt_usage_error("recommend", "expected a profile, not a plan");
	if (nt_plan_for(argv[optind], &o, &plan, &err))
		return nt_fail_err(&err);
	ret = nt_print_plan(&plan, o.json);
	if (!ret && output)
		ret = nt_plan_save(&plan, output, &err);
	nt_plan_free(&plan);
	if (ret)
		return err.code ? nt_fail_err(&err) :
		       nt_fail("recommend: cannot write output");
	return NT_EXIT_OK;
}
