// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Load, attach and read the drop-reason aggregator.  The BPF object is
 * compiled at build time and embedded as a skeleton (dropmon.skel.h in the
 * build directory), so the binary stays one file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dropmon.skel.h"
#include "sys/dropmon.h"

struct nt_dropmon {
	struct dropmon_bpf *skel;
	unsigned int ncpu;
	uint64_t *values;	/* one slot: ncpu values */
	struct nt_drop_slots *slots;	/* ncpu of them */
	uint64_t missed0;	/* recursion misses at attach */
};

/* libbpf writes its diagnostics to stderr by default: nettune prints one
 * line per error itself, so they are dropped. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Lockdown "confidentiality" (the one in brackets) forbids BPF reading
 * kernel memory; "integrity" does not. */
static bool locked_down(char *mode, size_t len)
{
	char buf[128], *lb, *rb;
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	bool ret = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		lb = strchr(buf, '[');
		rb = lb ? strchr(lb, ']') : NULL;
		if (rb && !strncmp(lb + 1, "confidentiality]", 16)) {
			*rb = '\0';
			snprintf(mode, len, "%s", lb + 1);
			ret = true;
		}
	}
	fclose(f);
	return ret;
}

static int load_error(int ret, struct nt_err *err)
{
	char mode[32];

	if (locked_down(mode, sizeof(mode)))
		return nt_err_set(err, -ret, "drops: kernel lockdown (%s) "
				  "forbids BPF tracing: %s", mode,
				  strerror(-ret));
	if (ret == -EPERM || ret == -EACCES)
		return nt_err_set(err, -ret, "drops: loading the BPF drop "
				  "counter needs CAP_BPF and CAP_PERFMON (or "
				  "root): %s", strerror(-ret));
	if (ret == -ENOENT || ret == -ESRCH)
		return nt_err_set(err, -ret, "drops: the kernel has no BTF "
				  "tracepoint skb:kfree_skb to attach to "
				  "(Linux 5.17 or later with "
				  "CONFIG_DEBUG_INFO_BTF): %s", strerror(-ret));
	return nt_err_set(err, -ret, "drops: cannot load the BPF drop "
			  "counter: %s", strerror(-ret));
}

static uint64_t prog_missed(const struct nt_dropmon *mon)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(mon->skel->progs.nt_kfree_skb);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.recursion_misses;
}

static int load(struct nt_dropmon *mon, const struct nt_dropmon_opts *opts,
		struct nt_err *err)
{
	int ret;

	mon->skel = dropmon_bpf__open();
	if (!mon->skel)
		return load_error(-errno, err);
	mon->skel->rodata->nt_consumed = opts->consumed;
	mon->skel->rodata->nt_netns_only = opts->netns_only;
	mon->skel->rodata->nt_use_slots = !opts->no_slots;
	if (opts->max_keys) {
		ret = bpf_map__set_max_entries(mon->skel->maps.nt_drops,
					       opts->max_keys);
		if (ret)
			return load_error(ret, err);
	}
	ret = dropmon_bpf__load(mon->skel);
	if (ret)
		return load_error(ret, err);
	ret = dropmon_bpf__attach(mon->skel);
	if (ret)
		return load_error(ret, err);
	mon->missed0 = prog_missed(mon);
	return 0;
}

int nt_dropmon_open(struct nt_dropmon **out, const struct nt_dropmon_opts *opts,
		    struct nt_err *err)
{
	struct nt_dropmon *mon;
	int ncpu, ret;

	libbpf_set_print(quiet);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return nt_err_set(err, ncpu ? -ncpu : EINVAL, "drops: cannot "
				  "count the possible CPUs");
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	mon->ncpu = ncpu;
	mon->values = calloc(ncpu, sizeof(*mon->values));
	mon->slots = calloc(ncpu, sizeof(*mon->slots));
	if (!mon->values || !mon->slots) {
		nt_dropmon_close(mon);
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	}
	ret = load(mon, opts, err);
	if (ret) {
		nt_dropmon_close(mon);
		return ret;
	}
	*out = mon;
	return 0;
}

uint64_t nt_drop_percpu_sum(const uint64_t *v, unsigned int ncpu)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

int nt_drop_samples_add(struct nt_drop_samples *s,
			const struct nt_drop_key *key, uint64_t count)
{
	struct nt_drop_sample *v;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : 64;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].key = *key;
	s->v[s->n].count = count;
	s->n++;
	return 0;
}

static int read_overflow(struct nt_dropmon *mon, uint64_t *out)
{
	int fd = bpf_map__fd(mon->skel->maps.nt_overflow);
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, mon->values))
		return -errno;
	*out = nt_drop_percpu_sum(mon->values, mon->ncpu);
	return 0;
}

/* The keys counted in each CPU's slots. */
static int read_slots(struct nt_dropmon *mon, struct nt_drop_samples *out)
{
	int fd = bpf_map__fd(mon->skel->maps.nt_slots);
	const struct nt_drop_slot *s;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, mon->slots))
		return -errno;
	for (unsigned int cpu = 0; cpu < mon->ncpu; cpu++)
		for (int i = 0; i < NT_DROP_SLOTS; i++) {
			s = &mon->slots[cpu].s[i];
			if (s->count &&
			    nt_drop_samples_add(out, &s->key, s->count))
				return -ENOMEM;
		}
	return 0;
}

int nt_dropmon_read(struct nt_dropmon *mon, struct nt_drop_samples *out,
		    struct nt_err *err)
{
	int fd = bpf_map__fd(mon->skel->maps.nt_drops);
	struct nt_drop_key key, next;
	void *prev = NULL;
	int ret;

	out->n = 0;
	ret = read_slots(mon, out);
	if (ret)
		return nt_err_set(err, -ret, "drops: cannot read the BPF "
				  "counters: %s", strerror(-ret));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* ENOENT: the key went away between the two calls */
		if (bpf_map_lookup_elem(fd, &key, mon->values))
			continue;
		if (nt_drop_samples_add(out, &key,
					nt_drop_percpu_sum(mon->values,
							   mon->ncpu)))
			return nt_err_set(err, ENOMEM, "drops: out of memory");
	}
	ret = read_overflow(mon, &out->overflow);
	if (ret)
		return nt_err_set(err, -ret, "drops: cannot read the overflow "
				  "counter: %s", strerror(-ret));
	out->missed = prog_missed(mon) - mon->missed0;
	return 0;
}

void nt_dropmon_detach(struct nt_dropmon *mon)
{
	if (mon && mon->skel)
		dropmon_bpf__detach(mon->skel);
}

void nt_dropmon_close(struct nt_dropmon *mon)
{
	if (!mon)
		return;
	dropmon_bpf__destroy(mon->skel);
	free(mon->values);
	free(mon->slots);
	free(mon);
}

void nt_drop_samples_free(struct nt_drop_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
