// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune apply PROFILE|PLAN.json [--dry-run] [--yes] [--persist]
 *               [--irqbalance=skip|ignore|ban] [--state-dir DIR]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nettune.h"
#include "sys/procfs.h"
#include "tuning.h"

#define CAP_NET_ADMIN_BIT 12

static void apply_help(void)
{
	puts("Usage: nettune apply PROFILE|PLAN.json [--dry-run] [--yes] [--persist]\n"
	     "                     [--irqbalance=skip|ignore|ban] [--iface IF]...\n"
	     "                     [--state-dir DIR] [--profile-dir DIR]\n"
	     "\n"
	     "Apply a profile (planned against this host now) or a plan saved by\n"
	     "'nettune recommend -o' as a transaction: lock, journal every\n"
	     "before-value (fsync'ed) before the first write, write each change and\n"
	     "read it back; on any failure undo what was done, newest first.\n"
	     "A plan is refused when the host changed since it was made.\n"
	     "\n"
	     "  -n, --dry-run          print the plan, change nothing\n"
	     "  -y, --yes              no confirmation (needed without a terminal)\n"
	     "      --persist          also write the sysctls to\n"
	     "                         /etc/sysctl.d/90-nettune.conf and record the\n"
	     "                         profile in /etc/nettune/active for\n"
	     "                         nettune.service to re-apply at boot\n"
	     "      --irqbalance=MODE  when irqbalance runs: skip IRQ affinity\n"
	     "                         changes (default), ignore it, or ban the IRQs\n"
	     "                         in its config and restart it\n"
	     "      --iface IF         only this interface (repeat for more)\n"
	     "      --state-dir DIR    journals and lock (default /var/lib/nettune,\n"
	     "                         or NETTUNE_STATE_DIR)\n"
	     "      --profile-dir DIR  look for profiles in DIR first\n"
	     "  -h, --help             this help\n"
	     "\n"
	     "Needs CAP_NET_ADMIN (root).  Exit status: 0 applied (or nothing to\n"
	     "do), 3 could not run or failed and undone (nothing left changed).");
}

struct apply_args {
	bool dry_run, yes, persist;
	enum nt_irqbalance_mode irqbalance;
};

static int apply_opt(int c, const char *arg, void *ctx, const char **bad)
{
	struct apply_args *a = ctx;

	switch (c) {
	case 'n': a->dry_run = true; return 0;
	case 'y': a->yes = true; return 0;
	case OPT_PERSIST: a->persist = true; return 0;
	case OPT_IRQBALANCE:
		if (!strcmp(arg, "skip"))
			a->irqbalance = NT_IRQBALANCE_SKIP;
		else if (!strcmp(arg, "ignore"))
			a->irqbalance = NT_IRQBALANCE_IGNORE;
		else if (!strcmp(arg, "ban"))
			a->irqbalance = NT_IRQBALANCE_BAN;
		else
			*bad = "--irqbalance takes skip, ignore or ban";
		return 0;
	}
	return 1;
}

/* CapEff of /proc/self/status: what the kernel will let us write. */
static bool have_net_admin(void)
{
	char line[256];
	bool ok = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7)) {
			unsigned long long caps = strtoull(line + 7, NULL, 16);

			ok = caps & (1ULL << CAP_NET_ADMIN_BIT);
			break;
		}
	fclose(f);
	return ok;
}

static void progress(const struct nt_change *c, const char *status, void *arg)
{
	const char *why = strchr(status, ':');
	int len = why ? (int)(why - status) : (int)strlen(status);

	(void)arg;
	printf("  %-9.*s %-18s %-24s %s -> %s\n", len, status, c->knob,
	       c->subject, c->current[0] ? c->current : "-",
	       c->target[0] ? c->target : "-");
	/* "skipped: why" / "failed: the kernel's text" on a line of its own */
	if (why)
		printf("            %s\n", why + 2 - (why[1] != ' '));
}

