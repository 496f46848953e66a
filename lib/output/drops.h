/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_OUTPUT_DROPS_H
#define NT_OUTPUT_DROPS_H

#include <stdbool.h>
#include <stdio.h>

#include "model/drops.h"

/**
 * nt_drops_print_text() - the rows of @t as a table, in their order
 * @all_netns: add a NETNS column
 *
 * Columns REASON LOCATION DEVICE PROTO COUNT PER_S; then a line each for
 * overflowed and missed counts when there are any.
 * Return: 0, or -EIO when @out failed.
 */
int nt_drops_print_text(FILE *out, const struct nt_drop_table *t,
			bool all_netns);

/**
 * nt_drops_print_json() - the rows of @t as one JSON document
 *
 * {"interval", "netns" (the scope, null for every netns), "overflow",
 *  "missed", "symbols_restricted", "drops": [{"reason", "location",
 *  "location_offset", "device", "ifindex", "protocol", "count", "per_s"
 *  (, "netns")}]}.  A location kallsyms could not name is its address as
 * a hex string with a null offset; a drop without a device has a null
 * device.
 * Return: 0, -ENOMEM or -EIO.
 */
int nt_drops_print_json(FILE *out, const struct nt_drop_table *t,
			bool all_netns);

#endif
