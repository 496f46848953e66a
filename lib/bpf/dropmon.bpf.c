// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drop-reason aggregator: counts every skb the kernel frees as dropped
 * (tracepoint skb:kfree_skb, BTF-typed) by reason, location, device,
 * network namespace and L3 protocol, in bounded per-CPU memory: a few
 * direct-mapped slots per CPU, then a per-CPU hash map (see bpf/dropmon.h).
 * User space reads both; no per-packet event leaves the kernel.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/core.h"
#include "bpf/dropmon.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader from the running kernel's BTF before load. */
const volatile __u32 nt_consumed = 1;		/* SKB_CONSUMED: not a drop */
const volatile __u32 nt_netns_only;		/* netns inode; 0: every one */
const volatile __u32 nt_use_slots = 1;		/* 0: the hash map only */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, NT_DROP_MAX_KEYS);
	__type(key, struct nt_drop_key);
	__type(value, __u64);
} nt_drops SEC(".maps");

/* Drops whose key found the map full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} nt_overflow SEC(".maps");

/*
 * Plain loads: in a tp_btf program the arguments are typed kernel pointers
 * the verifier lets it walk (faulting loads read 0), and the structs of
 * core.h make each field a CO-RE relocation.  No helper call per field.
 */
static __always_inline __u32 skb_netns(struct sk_buff *skb,
				       struct net_device *dev)
{
	struct sock *sk;

	if (dev)
		return dev->nd_net.net->ns.inum;
	sk = skb->sk;
	if (sk)
		return sk->__sk_common.skc_net.net->ns.inum;
	return 0;
}

/* This CPU's slots. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nt_drop_slots);
} nt_slots SEC(".maps");

static __always_inline void count_overflow(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&nt_overflow, &zero);

	if (n)
		*n += 1;
}

/*
 * One CPU's value of a key: a per-CPU map needs no atomics, and the
 * kernel does not run this program nested on one CPU.
 */
static __always_inline void count(const struct nt_drop_key *key)
{
	__u64 one = 1, *n;
	long ret;

	n = bpf_map_lookup_elem(&nt_drops, key);
	if (n) {
		*n += 1;
		return;
	}
	ret = bpf_map_update_elem(&nt_drops, key, &one, BPF_NOEXIST);
	if (!ret)
		return;
	/* another CPU added the key between the lookup and the update */
	n = bpf_map_lookup_elem(&nt_drops, key);
	if (n)
		*n += 1;
	else
		count_overflow();
}

static __always_inline int key_eq(const struct nt_drop_key *a,
				  const struct nt_drop_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
}

/* A multiplicative hash of the fields that vary most between keys. */
static __always_inline __u32 slot_of(const struct nt_drop_key *k)
{
	__u64 h = k->location ^ ((__u64)k->reason << 32) ^
		  ((__u64)k->ifindex << 20) ^ k->netns;

	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ull;
	return (__u32)(h >> 58) & (NT_DROP_SLOTS - 1);
}

/* Count @key in this CPU's slot for it; 0 when another key owns the slot. */
static __always_inline int count_in_slot(const struct nt_drop_key *key)
{
	struct nt_drop_slots *slots;
	struct nt_drop_slot *s;
	__u32 zero = 0;

	slots = bpf_map_lookup_elem(&nt_slots, &zero);
	if (!slots)
		return 0;
	s = &slots->s[slot_of(key)];
	if (!s->count) {
		s->key = *key;
		s->count = 1;
		return 1;
	}
	if (!key_eq(&s->key, key))
		return 0;
	s->count += 1;
	return 1;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(nt_kfree_skb, struct sk_buff *skb, void *location,
	     unsigned int reason)
{
	struct nt_drop_key key = {};
	struct net_device *dev;

	if (reason == nt_consumed)
		return 0;
	dev = skb->dev;
	key.netns = skb_netns(skb, dev);
	if (nt_netns_only && key.netns != nt_netns_only)
		return 0;
	key.reason = reason;
	key.location = (__u64)location;
	key.ifindex = dev ? dev->ifindex : 0;
	key.proto = skb->protocol;
	if (!nt_use_slots || !count_in_slot(&key))
		count(&key);
	return 0;
}
