/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_MODEL_SNAPSHOT_H
#define NT_MODEL_SNAPSHOT_H

#include <json-c/json.h>

#include "model/host.h"
#include "util/err.h"

#define NT_SNAPSHOT_VERSION 1


/**
 * nt_snapshot_to_json() - the whole host as a JSON object (new reference)
 * @host: host
 * @only: interface names to keep, NULL-ended, or NULL for all
 *
 * Lossless: nt_snapshot_from_json() of the result gives an equal host.
 * Return: object or NULL on allocation failure.
 */
struct json_object *nt_snapshot_to_json(const struct nt_host *host,
					const char *const *only);

/**
 * nt_snapshot_from_json() - rebuild a host from a snapshot object
 *
 * Return: 0, -EINVAL with a message naming the bad member (e.g.
 * "interfaces[3].rings.rx: expected an integer"), -ENOMEM.
 */
int nt_snapshot_from_json(struct json_object *obj, struct nt_host *host,
			  struct nt_err *err);

/** nt_snapshot_save() - write pretty JSON to @path (atomically via rename) */
int nt_snapshot_save(const struct nt_host *host, const char *path,
		     struct nt_err *err);

/** nt_snapshot_load() - read a snapshot file; malformed -> -EINVAL */
int nt_snapshot_load(const char *path, struct nt_host *host,
		     struct nt_err *err);

#endif
