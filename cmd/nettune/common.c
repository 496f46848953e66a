// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "model/snapshot.h"
#include "nettune.h"
#include "util/trust.h"

int nt_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nettune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return NT_EXIT_FAIL;
}

int nt_fail_err(const struct nt_err *err)
{
	return nt_fail("%s", err->msg[0] ? err->msg : "unknown error");
}

static void trust_warning(const char *msg)
{
	fprintf(stderr, "nettune: warning: %s\n", msg);
}

void nt_trust_verb(bool changes_host)
{
	nt_trust_set_policy(changes_host ? NT_TRUST_STRICT : NT_TRUST_WARN,
			    trust_warning);
}

int nt_usage_error(const char *verb, const char *what)
{
	return nt_fail("%s: %s; see 'nettune %s --help'", verb, what, verb);
}

/* getopt's short options: the long options whose val is a character. */
static void short_opts(const struct option *o, char *buf, size_t size)
{
	size_t n = 0;

	buf[n++] = ':';		/* a missing value gives ':', not '?' */
	for (; o->name && n + 4 < size; o++) {
		if (o->flag || o->val <= 0 || o->val >= 256)
			continue;
		buf[n++] = (char)o->val;
		if (o->has_arg != no_argument)
			buf[n++] = ':';
		if (o->has_arg == optional_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

/* The long options @word ("--name" or "--name=value") abbreviates. */
static size_t long_matches(const struct option *o, const char *word,
			   const struct option **match)
{
	size_t len = strcspn(word + 2, "=");
	size_t n = 0;

	*match = NULL;
	for (; o->name; o++) {
		if (strncmp(o->name, word + 2, len))
			continue;
		if (strlen(o->name) == len) {
			*match = o;
			return 1;
		}
		if (!n++)
			*match = o;
	}
	return n;
}

/*
 * One line about what getopt_long() refused (@c is '?' or ':').  Unknown
 * long options leave optopt 0; otherwise optopt is the option's val, and
 * argv[optind - 1] is that option only when it was a long one (within a
 * cluster like "-jx" it is still the argument before).
 */
static int refused(const char *verb, char **argv, const struct option *o,
		   int c)
{
	const char *arg = argv[optind - 1];
	const struct option *match = NULL;
	bool is_long = !strncmp(arg, "--", 2) && arg[2];
	int len = is_long ? (int)strcspn(arg, "=") : (int)strlen(arg);
	size_t n = 0;
	char name[48], msg[160];

	if (is_long)
		n = long_matches(o, arg, &match);
	if (optopt && (!match || match->val != optopt))
		snprintf(name, sizeof(name), "-%c", optopt);
	else if (match && n == 1)	/* "--fr" for --from: its full name */
		snprintf(name, sizeof(name), "--%.40s", match->name);
	else
		snprintf(name, sizeof(name), "%.*s", len < 42 ? len : 42, arg);
	if (c == ':')
		snprintf(msg, sizeof(msg), "option '%s' needs a value", name);
	else if (optopt && match && match->val == optopt)
		snprintf(msg, sizeof(msg), "option '%s' takes no value", name);
	else if (!optopt && n > 1)
		snprintf(msg, sizeof(msg), "option '%s' is ambiguous", name);
	else
		snprintf(msg, sizeof(msg), "unknown option '%s'", name);
	return nt_usage_error(verb, msg);
}

int nt_getopt(int argc, char **argv, const char *verb,
	      const struct option *longopts)
{
	char shortopts[NT_SHORTOPTS_LEN];
	int c;

	short_opts(longopts, shortopts, sizeof(shortopts));
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	refused(verb, argv, longopts, c);
	return NT_OPT_BAD;
}

int nt_acquire_host(struct nt_host *host, const char *from, const char *root,
		    const char *const *only, unsigned int flags,
		    struct nt_err *err)
{
	struct nt_collect_opts opts = {
		.root = root,
		.flags = flags,
		.only = only,
	};
	int ret;

	if (!from)
		return nt_collect(host, &opts, err);
	ret = nt_snapshot_load(from, host, err);
	if (ret || !only)
		return ret;
	for (; *only; only++)
		if (!nt_host_iface(host, *only)) {
			nt_host_free(host);
			return nt_err_set(err, ENODEV,
					  "%s: no such interface in snapshot %s",
					  *only, from);
		}
	return 0;
}
