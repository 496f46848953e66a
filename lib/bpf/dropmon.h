/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_BPF_DROPMON_H
#define NT_BPF_DROPMON_H

/*
 * What the drop-reason aggregator (dropmon.bpf.c) and its loader
 * (lib/sys/dropmon.c) share: the key of the counting map and its size.
 * Plain fixed-width fields, no holes, so both sides agree on the layout.
 */

/* Distinct keys the map holds; a drop with a new key when it is full is
 * counted in the overflow counter instead.  Memory: keys x CPUs x 8 bytes
 * of values plus keys x key size, preallocated at load. */
#define NT_DROP_MAX_KEYS	4096

struct nt_drop_key {
	__u32 reason;		/* enum skb_drop_reason of the running kernel */
	__u32 ifindex;		/* skb->dev, 0 when the skb had no device */
	__u64 location;		/* kernel text address that freed the skb */
	__u32 netns;		/* inode of the device's (or socket's) netns */
	__u16 proto;		/* skb->protocol, network byte order */
	__u16 pad;
};

/*
 * Before the hash map, each CPU has NT_DROP_SLOTS slots, direct-mapped by a
 * cheap hash of the key: the first key to hash to a slot owns it for good
 * and is counted there (no hash table walk for the few keys of a flood);
 * a key whose slot another key owns goes to the hash map.  A key's count
 * is the sum of its slots on every CPU and its entry in the map; a slot's
 * key never changes once its count is not 0, so counts only grow.
 */
#define NT_DROP_SLOTS		64	/* a power of 2 */

struct nt_drop_slot {
	struct nt_drop_key key;
	__u64 count;		/* 0: free */
};

struct nt_drop_slots {
	struct nt_drop_slot s[NT_DROP_SLOTS];
};

#endif
