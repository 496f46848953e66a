/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_DROPNAMES_H
#define NT_SYS_DROPNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct btf;

/*
 * Names for what the drop-reason aggregator counts, from the running
 * kernel: reasons from BTF, locations from /proc/kallsyms, devices from
 * the device's own network namespace.
 */

#define NT_DROP_REASON_MAX	4096	/* values kept by name, at most */

/* enum skb_drop_reason of one kernel, by value. */
struct nt_drop_reasons {
	char **name;		/* [value]: "NO_SOCKET", or NULL */
	uint32_t n;		/* values 0 .. n-1 */
	uint32_t consumed;	/* SKB_CONSUMED */
	uint32_t not_specified;	/* SKB_DROP_REASON_NOT_SPECIFIED */
};

/**
 * nt_drop_reasons_from_btf() - the reason names of @btf
 * @btf: kernel BTF (or a test's)
 *
 * Reads enum skb_drop_reason: SKB_DROP_REASON_NAME becomes "NAME",
 * SKB_NOT_DROPPED_YET, SKB_CONSUMED and the _MAX/_SUBSYS_MASK markers keep
 * no name (SKB_CONSUMED's value goes to @r->consumed).  Also checks that
 * the kfree_skb tracepoint passes a reason (btf_trace_kfree_skb).
 * Return: 0, -ENOENT with a message naming what the kernel lacks, -ENOMEM.
 */
int nt_drop_reasons_from_btf(struct nt_drop_reasons *r, const struct btf *btf,
			     struct nt_err *err);

/**
 * nt_drop_reasons_load() - the reason names of the running kernel
 *
 * From /sys/kernel/btf/vmlinux (libbpf's btf__load_vmlinux_btf).
 * Return: 0 or negative errno; -ENOENT when the kernel has no BTF.
 */
int nt_drop_reasons_load(struct nt_drop_reasons *r, struct nt_err *err);

/**
 * nt_drop_reason_name() - name of reason @v, or NULL when unknown
 */
const char *nt_drop_reason_name(const struct nt_drop_reasons *r, uint32_t v);

void nt_drop_reasons_free(struct nt_drop_reasons *r);

/* A kernel text address, symbolised. */
struct nt_ksym {
	char name[64];		/* "__udp4_lib_rcv", "" when not found */
	uint64_t offset;	/* from the start of the function */
};

/**
 * nt_ksyms_resolve() - the functions holding @addrs
 * @path: "/proc/kallsyms" (a test gives a fixture)
 * @addrs: @n addresses, any order
 * @out: @n results, same order
 * @restricted: out: true when @path shows every address as 0 (kptr_restrict
 *	and no CAP_SYSLOG): then nothing is resolved
 *
 * One pass over @path: for each text symbol (t, T, w, W) the smallest
 * wanted address at or above it is noted, then each address takes the
 * nearest symbol below it.  Module symbols keep their name, without the
 * [module].
 * Return: 0 or negative errno.
 */
int nt_ksyms_resolve(const char *path, const uint64_t *addrs, size_t n,
		     struct nt_ksym *out, bool *restricted, struct nt_err *err);

/*
 * Device names in other network namespaces: each namespace found by its
 * inode under /run/netns and /proc/PID/ns/net, asked once through a
 * socket created inside it.
 */
#define NT_NETNS_CACHE	64

struct nt_netns_names {
	uint32_t self;			/* inode of our own netns */
	size_t n;
	struct {
		uint32_t ino;
		int sock;		/* -1: not found */
	} ns[NT_NETNS_CACHE];
};

/** nt_netns_self() - the inode of the calling process's netns, 0 on error */
uint32_t nt_netns_self(void);

/** nt_netns_names_init() - an empty cache for the calling process */
void nt_netns_names_init(struct nt_netns_names *c);

/** nt_netns_names_free() - close its sockets */
void nt_netns_names_free(struct nt_netns_names *c);

/**
 * nt_netns_devname() - name of device @ifindex of netns @netns
 * @buf: out: the name, or "IFINDEX@NETNS" when it cannot be found (the
 *	device or its netns is gone, or the netns has no path we can open)
 *
 * Return: true when @buf holds the real name.
 */
bool nt_netns_devname(struct nt_netns_names *c, uint32_t netns,
		      uint32_t ifindex, char *buf, size_t len);

#endif
