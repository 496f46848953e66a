// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the running kernel has: qdisc kinds and congestion control
 * algorithms, built in or loadable, from the files that say so (the
 * module tree, the kernel configuration, /sys/module).  A kind that is
 * not proven here is one the planner does not name: the kernel would
 * refuse it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "sys/kmod.h"
#include "util/array.h"

#define PATH_LEN	512
#define LINE_LEN	512

/* In every kernel: sch_generic.c and sch_mq.c are always built in. */
static const char *const always_qdiscs = "pfifo_fast mq noqueue noop";

/* A space-separated list of names without repeats. */
struct names {
	char *buf;
	size_t len, cap;
	bool oom;
};

static bool names_has(const struct names *n, const char *name, size_t len)
{
	const char *p = n->buf;

	if (!p)
		return false;
	while (*p) {
		size_t w = strcspn(p, " ");

		if (w == len && !strncmp(p, name, len))
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

static void names_add(struct names *n, const char *name, size_t len)
{
	char *bigger;

	if (!len || n->oom || names_has(n, name, len))
		return;
	if (n->len + len + 2 > n->cap) {
		size_t cap = (n->cap ? n->cap * 2 : 128) + len;

		bigger = realloc(n->buf, cap);
		if (!bigger) {
			n->oom = true;
			return;
		}
		n->buf = bigger;
		n->cap = cap;
	}
	if (n->len)
		n->buf[n->len++] = ' ';
	memcpy(n->buf + n->len, name, len);
	n->len += len;
	n->buf[n->len] = '\0';
}

/* Several names in one string ("pfifo bfifo"). */
static void names_add_all(struct names *n, const char *list)
{
	while (*(list += strspn(list, " "))) {
		size_t w = strcspn(list, " ");

		names_add(n, list, w);
		list += w;
	}
}

struct found {
	struct names qdiscs, congestion;
	bool modules;		/* modules.dep read */
	bool any;		/* a file listing what is built in was read */
};

/*
 * Module and configuration names that are not the kind they register:
 * sch_fifo has three, sch_ingress two.
 */
static const struct {
	const char *module, *kinds;
} qdisc_modules[] = {
	{ "fifo", "pfifo bfifo pfifo_head_drop" },
	{ "ingress", "ingress clsact" },
	{ "default", "" },		/* CONFIG_NET_SCH_DEFAULT */
};

/* @name (@len bytes, a module or CONFIG_ suffix) in lower case; false if long */
static bool lower_name(const char *name, size_t len, char lower[64])
{
	if (len >= 64)
		return false;
	for (size_t i = 0; i < len; i++)
		lower[i] = tolower((unsigned char)name[i]);
	lower[len] = '\0';
	return true;
}

static void add_qdisc_module(struct found *f, const char *name, size_t len)
{
	char lower[64];

	if (!lower_name(name, len, lower))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(qdisc_modules); i++) {
		if (!strcmp(lower, qdisc_modules[i].module)) {
			names_add_all(&f->qdiscs, qdisc_modules[i].kinds);
			return;
		}
	}
	names_add(&f->qdiscs, lower, len);
}

/* tcp_diag and tcp_probe live next to the algorithms and are none. */
static void add_cc_module(struct found *f, const char *name, size_t len)
{
	char lower[64];

	if (!lower_name(name, len, lower))
		return;
	if (!strcmp(lower, "diag") || !strcmp(lower, "probe") ||
	    !strcmp(lower, "advanced"))
		return;
	if (!strcmp(lower, "hstcp"))	/* CONFIG_TCP_CONG_HSTCP */
		names_add(&f->congestion, "highspeed", 9);
	else
		names_add(&f->congestion, lower, len);
}

/* "kernel/net/sched/sch_fq.ko.zst" (up to @len): the kind it brings. */
static void add_module_path(struct found *f, const char *path, size_t len)
{
	const char *base = path, *ko;
	size_t blen;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	blen = len - (base - path);
	ko = memmem(base, blen, ".ko", 3);
	if (!ko)
		return;
	blen = ko - base;
	if (blen > 4 && !strncmp(base, "sch_", 4) &&
	    memmem(path, base - path, "net/sched/", 10))
		add_qdisc_module(f, base + 4, blen - 4);
	else if (blen > 4 && !strncmp(base, "tcp_", 4) &&
		 memmem(path, base - path, "net/ipv4/", 9))
		add_cc_module(f, base + 4, blen - 4);
}

/* modules.builtin: one path a line; modules.dep: "path: deps". */
static int read_module_list(const struct nt_root *root, const char *path,
			    struct found *f)
{
	char *text, *line, *save = NULL;
	int ret = nt_root_read_file(root, path, &text, NULL);

	if (ret)
		return ret;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		add_module_path(f, line, strcspn(line, ":"));
	free(text);
	return 0;
}

static void read_modules(const struct nt_root *root, const char *release,
			 struct found *f)
{
	char path[PATH_LEN];

	if (!release[0] || strchr(release, '/'))
		return;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin",
		 release);
	if (!read_module_list(root, path, f))
		f->any = true;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	if (!read_module_list(root, path, f))
		f->any = f->modules = true;
}

