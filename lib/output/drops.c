// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output/drops.h"
#include "util/json.h"

static double per_s(const struct nt_drop_table *t, uint64_t n)
{
	return t->seconds > 0 ? (double)n / t->seconds : 0;
}

static void location_text(const struct nt_drop_row *r, char *buf, size_t len)
{
	if (r->location_name[0])
		snprintf(buf, len, "%s", r->location_name);
	else
		snprintf(buf, len, "0x%" PRIx64, r->location);
}

static void row_text(FILE *out, const struct nt_drop_table *t,
		     const struct nt_drop_row *r, bool all_netns)
{
	char loc[80], pbuf[8];

	location_text(r, loc, sizeof(loc));
	fprintf(out, "%-24s %-28s %-15s %-5s", r->reason_name, loc,
		r->device[0] ? r->device : "-",
		r->proto ? nt_drop_proto_name(r->proto, pbuf, sizeof(pbuf)) :
			   "-");
	if (all_netns)
		fprintf(out, " %-10u", r->netns);
	fprintf(out, " %10" PRIu64 " %10.1f\n", r->count, per_s(t, r->count));
}

int nt_drops_print_text(FILE *out, const struct nt_drop_table *t,
			bool all_netns)
{
	fprintf(out, "%-24s %-28s %-15s %-5s", "REASON", "LOCATION", "DEVICE",
		"PROTO");
	if (all_netns)
		fprintf(out, " %-10s", "NETNS");
	fprintf(out, " %10s %10s\n", "COUNT", "PER_S");
	for (size_t i = 0; i < t->n; i++)
		row_text(out, t, &t->v[i], all_netns);
	if (!t->n)
		fprintf(out, "no drops in %.1f s\n", t->seconds);
	if (t->overflow)
		fprintf(out, "%" PRIu64 " drops not counted by key: the map "
			"was full\n", t->overflow);
	if (t->missed)
		fprintf(out, "%" PRIu64 " drops not counted: the kernel skipped "
			"the counter (nested run on one CPU)\n", t->missed);
	if (t->symbols_restricted)
		fputs("locations are addresses: /proc/kallsyms hides them "
		      "(kptr_restrict; needs CAP_SYSLOG)\n", out);
	return ferror(out) ? -EIO : 0;
}

static struct json_object *rate(const struct nt_drop_table *t, uint64_t n)
{
	char buf[48];
	double v = per_s(t, n);

	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *row_json(struct nt_jw *w,
				    const struct nt_drop_table *t,
				    const struct nt_drop_row *r, bool all_netns)
{
	struct json_object *o = json_object_new_object();
	char loc[80], pbuf[8];

	nt_jw_str(w, o, "reason", r->reason_name);
	location_text(r, loc, sizeof(loc));
	nt_jw_str(w, o, "location", loc);
	if (r->location_name[0])
		nt_jw_u64(w, o, "location_offset", r->location_offset);
	else
		nt_jw_null(w, o, "location_offset");
	nt_jw_str_opt(w, o, "device", r->device);
	nt_jw_u64(w, o, "ifindex", r->ifindex);
	nt_jw_str_opt(w, o, "protocol",
		      nt_drop_proto_name(r->proto, pbuf, sizeof(pbuf)));
	if (all_netns)
		nt_jw_u64(w, o, "netns", r->netns);
	nt_jw_u64(w, o, "count", r->count);
	nt_jw_add(w, o, "per_s", rate(t, r->count));
	return o;
}

int nt_drops_print_json(FILE *out, const struct nt_drop_table *t,
			bool all_netns)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct nt_jw w = { 0 };
	const char *text;
	char buf[48];

	snprintf(buf, sizeof(buf), "%.3f", t->seconds);
	nt_jw_add(&w, doc, "interval", json_object_new_double_s(t->seconds,
								buf));
	if (t->netns && !all_netns)
		nt_jw_u64(&w, doc, "netns", t->netns);
	else
		nt_jw_null(&w, doc, "netns");
	nt_jw_u64(&w, doc, "overflow", t->overflow);
	nt_jw_u64(&w, doc, "missed", t->missed);
	nt_jw_bool(&w, doc, "symbols_restricted", t->symbols_restricted);
	for (size_t i = 0; i < t->n; i++)
		nt_jw_append(&w, arr, row_json(&w, t, &t->v[i], all_netns));
	nt_jw_add(&w, doc, "drops", arr);
	text = w.oom ? NULL :
	       json_object_to_json_string_ext(doc, NT_JSON_FLAGS);
	if (text)
		fprintf(out, "%s\n", text);
	json_object_put(doc);
	if (!text)
		return -ENOMEM;
	return ferror(out) ? -EIO : 0;
}
