// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names from the running kernel for the drop-reason aggregator's keys:
 * reasons (BTF), locations (/proc/kallsyms) and devices (in their netns).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "sys/dropnames.h"

#define REASON_PREFIX	"SKB_DROP_REASON_"
#define VMLINUX_BTF	"/sys/kernel/btf/vmlinux"

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

/* btf_trace_kfree_skb: void (*)(void *, struct sk_buff *, void *,
 * enum skb_drop_reason, ...) from Linux 5.17 on. */
static int check_tracepoint(const struct btf *btf, struct nt_err *err)
{
	const struct btf_type *t, *arg;
	const struct btf_param *p;
	int id;

	id = btf__find_by_name_kind(btf, "btf_trace_kfree_skb",
				    BTF_KIND_TYPEDEF);
	if (id < 0)
		return nt_err_set(err, ENOENT, "drops: the kernel has no "
				  "tracepoint skb:kfree_skb in its BTF");
	t = skip_mods(btf, id);
	if (t && btf_is_ptr(t))
		t = skip_mods(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 4)
		goto old;
	p = btf_params(t);
	arg = skip_mods(btf, p[3].type);
	if (arg && btf_is_enum(arg) &&
	    !strcmp(btf__name_by_offset(btf, arg->name_off), "skb_drop_reason"))
		return 0;
old:
	return nt_err_set(err, ENOENT, "drops: the kernel's kfree_skb "
			  "tracepoint carries no drop reason (Linux 5.17 or "
			  "later needed)");
}

static int set_name(struct nt_drop_reasons *r, uint32_t v, const char *name)
{
	if (v >= r->n)
		return 0;
	free(r->name[v]);
	r->name[v] = strdup(name);
	return r->name[v] ? 0 : -ENOMEM;
}

/* The highest value below NT_DROP_REASON_MAX, plus one. */
static uint32_t reason_count(const struct btf_type *t)
{
	const struct btf_enum *e = btf_enum(t);
	uint32_t n = 0;

	for (int i = 0; i < btf_vlen(t); i++)
		if ((uint32_t)e[i].val < NT_DROP_REASON_MAX &&
		    (uint32_t)e[i].val >= n)
			n = (uint32_t)e[i].val + 1;
	return n;
}

static int read_enum(struct nt_drop_reasons *r, const struct btf *btf,
		     const struct btf_type *t)
{
	const struct btf_enum *e = btf_enum(t);
	size_t plen = strlen(REASON_PREFIX);
	const char *name;
	uint32_t v;

	r->n = reason_count(t);
	r->name = calloc(r->n ? r->n : 1, sizeof(*r->name));
	if (!r->name)
		return -ENOMEM;
	r->consumed = r->not_specified = UINT32_MAX;
	for (int i = 0; i < btf_vlen(t); i++) {
		name = btf__name_by_offset(btf, e[i].name_off);
		v = (uint32_t)e[i].val;
		if (!name)
			continue;
		if (!strcmp(name, "SKB_CONSUMED"))
			r->consumed = v;
		if (strncmp(name, REASON_PREFIX, plen) ||
		    !strcmp(name + plen, "MAX") ||
		    !strcmp(name + plen, "SUBSYS_MASK"))
			continue;
		if (!strcmp(name + plen, "NOT_SPECIFIED"))
			r->not_specified = v;
		if (set_name(r, v, name + plen))
			return -ENOMEM;
	}
	return 0;
}

int nt_drop_reasons_from_btf(struct nt_drop_reasons *r, const struct btf *btf,
			     struct nt_err *err)
{
	int id, ret;

	memset(r, 0, sizeof(*r));
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0)
		return nt_err_set(err, ENOENT, "drops: the kernel's BTF has no "
				  "enum skb_drop_reason (Linux 5.17 or later "
				  "needed)");
	ret = check_tracepoint(btf, err);
	if (ret)
		return ret;
	ret = read_enum(r, btf, btf__type_by_id(btf, id));
	if (ret) {
		nt_drop_reasons_free(r);
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	}
	if (r->consumed == UINT32_MAX) {
		nt_drop_reasons_free(r);
		return nt_err_set(err, ENOENT, "drops: the kernel's enum "
				  "skb_drop_reason has no SKB_CONSUMED");
	}
	return 0;
}

int nt_drop_reasons_load(struct nt_drop_reasons *r, struct nt_err *err)
{
	struct btf *btf;
	int ret;

	memset(r, 0, sizeof(*r));
	if (access(VMLINUX_BTF, R_OK))
		return nt_err_set(err, errno == EACCES ? EACCES : ENOENT,
				  "drops: the kernel has no BTF (%s: %s; "
				  "needs CONFIG_DEBUG_INFO_BTF)", VMLINUX_BTF,
				  strerror(errno));
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return nt_err_set(err, errno ? errno : EINVAL, "drops: cannot "
				  "read the kernel's BTF (%s): %s", VMLINUX_BTF,
				  strerror(errno));
	ret = nt_drop_reasons_from_btf(r, btf, err);
	btf__free(btf);
	return ret;
}

const char *nt_drop_reason_name(const struct nt_drop_reasons *r, uint32_t v)
{
	return v < r->n ? r->name[v] : NULL;
}

