/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_TC_H
#define NT_UTIL_TC_H

#include <stddef.h>
#include <stdint.h>

/**
 * nt_tc_handle_format() - a qdisc or class handle in tc's own notation
 * @h: handle (TC_H_MAKE(major, minor)), TC_H_ROOT or TC_H_UNSPEC
 * @buf: out
 * @size: of @buf; 16 holds any handle
 *
 * "root", "none", ":MIN", "MAJ:" or "MAJ:MIN" in hex, as tc prints them
 * (sprint_tc_classid), so users can paste them into tc.
 */
void nt_tc_handle_format(uint32_t h, char *buf, size_t size);

/**
 * nt_tc_handle_parse() - the inverse of nt_tc_handle_format()
 * @s: text, up to 4 hex digits on each side of the colon
 * @h: out
 *
 * Return: 0, or -EINVAL when @s is not a handle.
 */
int nt_tc_handle_parse(const char *s, uint32_t *h);

#endif
