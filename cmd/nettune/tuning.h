/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_CMD_TUNING_H
#define NT_CMD_TUNING_H

#include <stdbool.h>

#include "apply/apply.h"
#include "plan/plan.h"
#include "util/err.h"

/* Options shared by recommend, apply, verify, rollback, history, profile. */
struct nt_tuning_opts {
	const char *profile_dir;	/* --profile-dir */
	const char *state_dir;		/* --state-dir, NETTUNE_STATE_DIR */
	const char *ifaces[64];		/* --iface, NULL-ended */
	size_t n_ifaces;
	bool json;
};

/* getopt long options every tuning verb accepts, values >= 256 */
enum {
	OPT_PROFILE_DIR = 256,
	OPT_STATE_DIR,
	OPT_IFACE,
	OPT_IRQBALANCE,
	OPT_PERSIST,
	OPT_DRY_RUN,
};

/**
 * nt_tuning_opt() - handle one shared option; false if @c is not one
 * Sets *@bad to a usage message on a bad value.
 */
bool nt_tuning_opt(struct nt_tuning_opts *o, int c, const char *arg,
		   const char **bad);

struct option;

/**
 * nt_tuning_parse() - the option loop of a tuning verb
 * @extra: handles the verb's own options (return 0, or a usage message via
 *         *@bad), may be NULL
 *
 * Return: 0 parsed, -1 help was printed (exit 0), NT_EXIT_FAIL on bad usage
 * (already reported).
 */
int nt_tuning_parse(int argc, char **argv, const char *verb,
		    const struct option *longopts, struct nt_tuning_opts *o,
		    void (*help)(void),
		    int (*extra)(int c, const char *arg, void *ctx,
				 const char **bad),
		    void *ctx);

/** nt_state_dir() - --state-dir, else NETTUNE_STATE_DIR, else /var/lib/nettune */
const char *nt_state_dir(const struct nt_tuning_opts *o);

/** nt_is_plan_file() - does @arg name a saved plan (ends in .json)? */
bool nt_is_plan_file(const char *arg);

/**
 * nt_plan_for() - the plan of PROFILE (made against the live host) or of a
 * saved plan.json.  Return: 0 or negative errno with @err set.
 */
int nt_plan_for(const char *arg, const struct nt_tuning_opts *o,
		struct nt_plan *plan, struct nt_err *err);

/** nt_print_plan() - a plan as an aligned table, or JSON with o->json */
int nt_print_plan(const struct nt_plan *plan, bool json);

#endif