void nt_drop_reasons_free(struct nt_drop_reasons *r)
{
	for (uint32_t i = 0; i < r->n && r->name; i++)
		free(r->name[i]);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

/* ---- /proc/kallsyms ---- */

struct ksym_query {
	const uint64_t *addrs;
	size_t *idx;		/* indexes of addrs, by address */
	uint64_t *best;		/* [rank]: nearest symbol at or below */
	struct nt_ksym *out;
	size_t n;
};

static int by_addr(const void *a, const void *b, void *addrs)
{
	uint64_t x = ((const uint64_t *)addrs)[*(const size_t *)a];
	uint64_t y = ((const uint64_t *)addrs)[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/* Rank of the smallest wanted address >= @a, or q->n. */
static size_t first_at_or_above(const struct ksym_query *q, uint64_t a)
{
	size_t lo = 0, hi = q->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (q->addrs[q->idx[mid]] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* "ffffffff81234560 T name\t[module]": 0 and the fields, or -1. */
static int parse_line(char *line, uint64_t *addr, char **name)
{
	char *p, *end;

	*addr = strtoull(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ')
		return -1;
	if (!strchr("tTwW", p[1]))
		return -1;
	*name = p + 3;
	end = *name + strcspn(*name, " \t\n");
	*end = '\0';
	return **name ? 0 : -1;
}

static void note_symbol(struct ksym_query *q, uint64_t a, const char *name)
{
	size_t r = first_at_or_above(q, a);

	if (r == q->n || (q->best[r] && q->best[r] >= a))
		return;
	q->best[r] = a;
	snprintf(q->out[q->idx[r]].name, sizeof(q->out[0].name), "%s", name);
}

/* A symbol noted for one address also holds every higher address up to
 * the next noted symbol. */
static void spread(struct ksym_query *q)
{
	for (size_t r = 0; r < q->n; r++) {
		struct nt_ksym *o = &q->out[q->idx[r]];

		if (r && q->best[r - 1] > q->best[r]) {
			q->best[r] = q->best[r - 1];
			*o = q->out[q->idx[r - 1]];
		}
		o->offset = q->best[r] ? q->addrs[q->idx[r]] - q->best[r] : 0;
	}
}

static void scan(FILE *f, struct ksym_query *q, bool *restricted)
{
	size_t seen = 0, nonzero = 0;
	char line[512], *name;
	uint64_t a;

	while (fgets(line, sizeof(line), f)) {
		if (parse_line(line, &a, &name))
			continue;
		seen++;
		if (!a)
			continue;
		nonzero++;
		note_symbol(q, a, name);
	}
	*restricted = seen && !nonzero;
}

int nt_ksyms_resolve(const char *path, const uint64_t *addrs, size_t n,
		     struct nt_ksym *out, bool *restricted, struct nt_err *err)
{
	struct ksym_query q = { .addrs = addrs, .out = out, .n = n };
	FILE *f;

	*restricted = false;
	memset(out, 0, n * sizeof(*out));
	if (!n)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return nt_err_set(err, errno, "%s: %s", path, strerror(errno));
	q.idx = calloc(n, sizeof(*q.idx));
	q.best = calloc(n, sizeof(*q.best));
	if (!q.idx || !q.best) {
		fclose(f);
		free(q.idx);
		free(q.best);
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	for (size_t i = 0; i < n; i++)
		q.idx[i] = i;
	qsort_r(q.idx, n, sizeof(*q.idx), by_addr, (void *)addrs);
	scan(f, &q, restricted);
	fclose(f);
	spread(&q);
	free(q.idx);
	free(q.best);
	return 0;
}

/* ---- devices in their network namespace ---- */

static uint32_t path_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

uint32_t nt_netns_self(void)
{
	return path_ino("/proc/self/ns/net");
}

void nt_netns_names_init(struct nt_netns_names *c)
{
	memset(c, 0, sizeof(*c));
	c->self = nt_netns_self();
}

void nt_netns_names_free(struct nt_netns_names *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ns[i].sock >= 0)
			close(c->ns[i].sock);
	c->n = 0;
}

/* An open fd of the netns with inode @ino, from the first directory
 * entry (under @dir, then @suffix) that is it; -1 when none is. */
static int open_in_dir(const char *dir, const char *suffix, bool pids,
		       uint32_t ino)
{
	char path[PATH_MAX];
	struct dirent *de;
	int fd = -1;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (pids && (de->d_name[0] < '0' || de->d_name[0] > '9')))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix);
		if (path_ino(path) == ino)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

/* A datagram socket made inside netns @ino, or -1. */
static int socket_in(uint32_t ino)
{
	int self, target, sock = -1;

	target = open_in_dir("/run/netns", "", false, ino);
	if (target < 0)
		target = open_in_dir("/proc", "/ns/net", true, ino);
	if (target < 0)
		return -1;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self >= 0 && !setns(target, CLONE_NEWNET)) {
		sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (setns(self, CLONE_NEWNET)) {
			/* stranded in the other netns: name nothing more */
			if (sock >= 0)
				close(sock);
			sock = -1;
		}
	}
	if (self >= 0)
		close(self);
	close(target);
	return sock;
}

static int netns_sock(struct nt_netns_names *c, uint32_t ino)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ns[i].ino == ino)
			return c->ns[i].sock;
	if (c->n == NT_NETNS_CACHE)
		return -1;
	c->ns[c->n].ino = ino;
	c->ns[c->n].sock = socket_in(ino);
	return c->ns[c->n++].sock;
}

bool nt_netns_devname(struct nt_netns_names *c, uint32_t netns,
		      uint32_t ifindex, char *buf, size_t len)
{
	char name[IF_NAMESIZE];
	struct ifreq ifr;
	int sock;

	if (netns == c->self) {
		if (if_indextoname(ifindex, name)) {
			snprintf(buf, len, "%s", name);
			return true;
		}
	} else if (netns && (sock = netns_sock(c, netns)) >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_ifindex = (int)ifindex;
		if (!ioctl(sock, SIOCGIFNAME, &ifr)) {
			snprintf(buf, len, "%.*s", IF_NAMESIZE - 1, ifr.ifr_name);
			return true;
		}
	}
	snprintf(buf, len, "%u@%u", ifindex, netns);
	return false;
}