static bool confirmed(const struct nt_plan *plan, bool yes, int *fail)
{
	char answer[16];

	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		*fail = nt_fail("apply: standard input is not a terminal; pass "
				"--yes to apply %zu change%s", plan->n,
				plan->n == 1 ? "" : "s");
		return false;
	}
	printf("Apply these %zu changes? [y/N] ", plan->n);
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (answer[0] != 'y' && answer[0] != 'Y')) {
		puts("nothing changed");
		*fail = NT_EXIT_OK;
		return false;
	}
	return true;
}

int nt_persist(const struct nt_plan *plan, const char *source,
	       struct nt_err *err);

/* --persist is part of the transaction: if it fails, the apply goes too. */
static void undo_for_persist(const struct nt_root *root, const char *state_dir,
			     const struct nt_apply_result *res,
			     struct nt_err *err)
{
	struct nt_apply_result undo = { .failed = -1 };
	struct nt_err undo_err = { 0 };
	char msg[sizeof(err->msg)];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	nt_err_clear(err);
	if (nt_rollback(root, state_dir, res->journal_id, &undo, &undo_err))
		nt_err_set(err, EIO, "%s; rolling the apply back failed too: "
			   "%s", msg, undo_err.msg);
	else
		nt_err_set(err, EIO, "%s; the apply was rolled back, nothing "
			   "is changed", msg);
}

static int run_apply(const struct nt_plan *plan, const char *source,
		     const struct nt_tuning_opts *o, const struct apply_args *a)
{
	struct nt_apply_opts opts = {
		.state_dir = nt_state_dir(o),
		.irqbalance = a->irqbalance,
		.progress = progress,
	};
	struct nt_apply_result res = { .failed = -1 };
	struct nt_err err = { 0 };
	struct nt_root root;

	opts.irqbalance_running = nt_root_open(&root, "/", &err) == 0 &&
				  nt_procfs_irqbalance_running(&root) == 1;
	if (!err.code && nt_apply(&root, plan, &opts, &res, &err) == 0 &&
	    a->persist && nt_persist(plan, source, &err))
		undo_for_persist(&root, opts.state_dir, &res, &err);
	nt_root_close(&root);
	if (err.code)
		return nt_fail_err(&err);
	printf("applied %zu, skipped %zu; journal %s ('nettune rollback %s' "
	       "undoes it)\n", res.applied, res.skipped, res.journal_id,
	       res.journal_id);
	return NT_EXIT_OK;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run",     no_argument,       NULL, 'n' },
		{ "yes",         no_argument,       NULL, 'y' },
		{ "persist",     no_argument,       NULL, OPT_PERSIST },
		{ "irqbalance",  required_argument, NULL, OPT_IRQBALANCE },
		{ "iface",       required_argument, NULL, OPT_IFACE },
		{ "state-dir",   required_argument, NULL, OPT_STATE_DIR },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "help",        no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_tuning_opts o = { 0 };
	struct apply_args a = { 0 };
	struct nt_err err = { 0 };
	struct nt_plan plan;
	int ret = NT_EXIT_OK;

	/* progress lines must reach a log even if the apply is killed */
	setvbuf(stdout, NULL, _IOLBF, 0);
	nt_trust_verb(true);
	ret = nt_tuning_parse(argc, argv, "apply", longopts, &o, apply_help,
			      apply_opt, &a);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (argc - optind != 1)
		return nt_usage_error("apply", "expected one PROFILE or PLAN.json");
	if (!a.dry_run && !have_net_admin())
		return nt_fail("apply: needs CAP_NET_ADMIN: run as root "
			       "(nothing was changed)");
	if (nt_plan_for(argv[optind], &o, &plan, &err))
		return nt_fail_err(&err);
	/* refused before the plan is shown; a killed apply also when its
	 * writes left nothing to do */
	if (!a.dry_run && nt_apply_ready(nt_state_dir(&o), &err)) {
		nt_plan_free(&plan);
		return nt_fail_err(&err);
	}
	nt_print_plan(&plan, false);
	if (!a.dry_run && plan.n && confirmed(&plan, a.yes, &ret))
		ret = run_apply(&plan, argv[optind], &o, &a);
	nt_plan_free(&plan);
	return ret;
}
