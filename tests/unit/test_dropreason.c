// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observed drop reasons without the kernel: reason names from BTF built
 * here (the shape of enum skb_drop_reason and of the kfree_skb
 * tracepoint), locations from kallsyms fixtures, the aggregator's map as
 * bpftool dumped it on the test machine ($NT_FIXTURES/drops), the table
 * of reasons nettune can act on, and the JSON of `nettune drops`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <json-c/json.h>

#include "audit/reasons.h"
#include "collect_drops.h"
#include "model/drops.h"
#include "output/drops.h"
#include "sys/dropmon.h"
#include "sys/dropnames.h"
#include "testlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The map fixture's namespace (tests/fixtures/drops/README). */
#define FIXTURE_NETNS	4026532716u

static const char *fixture_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("NT_FIXTURES");

	snprintf(buf, len, "%s/drops/%s", dir ? dir : "tests/fixtures", name);
	return buf;
}

/* BTF with the shapes the names come from ------------------------------ */

struct enumval {
	const char *name;
	int64_t val;
};

static const struct enumval reasons_6_18[] = {
	{ "SKB_NOT_DROPPED_YET", 0 },
	{ "SKB_CONSUMED", 1 },
	{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
	{ "SKB_DROP_REASON_NO_SOCKET", 3 },
	{ "SKB_DROP_REASON_SOCKET_RCVBUFF", 6 },
	{ "SKB_DROP_REASON_IP_RPFILTER", 16 },
	{ "SKB_DROP_REASON_MAX", 130 },
	{ "SKB_DROP_REASON_SUBSYS_MASK", 0xffff0000 },
};

/*
 * enum skb_drop_reason from @v, and typedef btf_trace_kfree_skb as a
 * pointer to void (void *, struct sk_buff *, void *, REASON, ...) with
 * @nargs parameters (4 or more: with the reason; 3: before Linux 5.17).
 */
static struct btf *make_btf(const struct enumval *v, size_t n, int nargs)
{
	struct btf *btf = btf__new_empty();
	int e, skb, pskb, pvoid, proto, pproto;

	assert_non_null(btf);
	e = btf__add_enum(btf, "skb_drop_reason", 4);
	assert_true(e > 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(btf__add_enum_value(btf, v[i].name,
						     v[i].val), 0);
	skb = btf__add_struct(btf, "sk_buff", 0);
	pskb = btf__add_ptr(btf, skb);
	pvoid = btf__add_ptr(btf, 0);
	proto = btf__add_func_proto(btf, 0);
	assert_true(proto > 0);
	assert_int_equal(btf__add_func_param(btf, "", pvoid), 0);
	assert_int_equal(btf__add_func_param(btf, "", pskb), 0);
	assert_int_equal(btf__add_func_param(btf, "", pvoid), 0);
	if (nargs >= 4)
		assert_int_equal(btf__add_func_param(btf, "", e), 0);
	for (int i = 4; i < nargs; i++)
		assert_int_equal(btf__add_func_param(btf, "", pvoid), 0);
	pproto = btf__add_ptr(btf, proto);
	assert_true(btf__add_typedef(btf, "btf_trace_kfree_skb", pproto) > 0);
	return btf;
}

static void fixture_reasons(struct nt_drop_reasons *r)
{
	struct btf *btf = make_btf(reasons_6_18, ARRAY_SIZE(reasons_6_18), 5);
	struct nt_err err = { 0 };

	assert_int_equal(nt_drop_reasons_from_btf(r, btf, &err), 0);
	btf__free(btf);
}

static void test_reason_names(void **state)
{
	struct nt_drop_reasons r;

	(void)state;
	fixture_reasons(&r);
	assert_string_equal(nt_drop_reason_name(&r, 3), "NO_SOCKET");
	assert_string_equal(nt_drop_reason_name(&r, 6), "SOCKET_RCVBUFF");
	assert_string_equal(nt_drop_reason_name(&r, 16), "IP_RPFILTER");
	assert_string_equal(nt_drop_reason_name(&r, 2), "NOT_SPECIFIED");
	assert_int_equal(r.consumed, 1);
	assert_int_equal(r.not_specified, 2);
	/* not drops, markers, gaps, subsystem reasons: no name */
	assert_null(nt_drop_reason_name(&r, 0));
	assert_null(nt_drop_reason_name(&r, 1));
	assert_null(nt_drop_reason_name(&r, 130));
	assert_null(nt_drop_reason_name(&r, 5));
	assert_null(nt_drop_reason_name(&r, 0x10002));
	nt_drop_reasons_free(&r);
}

static void test_reason_names_old_kernel(void **state)
{
	struct nt_drop_reasons r;
	struct nt_err err = { 0 };
	struct btf *btf;

	(void)state;
	/* kfree_skb(skb, location) of Linux 5.16: no reason argument */
	btf = make_btf(reasons_6_18, ARRAY_SIZE(reasons_6_18), 3);
	assert_int_equal(nt_drop_reasons_from_btf(&r, btf, &err), -ENOENT);
	assert_string_equal(err.msg, "drops: the kernel's kfree_skb tracepoint "
			    "carries no drop reason (Linux 5.17 or later "
			    "needed)");
	btf__free(btf);

	/* no enum at all */
	btf = btf__new_empty();
	assert_non_null(btf);
	nt_err_clear(&err);
	assert_int_equal(nt_drop_reasons_from_btf(&r, btf, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no enum skb_drop_reason"));
	btf__free(btf);
}

/* The host's own kernel, when it has BTF: the rows of the reason table
 * must be real reasons, or they would never match. */
static void test_reason_table_names_are_real(void **state)
{
	struct nt_drop_reasons r;
	struct nt_err err = { 0 };
	bool found;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	assert_int_equal(nt_drop_reasons_load(&r, &err), 0);
	for (size_t i = 0; i < nt_n_reason_checks; i++) {
		found = false;
		for (uint32_t v = 0; v < r.n && !found; v++)
			found = r.name[v] &&
				!strcmp(r.name[v], nt_reason_checks[i].reason);
		if (!found)
			fail_msg("%s: not a reason of this kernel",
				 nt_reason_checks[i].reason);
	}
	nt_drop_reasons_free(&r);
}

/* kallsyms --------------------------------------------------------------- */

static void test_ksyms(void **state)
{
	const uint64_t addrs[] = {
		0xffffffff8214a077ull,	/* __udp4_lib_rcv+0x4b7 */
		0xffffffff82148a39ull,	/* past a data symbol: still _one_skb */
		0xffffffff820f4930ull,	/* ip_rcv_finish_core+0x260 */
		0x1000,			/* below every symbol */
		0xffffffff8214a077ull,	/* twice */
		0xffffffff82056ee0ull,	/* a symbol's first byte */
		0xffffffffc0a01410ull,	/* in a module */
	};
	struct nt_ksym out[ARRAY_SIZE(addrs)];
	struct nt_err err = { 0 };
	bool restricted;
	char path[4096];

	(void)state;
	fixture_path("kallsyms", path, sizeof(path));
	assert_int_equal(nt_ksyms_resolve(path, addrs, ARRAY_SIZE(addrs), out,
					  &restricted, &err), 0);
	assert_false(restricted);
	assert_string_equal(out[0].name, "__udp4_lib_rcv");
	assert_int_equal(out[0].offset, 1207);
	assert_string_equal(out[1].name, "udp_queue_rcv_one_skb");
	assert_int_equal(out[1].offset, 1081);
	assert_string_equal(out[2].name, "ip_rcv_finish_core");
	assert_int_equal(out[2].offset, 608);
	assert_string_equal(out[3].name, "");
	assert_string_equal(out[4].name, "__udp4_lib_rcv");
	assert_int_equal(out[4].offset, 1207);
	assert_string_equal(out[5].name, "nft_do_chain");
	assert_int_equal(out[5].offset, 0);
	assert_string_equal(out[6].name, "veth_poll");
	assert_int_equal(out[6].offset, 0x10);
}

static void test_ksyms_restricted(void **state)
{
	const uint64_t addrs[] = { 0xffffffff8214a077ull };
	struct nt_ksym out[1];
	struct nt_err err = { 0 };
	bool restricted;
	char path[4096];

	(void)state;
	fixture_path("kallsyms-restricted", path, sizeof(path));
	assert_int_equal(nt_ksyms_resolve(path, addrs, 1, out, &restricted,
					  &err), 0);
	assert_true(restricted);
	assert_string_equal(out[0].name, "");

	nt_err_clear(&err);
	fixture_path("no-such-kallsyms", path, sizeof(path));
	assert_int_equal(nt_ksyms_resolve(path, addrs, 1, out, &restricted,
					  &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no-such-kallsyms"));
}

/* The map, as bpftool dumped it ------------------------------------------ */

static uint64_t member_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return (uint64_t)json_object_get_uint64(v);
}

/* "0x06" ... as bytes: the map's raw key or value, as the kernel has it. */
static void raw_bytes(struct json_object *arr, void *out, size_t len)
{
	unsigned char *p = out;

	assert_int_equal(json_object_array_length(arr), len);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)strtoul(json_object_get_string(
			json_object_array_get_idx(arr, i)), NULL, 16);
}

/*
 * One entry: the raw key bytes are struct nt_drop_key as the BPF program
 * wrote it (so this also checks that both sides agree on its layout, with
 * the "formatted" fields bpftool read from the BTF), then one u64 per CPU.
 */
static void add_entry(struct nt_drop_samples *s, struct json_object *entry)
{
	struct json_object *raw, *fmt, *k, *vals, *one, *bytes;
	struct nt_drop_key key;
	uint64_t v[64];
	size_t n;

	assert_true(json_object_object_get_ex(entry, "key", &raw));
	raw_bytes(raw, &key, sizeof(key));
	assert_true(json_object_object_get_ex(entry, "formatted", &fmt));
	assert_true(json_object_object_get_ex(fmt, "key", &k));
	assert_int_equal(key.reason, member_u64(k, "reason"));
	assert_int_equal(key.ifindex, member_u64(k, "ifindex"));
	assert_int_equal(key.netns, member_u64(k, "netns"));
	assert_int_equal(key.proto, member_u64(k, "proto"));
	assert_true(json_object_object_get_ex(entry, "values", &vals));
	n = json_object_array_length(vals);
	assert_true(n <= ARRAY_SIZE(v));
	for (size_t i = 0; i < n; i++) {
		one = json_object_array_get_idx(vals, i);
		assert_true(json_object_object_get_ex(one, "value", &bytes));
		raw_bytes(bytes, &v[member_u64(one, "cpu")], sizeof(v[0]));
	}
	assert_int_equal(nt_drop_samples_add(s, &key,
					     nt_drop_percpu_sum(v, n)), 0);
}

static void load_map(struct nt_drop_samples *s)
{
	char *text = fixture_text("../drops/map.json");
	struct json_object *doc = json_tokener_parse(text);

	assert_non_null(doc);
	assert_true(json_object_is_type(doc, json_type_array));
	for (size_t i = 0; i < json_object_array_length(doc); i++)
		add_entry(s, json_object_array_get_idx(doc, i));
	json_object_put(doc);
	free(text);
}

/* The fixture's rows, named and sorted, over @seconds. */
static void map_table(struct nt_drop_table *t, double seconds)
{
	struct nt_drop_samples s = { 0 };
	struct nt_drop_reasons r;
	struct nt_err err = { 0 };
	char path[4096];

	load_map(&s);
	fixture_reasons(&r);
	t->netns = FIXTURE_NETNS;
	t->seconds = seconds;
	assert_int_equal(nt_drop_table_build(t, &s, NULL, 0, &err), 0);
	fixture_path("kallsyms", path, sizeof(path));
	assert_int_equal(nt_drop_table_name(t, &r, path, NULL, &err), 0);
	nt_drop_table_sort(t);
	nt_drop_reasons_free(&r);
	nt_drop_samples_free(&s);
}

static void test_map_fixture(void **state)
{
	struct nt_drop_table t = { 0 };

	(void)state;
	map_table(&t, 6.0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.v[0].reason_name, "NO_SOCKET");
	assert_int_equal(t.v[0].count, 300);
	assert_string_equal(t.v[0].location_name, "__udp4_lib_rcv");
	assert_int_equal(t.v[0].location_offset, 1207);
	assert_string_equal(t.v[0].device, "2@4026532716");
	assert_int_equal(t.v[0].proto, 0x0800);
	assert_string_equal(t.v[1].reason_name, "IP_RPFILTER");
	assert_int_equal(t.v[1].count, 120);
	assert_string_equal(t.v[1].location_name, "ip_rcv_finish_core");
	assert_string_equal(t.v[2].reason_name, "SOCKET_RCVBUFF");
	assert_int_equal(t.v[2].count, 49);
	assert_int_equal(t.v[2].ifindex, 1);
	assert_int_equal(nt_drop_table_total(&t), 469);
	/* -i: one device */
	{
		struct nt_drop_samples s = { 0 };
		struct nt_err err = { 0 };

		load_map(&s);
		assert_int_equal(nt_drop_table_build(&t, &s, NULL, 1, &err), 0);
		assert_int_equal(t.n, 1);
		assert_int_equal(t.v[0].count, 49);
		nt_drop_samples_free(&s);
	}
	nt_drop_table_free(&t);
}

static void test_percpu_sum(void **state)
{
	const uint64_t v[] = { 5, 0, 7, UINT64_C(1) << 40 };

	(void)state;
	assert_int_equal(nt_drop_percpu_sum(v, 4), 12 + (UINT64_C(1) << 40));
	assert_int_equal(nt_drop_percpu_sum(v, 0), 0);
}

/* Aggregation on made-up samples ----------------------------------------- */

static struct nt_drop_key key(uint32_t reason, uint64_t loc, uint32_t ifindex)
{
	struct nt_drop_key k = {
		.reason = reason, .location = loc, .ifindex = ifindex,
		.netns = 7, .proto = 0x0008,	/* ETH_P_IP, network order */
	};

	return k;
}

static void add(struct nt_drop_samples *s, struct nt_drop_key k, uint64_t n)
{
	assert_int_equal(nt_drop_samples_add(s, &k, n), 0);
}

static void test_delta_and_order(void **state)
{
	struct nt_drop_samples prev = { 0 }, cur = { 0 };
	struct nt_drop_table t = { .netns = 7, .seconds = 2 };
	struct nt_drop_reasons r;
	struct nt_err err = { 0 };

	(void)state;
	fixture_reasons(&r);
	add(&prev, key(3, 0x10, 2), 100);
	add(&prev, key(6, 0x20, 2), 50);
	prev.overflow = 4;
	/* same key twice: summed; no drops since prev: left out */
	add(&cur, key(3, 0x10, 2), 150);
	add(&cur, key(3, 0x10, 2), 10);
	add(&cur, key(6, 0x20, 2), 50);
	/* the most drops, but NOT_SPECIFIED: last */
	add(&cur, key(2, 0x30, 2), 1000);
	/* ties go by name: IP_RPFILTER before NO_SOCKET */
	add(&cur, key(16, 0x40, 3), 60);
	/* a subsystem's reason, no name */
	add(&cur, key(0x10002, 0x50, 2), 1);
	cur.overflow = 10;
	cur.missed = 1;
	assert_int_equal(nt_drop_table_build(&t, &cur, &prev, 0, &err), 0);
	assert_int_equal(nt_drop_table_name(&t, &r, "/dev/null", NULL, &err),
			 0);
	nt_drop_table_sort(&t);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0].reason_name, "IP_RPFILTER");
	assert_int_equal(t.v[0].count, 60);
	assert_string_equal(t.v[1].reason_name, "NO_SOCKET");
	assert_int_equal(t.v[1].count, 60);
	assert_string_equal(t.v[2].reason_name, "0x10002");
	assert_string_equal(t.v[3].reason_name, "NOT_SPECIFIED");
	assert_true(t.v[3].not_specified);
	assert_int_equal(t.overflow, 6);
	assert_int_equal(t.missed, 1);
	/* -i 3 */
	assert_int_equal(nt_drop_table_build(&t, &cur, &prev, 3, &err), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].reason, 16);
	nt_drop_table_free(&t);
	nt_drop_samples_free(&prev);
	nt_drop_samples_free(&cur);
	nt_drop_reasons_free(&r);
}

/* The JSON of nettune drops ---------------------------------------------- */

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key %s", key);
	return v;
}

