// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/json.h"

#define NS_PER_SEC	1000000000LL

void nt_jw_add(struct nt_jw *w, struct json_object *obj, const char *key,
	       struct json_object *val)
{
	if (!val) {
		w->oom = true;
		return;
	}
	if (!obj || json_object_object_add(obj, key, val)) {
		json_object_put(val);
		w->oom = true;
	}
}

void nt_jw_null(struct nt_jw *w, struct json_object *obj, const char *key)
{
	if (!obj || json_object_object_add(obj, key, NULL))
		w->oom = true;
}

void nt_jw_append(struct nt_jw *w, struct json_object *arr,
		  struct json_object *val)
{
	if (!val) {
		w->oom = true;
		return;
	}
	if (!arr || json_object_array_add(arr, val)) {
		json_object_put(val);
		w->oom = true;
	}
}

void nt_jw_i64(struct nt_jw *w, struct json_object *obj, const char *key,
	       int64_t v)
{
	nt_jw_add(w, obj, key, json_object_new_int64(v));
}

void nt_jw_u64(struct nt_jw *w, struct json_object *obj, const char *key,
	       uint64_t v)
{
	nt_jw_add(w, obj, key, json_object_new_uint64(v));
}

void nt_jw_bool(struct nt_jw *w, struct json_object *obj, const char *key,
		bool v)
{
	nt_jw_add(w, obj, key, json_object_new_boolean(v));
}

void nt_jw_str(struct nt_jw *w, struct json_object *obj, const char *key,
	       const char *s)
{
	if (s)
		nt_jw_add(w, obj, key, json_object_new_string(s));
	else
		nt_jw_null(w, obj, key);
}

void nt_jw_str_opt(struct nt_jw *w, struct json_object *obj, const char *key,
		   const char *s)
{
	nt_jw_str(w, obj, key, *s ? s : NULL);
}

struct json_object *nt_json_time(int64_t ns)
{
	time_t sec = ns / NS_PER_SEC;
	long nsec = ns % NS_PER_SEC;
	char buf[64];
	struct tm tm;
	size_t len;

	/* C division truncates: -1 ns is 1969-12-31T23:59:59.999999999Z. */
	if (nsec < 0) {
		nsec += NS_PER_SEC;
		sec--;
	}
	if (!gmtime_r(&sec, &tm))
		return json_object_new_string("");
	len = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, sizeof(buf) - len, ".%09ldZ", nsec);
	return json_object_new_string(buf);
}

int nt_json_parse(const char *name, const char *text, size_t len,
		  struct json_object **obj, struct nt_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	const char *why;
	size_t end;

	if (!tok)
		return nt_err_set(err, ENOMEM, "%s: out of memory", name);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr == json_tokener_success) {
		end += strspn(text + end, " \t\r\n");
		if (end == len)
			return 0;
		json_object_put(*obj);
		*obj = NULL;
		why = "trailing data";
	} else if (jerr == json_tokener_continue) {
		why = "unexpected end of file";
	} else {
		why = json_tokener_error_desc(jerr);
	}
	return nt_err_set(err, EINVAL, "%s: not valid JSON: %s at offset %zu",
			  name, why, end);
}
