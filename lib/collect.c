// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One look at the host: lib/sys readers fill a struct nt_host.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "sys/ethtool.h"
#include "sys/irq.h"
#include "sys/kmod.h"
#include "sys/procfs.h"
#include "sys/root.h"
#include "sys/rtnl.h"
#include "sys/sockdiag.h"
#include "sys/sysctl.h"
#include "sys/sysfs.h"

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_identity(struct nt_host *host, const struct nt_root *root)
{
	struct utsname uts;

	snprintf(host->root, sizeof(host->root), "%s", root->path);
	if (root->live && uname(&uts) == 0) {
		snprintf(host->hostname, sizeof(host->hostname), "%s",
			 uts.nodename);
		snprintf(host->kernel, sizeof(host->kernel), "%s",
			 uts.release);
		return;
	}
	nt_root_read_line(root, "/proc/sys/kernel/hostname", host->hostname,
			  sizeof(host->hostname));
	nt_root_read_line(root, "/proc/sys/kernel/osrelease", host->kernel,
			  sizeof(host->kernel));
}

static bool wanted(const char *const *only, const char *name)
{
	if (!only)
		return true;
	for (; *only; only++)
		if (strcmp(*only, name) == 0)
			return true;
	return false;
}

/* Drop the interfaces not asked for; fail on a name that does not exist. */
static int keep_only(struct nt_host *host, const char *const *only,
		     struct nt_err *err)
{
	size_t kept = 0;

	if (!only)
		return 0;
	for (const char *const *name = only; *name; name++)
		if (!nt_host_iface(host, *name))
			return nt_err_set(err, ENODEV,
					  "%s: no such interface", *name);
	for (size_t i = 0; i < host->n_ifaces; i++) {
		struct nt_iface *ifc = &host->ifaces[i];

		if (!wanted(only, ifc->name)) {
			nt_iface_free(ifc);
			continue;
		}
		host->ifaces[kept++] = *ifc;
	}
	host->n_ifaces = kept;
	return 0;
}

static struct nt_iface *iface_by_index(struct nt_host *host, int ifindex)
{
	size_t lo = 0, hi = host->n_ifaces;

