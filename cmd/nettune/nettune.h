/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_CMD_NETTUNE_H
#define NT_CMD_NETTUNE_H

#include <stdbool.h>

#include "model/host.h"
#include "util/err.h"

/* Exit status of every verb. */
enum nt_exit {
	NT_EXIT_OK	= 0,
	NT_EXIT_WARN	= 1,	/* warning findings, drift */
	NT_EXIT_CRIT	= 2,	/* critical findings */
	NT_EXIT_FAIL	= 3,	/* could not run: usage, input, privilege */
};

struct nt_verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_apply(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_drops(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/** nt_fail() - print "nettune: MESSAGE" on stderr; returns NT_EXIT_FAIL */
int nt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** nt_fail_err() - print a library error once; returns NT_EXIT_FAIL */
int nt_fail_err(const struct nt_err *err);

/**
 * nt_trust_verb() - how this verb treats files others could have written
 * @changes_host: refuse them (apply, rollback); else warn and go on
 *
 * See util/trust.h; warnings are "nettune: warning: ..." on stderr.
 */
void nt_trust_verb(bool changes_host);

/** nt_usage_error() - bad option of @verb: one line pointing at --help */
int nt_usage_error(const char *verb, const char *what);

struct option;

/* nt_getopt() after it reported a usage error */
#define NT_OPT_BAD	(-2)
/* room for the short options derived from a verb's long options */
#define NT_SHORTOPTS_LEN	64

/**
 * nt_getopt() - getopt_long() with the one error path of every verb
 * @argc: the verb's arguments, getopt style (argv[0] is the verb)
 * @argv: see @argc
 * @verb: the verb's name, for messages
 * @longopts: its options, ending in { 0 }; one whose val is a character
 *	is also the short option -val
 *
 * An unknown or ambiguous option, a missing value and a value given to
 * an option that takes none are reported here, in one line that names
 * the option as it was typed ("show: unknown option '--frob'; see
 * 'nettune show --help'").
 *
 * Return: the next option's val, -1 after the last option, NT_OPT_BAD
 * once the error is printed (the verb then returns NT_EXIT_FAIL).
 */
int nt_getopt(int argc, char **argv, const char *verb,
	      const struct option *longopts);

/**
 * nt_acquire_host() - the host a verb works on
 * @from: snapshot file, or NULL to read the host
 * @root: --root directory, or NULL
 * @only: interface names, NULL-ended, or NULL
 * @flags: enum nt_collect_flags
 *
 * Return: 0 or negative errno with @err set.
 */
int nt_acquire_host(struct nt_host *host, const char *from, const char *root,
		    const char *const *only, unsigned int flags,
		    struct nt_err *err);

#endif
