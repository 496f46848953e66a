/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_JSON_H
#define NT_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "util/err.h"

/*
 * How every JSON document nettune prints or saves is formatted (snapshots,
 * plans, journals, the verbs' --json), so they diff and read alike.
 */
#define NT_JSON_FLAGS	(JSON_C_TO_STRING_PRETTY | \
			 JSON_C_TO_STRING_SPACED | \
			 JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * Building documents.  json-c returns NULL when it cannot allocate, and
 * NULL is also how it spells a JSON null, so allocation failures are
 * collected in struct nt_jw and nulls are added only through nt_jw_null().
 * A builder adds everything, then drops the document if @oom is set.
 */
struct nt_jw {
	bool oom;
};

/**
 * nt_jw_add() - add @val to @obj as @key
 * @w: writer
 * @obj: object; NULL (its allocation failed) only records the failure
 * @key: member name
 * @val: new reference, taken over; NULL records an allocation failure
 */
void nt_jw_add(struct nt_jw *w, struct json_object *obj, const char *key,
	       struct json_object *val);

/** nt_jw_null() - add a JSON null to @obj as @key */
void nt_jw_null(struct nt_jw *w, struct json_object *obj, const char *key);

/**
 * nt_jw_append() - append @val to the array @arr
 * @w: writer
 * @arr: array; NULL (its allocation failed) only records the failure
 * @val: new reference, taken over; NULL records an allocation failure
 */
void nt_jw_append(struct nt_jw *w, struct json_object *arr,
		  struct json_object *val);

/** nt_jw_i64() - add an integer */
void nt_jw_i64(struct nt_jw *w, struct json_object *obj, const char *key,
	       int64_t v);

/** nt_jw_u64() - add an unsigned integer */
void nt_jw_u64(struct nt_jw *w, struct json_object *obj, const char *key,
	       uint64_t v);

/** nt_jw_bool() - add true or false */
void nt_jw_bool(struct nt_jw *w, struct json_object *obj, const char *key,
		bool v);

/** nt_jw_str() - add the string @s, or null when @s is NULL */
void nt_jw_str(struct nt_jw *w, struct json_object *obj, const char *key,
	       const char *s);

/**
 * nt_jw_str_opt() - add the string @s, or null when it is ""
 *
 * For the model's fixed buffers, where "" means unknown or none.
 */
void nt_jw_str_opt(struct nt_jw *w, struct json_object *obj, const char *key,
		   const char *s);

/**
 * nt_json_time() - an instant as an ISO 8601 UTC string with nanoseconds
 * @ns: nanoseconds since the epoch (CLOCK_REALTIME), negative allowed
 *
 * "2024-05-01T12:00:00.000000001Z", or "" when the year does not fit.
 * Return: a new string object, or NULL when out of memory.
 */
struct json_object *nt_json_time(int64_t ns);

/**
 * nt_json_parse() - parse a whole document, strictly
 * @name: what @text came from (a file name), to lead error messages
 * @text: the text, NUL-terminated
 * @len: its length, at most INT_MAX (json-c takes an int)
 * @obj: out: the document (new reference); NULL is the document "null"
 * @err: "NAME: not valid JSON: WHY at offset N" or "NAME: out of memory"
 *
 * Strict: what nettune accepts is what it writes, nothing looser; only
 * white space may follow the document.
 * Return: 0, -EINVAL or -ENOMEM.
 */
int nt_json_parse(const char *name, const char *text, size_t len,
		  struct json_object **obj, struct nt_err *err);

/**
 * nt_json_put_string() - write @s as a JSON string, quotes included
 * @out: stream
 * @s: the text; at most @max bytes of it (SIZE_MAX: up to its NUL)
 *
 * The one string escaper of the hand-written JSON (top's frames, the
 * recordings): quote, backslash and control bytes escaped, bytes that are
 * not UTF-8 written as U+FFFD.  Allocates nothing.
 */
void nt_json_put_string(FILE *out, const char *s, size_t max);

#endif