/* "CONFIG_NET_SCH_TBF=y": built in; "=m" counts only with the modules. */
static void config_line(struct found *f, const char *line)
{
	static const char sch[] = "CONFIG_NET_SCH_", tcp[] = "CONFIG_TCP_CONG_";
	const char *eq = strchr(line, '=');
	bool qdisc = !strncmp(line, sch, sizeof(sch) - 1);
	bool cc = !strncmp(line, tcp, sizeof(tcp) - 1);
	const char *name;

	if (!eq || (!qdisc && !cc))
		return;
	if (eq[1] != 'y' && !(eq[1] == 'm' && f->modules))
		return;
	name = line + (qdisc ? sizeof(sch) : sizeof(tcp)) - 1;
	if (qdisc)
		add_qdisc_module(f, name, eq - name);
	else
		add_cc_module(f, name, eq - name);
}

/* /proc/config.gz (CONFIG_IKCONFIG_PROC) or the distribution's copy. */
static void read_config(const struct nt_root *root, const char *release,
			struct found *f)
{
	char path[PATH_LEN], line[LINE_LEN];
	int fd = nt_root_openat(root, "/proc/config.gz", O_RDONLY | O_CLOEXEC);
	gzFile gz;

	if (fd < 0 && release[0] && !strchr(release, '/')) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		fd = nt_root_openat(root, path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return;
	/* gzread() passes a file that is not compressed through as it is. */
	gz = gzdopen(fd, "r");
	if (!gz) {
		close(fd);
		return;
	}
	while (gzgets(gz, line, sizeof(line)))
		config_line(f, line);
	f->any = true;
	gzclose(gz);
}

/* Built in with parameters, or a loaded module. */
static void read_sys_module(const struct nt_root *root, struct found *f)
{
	DIR *dir = nt_root_opendir(root, "/sys/module");
	struct dirent *d;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name);

		if (len > 4 && !strncmp(d->d_name, "sch_", 4))
			add_qdisc_module(f, d->d_name + 4, len - 4);
		else if (len > 4 && !strncmp(d->d_name, "tcp_", 4))
			add_cc_module(f, d->d_name + 4, len - 4);
	}
	closedir(dir);
}

/**
 * nt_kmod_read() - the qdisc kinds and congestion control algorithms the
 * running kernel has
 * @root: the host, or a captured tree
 * @release: the kernel release whose module tree counts
 * @has: out
 * @err: error message
 *
 * See kmod.h for the sources.  Return: 0 or -ENOMEM.
 */
int nt_kmod_read(const struct nt_root *root, const char *release,
		 struct nt_kernel_has *has, struct nt_err *err)
{
	struct found f = { 0 };

	memset(has, 0, sizeof(*has));
	names_add_all(&f.qdiscs, always_qdiscs);
	/* the module tree first: "=m" in the configuration needs it */
	read_modules(root, release, &f);
	read_config(root, release, &f);
	read_sys_module(root, &f);
	if (f.qdiscs.oom || f.congestion.oom) {
		free(f.qdiscs.buf);
		free(f.congestion.buf);
		return nt_err_set(err, ENOMEM, "kernel modules: out of memory");
	}
	if (!root->live && !f.any) {
		free(f.qdiscs.buf);
		free(f.congestion.buf);
		return 0;
	}
	has->state = NT_STATE_OK;
	has->qdiscs = f.qdiscs.buf;
	has->congestion = f.congestion.buf ? f.congestion.buf : strdup("");
	has->modules = f.modules;
	if (!has->congestion) {
		free(has->qdiscs);
		memset(has, 0, sizeof(*has));
		return nt_err_set(err, ENOMEM, "kernel modules: out of memory");
	}
	return 0;
}
