// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Net sysctls under /proc/sys.  nettune writes only the keys it knows: a
 * typo in a profile must not become a write to an arbitrary kernel knob.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/sysctl.h"
#include "util/array.h"

/* Sorted by strcmp(3), so lookups can bisect. */
const char *const nt_sysctl_known[] = {
	"net.core.busy_poll",
	"net.core.busy_read",
	"net.core.default_qdisc",
	"net.core.dev_weight",
	"net.core.flow_limit_table_len",
	"net.core.netdev_budget",
	"net.core.netdev_budget_usecs",
	"net.core.netdev_max_backlog",
	"net.core.optmem_max",
	"net.core.rmem_default",
	"net.core.rmem_max",
	"net.core.rps_sock_flow_entries",
	"net.core.somaxconn",
	"net.core.wmem_default",
	"net.core.wmem_max",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_adv_win_scale",
	"net.ipv4.tcp_allowed_congestion_control",
	"net.ipv4.tcp_available_congestion_control",
	"net.ipv4.tcp_congestion_control",
	"net.ipv4.tcp_fastopen",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_max_orphans",
	"net.ipv4.tcp_max_syn_backlog",
	"net.ipv4.tcp_max_tw_buckets",
	"net.ipv4.tcp_mem",
	"net.ipv4.tcp_moderate_rcvbuf",
	"net.ipv4.tcp_mtu_probing",
	"net.ipv4.tcp_no_metrics_save",
	"net.ipv4.tcp_notsent_lowat",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_sack",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.tcp_timestamps",
	"net.ipv4.tcp_tw_reuse",
	"net.ipv4.tcp_window_scaling",
	"net.ipv4.tcp_wmem",
	"net.ipv4.udp_mem",
	"net.ipv4.udp_rmem_min",
	"net.ipv4.udp_wmem_min",
	"net.netfilter.nf_conntrack_buckets",
	"net.netfilter.nf_conntrack_count",
	"net.netfilter.nf_conntrack_max",
	NULL
};

#define N_KNOWN	(ARRAY_SIZE(nt_sysctl_known) - 1)

/* Longest path: "/proc/sys/" and a dotted name of up to 128 characters. */
#define NAME_LEN	128
#define PATH_LEN	(sizeof("/proc/sys/") + NAME_LEN)

/* Values the kernel prints for net keys fit easily; longer is an error. */
#define VALUE_LEN	4096

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool nt_sysctl_is_known(const char *name)
{
	return bsearch(name, nt_sysctl_known, N_KNOWN,
		       sizeof(nt_sysctl_known[0]), cmp_name) != NULL;
}

/*
 * "net.core.somaxconn" -> "/proc/sys/net/core/somaxconn".  A '/' in the
 * name could climb out of /proc/sys, so such names are refused.
 */
static int sysctl_path(const char *name, char *path, size_t size)
{
	size_t len = strlen(name);
	char *p;

	if (!len || len > NAME_LEN || name[0] == '.' || strchr(name, '/'))
		return -EINVAL;
	snprintf(path, size, "/proc/sys/%s", name);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

int nt_sysctl_read(const struct nt_root *root, const char *name, char *buf,
		   size_t size, struct nt_err *err)
{
	char path[PATH_LEN], *text;
	size_t len;
	int ret = sysctl_path(name, path, sizeof(path));

	if (ret)
		return nt_err_set(err, ret, "%s: not a sysctl name", name);
	ret = nt_root_read_file(root, path, &text, &len);
	if (ret == -ENOENT)
		return ret;
	if (ret)
		return nt_err_set(err, ret, "%s: cannot read: %s", name,
				  strerror(-ret));
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len >= size) {
		free(text);
		return nt_err_set(err, ENOSPC,
				  "%s: value longer than %zu bytes", name,
				  size - 1);
	}
	memcpy(buf, text, len + 1);
	free(text);
	return 0;
}

static void free_sysctls(struct nt_sysctl *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/*
 * Writable by no one here: the file mode, not access(2), so that the
 * answer is the same for any user.  A network namespace shows host-wide
 * keys (net.core.rmem_max, ...) with mode 0444, and writes fail (EPERM).
 */
static bool read_only(const struct nt_root *root, const char *name)
{
	char path[PATH_LEN];
	struct stat st;

	if (sysctl_path(name, path, sizeof(path)) ||
	    fstatat(root->dirfd, path + 1, &st, 0))
		return false;
	return !(st.st_mode & 0222);
}

/*
 * A key this user may not read is as good as absent: the audit runs as
 * any user and must not fail for one unreadable value.
 */
static int read_one(const struct nt_root *root, struct nt_sysctl *s,
		    struct nt_err *err)
{
	char value[VALUE_LEN];
	int ret = nt_sysctl_read(root, s->name, value, sizeof(value), NULL);

	if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
		return 0;
	if (!ret) {
		s->value = strdup(value);
		ret = s->value ? 0 : -ENOMEM;
		s->read_only = read_only(root, s->name);
	}
	if (ret)
		return nt_err_set(err, ret, "%s: cannot read: %s", s->name,
				  strerror(-ret));
	return 0;
}

int nt_sysctl_read_all(const struct nt_root *root, struct nt_sysctl **out,
		       size_t *n, struct nt_err *err)
{
	struct nt_sysctl *v = calloc(N_KNOWN, sizeof(*v));
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return nt_err_set(err, ENOMEM, "sysctls: %s", strerror(ENOMEM));
	for (size_t i = 0; !ret && i < N_KNOWN; i++) {
		v[i].name = strdup(nt_sysctl_known[i]);
		ret = v[i].name ? read_one(root, &v[i], err) :
				  nt_err_set(err, ENOMEM, "sysctls: %s",
					     strerror(ENOMEM));
	}
	if (ret) {
		free_sysctls(v, N_KNOWN);
		return ret;
	}
	*out = v;
	*n = N_KNOWN;
	return 0;
}

int nt_sysctl_write(const struct nt_root *root, const char *name,
		    const char *value, struct nt_err *err)
{
	char path[PATH_LEN];
	int ret;

	if (!nt_sysctl_is_known(name))
		return nt_err_set(err, EPERM,
				  "%s: not a sysctl nettune manages", name);
	ret = sysctl_path(name, path, sizeof(path));
	if (!ret)
		ret = nt_root_write_file(root, path, value);
	if (ret)
		return nt_err_set(err, ret, "%s: cannot set to %s: %s", name,
				  value, strerror(-ret));
	return 0;
}
