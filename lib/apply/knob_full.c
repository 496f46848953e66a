// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a rollback needs beyond a change's plan value: a root qdisc is
 * planned and read back by kind, but replacing it loses its parameters
 * (tbf rate and burst, htb defaults, fifo limits) and its handle.  Only
 * the qdisc knob has more; its subject is an interface name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/knob.h"
#include "sys/rtnl.h"

/* The kernel's limit on interface names, NUL included (IFNAMSIZ). */
#define IFNAME_LEN	16

static bool has_full(const struct nt_change *c)
{
	return !strcmp(c->knob, "qdisc");
}

static int iface_subject(const struct nt_change *c, struct nt_err *err)
{
	size_t len = strlen(c->subject);

	if (!len || len >= IFNAME_LEN || strpbrk(c->subject, " \t/"))
		return nt_err_set(err, EINVAL,
				  "%s: bad subject \"%s\" (expected IF)",
				  c->knob, c->subject);
	return 0;
}

/**
 * nt_knob_read_full() - what a rollback needs beyond @c's plan value
 * @root: the host; a tree under --root has no netlink, so nothing more
 * @c: change naming the knob and subject
 * @full: out, malloc'ed; NULL when the plan value is all there is
 * @err: error message
 *
 * For a qdisc: the whole root qdisc as the kernel dumps it
 * (nt_rtnl_root_qdisc_full).  Return: 0 or negative errno.
 */
int nt_knob_read_full(const struct nt_root *root, const struct nt_change *c,
		      char **full, struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret;

	*full = NULL;
	if (!has_full(c) || !root->live)
		return 0;
	ret = iface_subject(c, err);
	if (!ret)
		ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_root_qdisc_full(rtnl, c->subject, full, err);
	nt_rtnl_close(rtnl);
	return ret;
}

/* Write @full unless the live state is it already; read back after. */
static int restore(struct nt_rtnl *rtnl, const char *ifname,
		   const char *full, bool *wrote, struct nt_err *err)
{
	char *live = NULL;
	int ret = nt_rtnl_root_qdisc_full(rtnl, ifname, &live, err);

	if (ret || !strcmp(live, full)) {
		free(live);
		return ret;
	}
	free(live);
	live = NULL;
	ret = nt_rtnl_restore_root_qdisc(rtnl, ifname, full, err);
	*wrote = !ret;
	if (!ret)
		ret = nt_rtnl_root_qdisc_full(rtnl, ifname, &live, err);
	if (!ret && strcmp(live, full))
		ret = nt_err_set(err, EIO,
				 "%s: root qdisc restored, but it reads back different (%.40s...)",
				 ifname, live);
	free(live);
	return ret;
}

/**
 * nt_knob_restore_full() - put @c's subject back to @full exactly
 * @root: the live host
 * @c: change naming the knob and subject
 * @full: what nt_knob_read_full() gave before the apply
 * @wrote: out, whether anything was written
 * @err: error message
 *
 * Nothing is written when the live state is @full already, so a rollback
 * may run again.  After a write the state is read back and must be @full.
 * Return: 0, -EIO when it reads back different, other negative errno.
 */
int nt_knob_restore_full(const struct nt_root *root,
			 const struct nt_change *c, const char *full,
			 bool *wrote, struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret;

	*wrote = false;
	if (!has_full(c))
		return nt_err_set(err, EINVAL, "%s %s: nothing more to restore",
				  c->knob, c->subject);
	if (!root->live)
		return nt_err_set(err, EOPNOTSUPP,
				  "%s %s: netlink reaches only the live host, not --root %s",
				  c->knob, c->subject, root->path);
	ret = iface_subject(c, err);
	if (!ret)
		ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = restore(rtnl, c->subject, full, wrote, err);
	nt_rtnl_close(rtnl);
	return ret;
}
