// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "collect.h"
#include "model/snapshot.h"
#include "nettune.h"

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

int nt_usage_error(const char *verb, const char *what)
{
	return nt_fail("%s: %s; see 'nettune %s --help'", verb, what, verb);
}

int nt_option_error(const char *verb, const char *opt, bool missing_value)
{
	char msg[160];

	if (missing_value)
		snprintf(msg, sizeof(msg), "%.40s needs a value", opt);
	else
		snprintf(msg, sizeof(msg), "unknown option '%.40s'", opt);
	return nt_usage_error(verb, msg);
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
