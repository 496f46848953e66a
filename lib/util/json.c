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

/* Length of the valid UTF-8 sequence at @s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int min, cp;

	if (*s < 0x80)
		return 1;
	if ((*s & 0xe0) == 0xc0)
		n = 2, min = 0x80, cp = *s & 0x1f;
	else if ((*s & 0xf0) == 0xe0)
		n = 3, min = 0x800, cp = *s & 0x0f;
	else if ((*s & 0xf8) == 0xf0)
		n = 4, min = 0x10000, cp = *s & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void nt_json_put_string(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strnlen(s, max);

	fputc('"', out);
	while (p < end) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else if (!n || p + n > end) {
			fputs("\\ufffd", out);
			p++;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}