static void test_json(void **state)
{
	struct nt_drop_table t = { 0 };
	struct json_object *doc, *d0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	map_table(&t, 2.0);
	t.v[1].location_name[0] = '\0';	/* one location unresolved */
	t.v[1].location = 0xffffffff820f4930ull;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(nt_drops_print_json(f, &t, false), 0);
	fclose(f);
	doc = json_tokener_parse(buf);
	assert_non_null(doc);
	assert_int_equal(json_object_get_int64(get(doc, "netns")),
			 FIXTURE_NETNS);
	assert_int_equal(json_object_get_int64(get(doc, "overflow")), 0);
	assert_int_equal(json_object_array_length(get(doc, "drops")), 3);
	d0 = json_object_array_get_idx(get(doc, "drops"), 0);
	assert_string_equal(json_object_get_string(get(d0, "reason")),
			    "NO_SOCKET");
	assert_string_equal(json_object_get_string(get(d0, "location")),
			    "__udp4_lib_rcv");
	assert_int_equal(json_object_get_int64(get(d0, "location_offset")),
			 1207);
	assert_string_equal(json_object_get_string(get(d0, "device")),
			    "2@4026532716");
	assert_string_equal(json_object_get_string(get(d0, "protocol")),
			    "ipv4");
	assert_int_equal(json_object_get_int64(get(d0, "count")), 300);
	assert_true(json_object_get_double(get(d0, "per_s")) == 150.0);
	assert_false(json_object_object_get_ex(d0, "netns", NULL));
	d0 = json_object_array_get_idx(get(doc, "drops"), 1);
	assert_string_equal(json_object_get_string(get(d0, "location")),
			    "0xffffffff820f4930");
	assert_null(get(d0, "location_offset"));
	json_object_put(doc);
	free(buf);
	nt_drop_table_free(&t);
}

