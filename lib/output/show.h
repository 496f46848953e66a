/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_OUTPUT_SHOW_H
#define NT_OUTPUT_SHOW_H

#include <stdio.h>

#include "model/host.h"

/**
 * nt_show_text() - the configuration of @host as aligned text for people
 * @out: stream
 * @host: host (live, snapshot or captured tree)
 * @host_part: also print the host-wide part (CPUs, nodes, sysctls, ...);
 *             false when the user named interfaces
 */
void nt_show_text(FILE *out, const struct nt_host *host, bool host_part);

/**
 * nt_show_json() - the host as a snapshot document, pretty-printed
 * @only: interface names to keep, NULL-ended, or NULL
 *
 * Return: 0 or -ENOMEM.
 */
int nt_show_json(FILE *out, const struct nt_host *host,
		 const char *const *only);

#endif