	/* both rtnl and sysfs give the array sorted by ifindex */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (host->ifaces[mid].ifindex == ifindex)
			return &host->ifaces[mid];
		if (host->ifaces[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int on_rings(int ifindex, const char *ifname,
		    const struct nt_rings *rings, void *arg)
{
	struct nt_iface *ifc = iface_by_index(arg, ifindex);

	(void)ifname;
	if (ifc)
		ifc->rings = *rings;
	return 0;
}

static int on_channels(int ifindex, const char *ifname,
		       const struct nt_channels *channels, void *arg)
{
	struct nt_iface *ifc = iface_by_index(arg, ifindex);

	(void)ifname;
	if (ifc)
		ifc->channels = *channels;
	return 0;
}

static int on_linkmode(int ifindex, const char *ifname,
		       const struct nt_linkmode *mode, void *arg)
{
	struct nt_iface *ifc = iface_by_index(arg, ifindex);

	(void)ifname;
	if (!ifc)
		return 0;
	if ((mode->present & NT_LINK_SPEED) && mode->speed != UINT32_MAX)
		ifc->speed = mode->speed;
	if (mode->present & NT_LINK_DUPLEX)
		snprintf(ifc->duplex, sizeof(ifc->duplex), "%s",
			 mode->duplex == DUPLEX_FULL ? "full" :
			 mode->duplex == DUPLEX_HALF ? "half" : "");
	return 0;
}

/*
 * The kernel leaves devices without rings or channels out of a dump, so
 * every device starts as "unsupported" and the dump marks the others.
 */
static int read_ethtool(struct nt_host *host, struct nt_err *err)
{
	struct nt_ethtool *eth;
	int ret;

	ret = nt_ethtool_open(&eth, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < host->n_ifaces; i++) {
		host->ifaces[i].rings.state = NT_STATE_UNSUPPORTED;
		host->ifaces[i].channels.state = NT_STATE_UNSUPPORTED;
	}
	ret = nt_ethtool_rings_dump(eth, on_rings, host, err);
	if (!ret)
		ret = nt_ethtool_channels_dump(eth, on_channels, host, err);
	if (!ret)
		ret = nt_ethtool_linkmode_dump(eth, on_linkmode, host, err);
	nt_ethtool_close(eth);
	return ret;
}

static int read_links(struct nt_host *host, const struct nt_root *root,
		      struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret;

	if (!root->live)
		return nt_sysfs_ifaces(root, &host->ifaces, &host->n_ifaces,
				       err);
	ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_links(rtnl, &host->ifaces, &host->n_ifaces, err);
	if (!ret)
		host->sources |= NT_SRC_NETLINK;
	nt_rtnl_close(rtnl);
	return ret;
}

static int read_qdiscs(struct nt_host *host, struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret;

	ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_qdiscs(rtnl, host->ifaces, host->n_ifaces, err);
	nt_rtnl_close(rtnl);
	return ret;
}

/*
 * Without sock_diag (tcp_diag not loadable) the listeners are unknown: the
 * audit still runs and names no port, as it cannot.
 */
static void read_listeners(struct nt_host *host)
{
	if (nt_sockdiag_listeners(&host->listeners, &host->n_listeners,
				  NULL) == 0)
		host->sources |= NT_SRC_SOCKDIAG;
}

/*
 * The other NICs on @ifc's PCI function (two ports of one ConnectX-3):
 * NULL-ended, pointing into @host; NULL without memory.
 */
static const char **pci_siblings(const struct nt_host *host,
				 const struct nt_iface *ifc)
{
	const char **v = calloc(host->n_ifaces + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; v && ifc->bus_info[0] && i < host->n_ifaces; i++) {
		const struct nt_iface *o = &host->ifaces[i];

		if (o != ifc && !o->is_virtual &&
		    !strcmp(o->bus_info, ifc->bus_info))
			v[n++] = o->name;
	}
	return v;
}

static int read_iface_irqs(struct nt_host *host, const struct nt_root *root,
			   struct nt_iface *ifc, struct nt_err *err)
{
	struct nt_irq_port port = {
		.ifname = ifc->name, .bus_info = ifc->bus_info,
	};
	uint32_t *msi = NULL;
	const char **siblings = pci_siblings(host, ifc);
	int ret;

	if (!siblings)
		return nt_err_set(err, ENOMEM, "out of memory");
	nt_sysfs_msi_irqs(root, ifc->name, &msi, &port.n_msi);
	port.msi = msi;
	port.siblings = siblings;
	ret = nt_irq_match_iface(&host->interrupts, &port, &ifc->irqs,
				 &ifc->n_irqs);
	free(msi);
	free(siblings);
	if (ret)
		return nt_err_set(err, -ret, "%s: cannot match IRQs", ifc->name);
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		/* an IRQ that went away between the two reads is not fatal */
		ret = nt_irq_read(root, ifc->irqs[i].irq, &ifc->irqs[i], NULL);
		if (ret == -ENOMEM)
			return nt_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int read_ifaces(struct nt_host *host, const struct nt_root *root,
		       unsigned int flags, struct nt_err *err)
{
	for (size_t i = 0; i < host->n_ifaces; i++) {
		struct nt_iface *ifc = &host->ifaces[i];
		int ret;

		if (root->live)
			nt_ethtool_drvinfo(ifc->name, ifc->driver,
					   sizeof(ifc->driver), ifc->bus_info,
					   sizeof(ifc->bus_info), NULL);
		ret = nt_sysfs_iface(root, ifc, err);
		/* an interface removed since the dump is simply gone */
		if (ret && ret != -ENODEV)
			return ret;
		if (ret == -ENODEV)
			nt_err_clear(err);
		if (root->live && (flags & NT_COLLECT_DRIVER_STATS)) {
			ret = nt_ethtool_driver_stats(ifc->name,
						      &ifc->driver_stats, NULL);
			ifc->driver_stats_state = ret == 0 ? NT_STATE_OK :
				ret == -EOPNOTSUPP ? NT_STATE_UNSUPPORTED :
				NT_STATE_UNKNOWN;
		}
	}
	if (root->live && (flags & NT_COLLECT_DRIVER_STATS))
		host->sources |= NT_SRC_DRVSTATS;
	/* after every bus_info is known: ports may share a PCI function */
	for (size_t i = 0; i < host->n_ifaces; i++) {
		struct nt_iface *ifc = &host->ifaces[i];
		int ret = 0;

		if (!ifc->is_virtual)
			ret = read_iface_irqs(host, root, ifc, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int read_procfs(struct nt_host *host, const struct nt_root *root,
		       struct nt_err *err)
{
	int ret;

	ret = nt_procfs_read_interrupts(root, &host->interrupts, err);
	if (!ret)
		ret = nt_procfs_read_softnet(root, &host->softnet,
					     &host->n_softnet, err);
	if (!ret)
		ret = nt_procfs_read_softirqs(root, &host->softirqs, err);
	if (!ret)
		ret = nt_procfs_read_snmp(root, &host->snmp, err);
	if (!ret)
		ret = nt_procfs_read_sockstat(root, &host->sockstat, err);
	if (ret)
		return ret;
	ret = nt_procfs_irqbalance_running(root);
	host->irqbalance = ret < 0 ? -1 : ret;
	/* trees captured before uptime was read have none: left unknown */
	if (nt_procfs_read_uptime(root, &host->uptime_ns, NULL))
		host->uptime_ns = 0;
	host->sources |= NT_SRC_PROCFS;
	return 0;
}

static int collect_root(struct nt_host *host, const struct nt_root *root,
			const struct nt_collect_opts *opts, struct nt_err *err)
{
	int ret;

	read_identity(host, root);
	ret = read_procfs(host, root, err);
	if (!ret)
		ret = nt_sysfs_cpus(root, &host->cpus, &host->n_cpus,
				    &host->nodes, &host->n_nodes, err);
	if (!ret)
		ret = nt_sysctl_read_all(root, &host->sysctls,
					 &host->n_sysctls, err);
	if (!ret)
		ret = nt_kmod_read(root, host->kernel, &host->kernel_has, err);
	if (!ret)
		ret = read_links(host, root, err);
	if (!ret)
		ret = keep_only(host, opts->only, err);
	if (ret)
		return ret;
	host->sources |= NT_SRC_SYSFS;
	if (root->live) {
		ret = read_ethtool(host, err);
		if (!ret)
			ret = read_qdiscs(host, err);
		if (ret)
			return ret;
		if (opts->flags & NT_COLLECT_SOCKETS)
			read_listeners(host);
	}
	return read_ifaces(host, root, opts->flags, err);
}

int nt_collect(struct nt_host *host, const struct nt_collect_opts *opts,
	       struct nt_err *err)
{
	struct nt_root root;
	int ret;

	memset(host, 0, sizeof(*host));
	host->irqbalance = -1;
	host->taken_ns = clock_ns(CLOCK_REALTIME);
	host->mono_ns = clock_ns(CLOCK_MONOTONIC);
	ret = nt_root_open(&root, opts->root, err);
	if (ret)
		return ret;
	ret = collect_root(host, &root, opts, err);
	nt_root_close(&root);
	if (ret)
		nt_host_free(host);
	return ret;
}