/* The reason -> check table ---------------------------------------------- */

static void test_reason_table(void **state)
{
	const struct nt_reason_check *rc;
	char buf[256];

	(void)state;
	for (size_t i = 0; i < nt_n_reason_checks; i++) {
		rc = &nt_reason_checks[i];
		/* one row per reason */
		assert_ptr_equal(nt_reason_check_find(rc->reason), rc);
		/* a check id "family.name", a knob, a fix naming the subject */
		assert_non_null(strchr(rc->check, '.'));
		assert_true(rc->knob[0]);
		assert_non_null(strstr(rc->fix, "{}"));
		assert_string_not_equal(nt_reason_subject_name(rc->subject),
					"?");
	}
	/* reasons no knob here acts on */
	assert_null(nt_reason_check_find("NO_SOCKET"));
	assert_null(nt_reason_check_find("NETFILTER_DROP"));
	assert_null(nt_reason_check_find("NOT_SPECIFIED"));

	rc = nt_reason_check_find("IP_RPFILTER");
	assert_non_null(rc);
	assert_int_equal(rc->subject, NT_REASON_DEVICE);
	nt_reason_fill(rc->knob, "eth0", buf, sizeof(buf));
	assert_string_equal(buf, "net.ipv4.conf.eth0.rp_filter");
	nt_reason_fill(rc->fix, "eth0", buf, sizeof(buf));
	assert_non_null(strstr(buf, "net.ipv4.conf.eth0.rp_filter=2"));
	assert_null(strstr(buf, "{}"));

	rc = nt_reason_check_find("SOCKET_RCVBUFF");
	assert_non_null(rc);
	assert_string_equal(rc->check, "udp.rcvbuf_errors");
	assert_int_equal(rc->subject, NT_REASON_SOCKET);
	nt_reason_fill(rc->fix, "udp :5353", buf, sizeof(buf));
	assert_non_null(strstr(buf, "socket on udp :5353"));

	rc = nt_reason_check_find("QDISC_DROP");
	assert_non_null(rc);
	assert_string_equal(rc->check, "qdisc.drops");
	rc = nt_reason_check_find("CPU_BACKLOG");
	assert_non_null(rc);
	assert_string_equal(rc->knob, "net.core.netdev_max_backlog");
	rc = nt_reason_check_find("TCP_LISTEN_OVERFLOW");
	assert_non_null(rc);
	assert_string_equal(rc->check, "tcp.listen_overflows");
}

static void test_reason_fill_cut(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(nt_reason_fill("a {} b {}", "xyz", buf, sizeof(buf)),
			 11);
	assert_string_equal(buf, "a xyz b");
	assert_int_equal(nt_reason_fill("none", "x", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_reason_names_old_kernel),
		cmocka_unit_test(test_reason_table_names_are_real),
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_ksyms_restricted),
		cmocka_unit_test(test_map_fixture),
		cmocka_unit_test(test_percpu_sum),
		cmocka_unit_test(test_delta_and_order),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_reason_table),
		cmocka_unit_test(test_reason_fill_cut),
	};

	return cmocka_run_group_tests_name("dropreason", tests, NULL, NULL);
}
