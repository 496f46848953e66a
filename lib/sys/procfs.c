// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers and readers for the procfs tables nettune watches: softnet_stat,
 * interrupts, softirqs, net/netstat, net/snmp, net/snmp6 and sockstat.
 *
 * `top` reads all of them every second, and /proc/interrupts on a large host
 * is several megabytes, so the text is parsed in place: the only allocations
 * are the result arrays and the strings the model keeps.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/procfs.h"

#define SOFTNET_MIN_COLS	10
#define SOFTNET_KNOWN_COLS	15
#define TOKEN_SHOWN		24	/* bytes of a bad token in a message */

#include "util/array.h"

static inline bool is_blank(char c)
{
	/* '\r' too: captured trees may have passed through other systems. */
	return c == ' ' || c == '\t' || c == '\r';
}

static inline bool is_eol(char c)
{
	return c == '\n' || c == '\0';
}

static inline bool is_sep(char c)
{
	return is_blank(c) || is_eol(c);
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline const char *skip_blank(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/*
 * Counts that miss fixed_count()'s shape still sit in right-aligned
 * columns, mostly blanks: skip them a word at a time.  @end (the text's
 * NUL) keeps the word loads inside the buffer.
 */
static inline const char *skip_padding(const char *p, const char *end)
{
	const uint64_t spaces = 0x2020202020202020ULL;
	uint64_t w;

	while (end - p >= (ptrdiff_t)sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		w ^= spaces;
		if (w) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			p += __builtin_ctzll(w) / 8;
#endif
			break;
		}
		p += sizeof(w);
	}
	return skip_blank(p);
}

static inline const char *token_end(const char *p)
{
	while (!is_sep(*p))
		p++;
	return p;
}

static inline const char *line_end(const char *p)
{
	while (!is_eol(*p))
		p++;
	return p;
}

/* Start of the next line, or NULL at the end of the text. */
static inline const char *next_line(const char *eol)
{
	return *eol == '\n' && eol[1] ? eol + 1 : NULL;
}

static const char *rtrim(const char *start, const char *end)
{
	while (end > start && is_blank(end[-1]))
		end--;
	return end;
}

/*
 * Upper bound of the rows a table can have, to allocate it once, and in
 * @end the terminating NUL, found on the same pass.
 */
static size_t count_lines(const char *text, const char **end)
{
	size_t n = 1;

	for (text = strchrnul(text, '\n'); *text;
	     text = strchrnul(text + 1, '\n'))
		n += text[1] != '\0';
	*end = text;
	return n;
}

static int hex_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The number ends at a blank or the end of the line, so that "12ab" is an
 * error rather than 12.  Return: the byte after the number, NULL if malformed.
 */
static const char *parse_hex(const char *p, uint64_t *value)
{
	uint64_t v = 0;
	int digits = 0, d;

	while ((d = hex_digit(*p)) >= 0) {
		if (++digits > 16)
			return NULL;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (!digits || !is_sep(*p))
		return NULL;
	*value = v;
	return p;
}

static const char *parse_u64(const char *p, uint64_t *value)
{
	const char *start = p;
	uint64_t v = 0;

	/* 19 digits cannot overflow: check only a 20th, off the hot path */
	while (is_digit(*p) && p - start < 19)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (is_digit(*p)) {
		unsigned int d = (unsigned int)(*p++ - '0');

		if (v > (UINT64_MAX - d) / 10 || is_digit(*p))
			return NULL;
		v = v * 10 + d;
	}
	if (p == start || !is_sep(*p))
		return NULL;
	*value = v;
	return p;
}

/*
 * SNMP counters are unsigned 64-bit in the kernel except a few gauges
 * (Tcp MaxConn is -1): values above INT64_MAX keep their bits, so rates
 * computed as differences still come out right.
 */
static const char *parse_i64(const char *p, int64_t *value)
{
	bool neg = *p == '-';
	uint64_t v;

	p = parse_u64(p + neg, &v);
	if (!p || (neg && v > (uint64_t)INT64_MAX + 1))
		return NULL;
	*value = neg ? (int64_t)(0 - v) : (int64_t)v;
	return p;
}

static int bad_token(struct nt_err *err, unsigned int lineno, const char *what,
		     const char *tok)
{
	int len = (int)(token_end(tok) - tok);

	return nt_err_set(err, EINVAL, "line %u: %s \"%.*s\"", lineno, what,
			  len < TOKEN_SHOWN ? len : TOKEN_SHOWN, tok);
}

/* softnet_stat ------------------------------------------------------------ */

static int softnet_line(const char *p, struct nt_softnet *sn, uint32_t ordinal,
			unsigned int lineno, struct nt_err *err)
{
	uint64_t col[SOFTNET_KNOWN_COLS] = { 0 };
	uint32_t ncols = 0;

	for (p = skip_blank(p); !is_eol(*p); p = skip_blank(p)) {
		uint64_t v;
		const char *end = parse_hex(p, &v);

		if (!end)
			return bad_token(err, lineno, "column is not hex:", p);
		/* Newer kernels append columns: keep what we know. */
		if (ncols < SOFTNET_KNOWN_COLS)
			col[ncols] = v;
		ncols++;
		p = end;
	}
	if (ncols < SOFTNET_MIN_COLS)
		return nt_err_set(err, EINVAL,
				  "line %u: %u columns, expected at least %d",
				  lineno, ncols, SOFTNET_MIN_COLS);

	sn->ncols = ncols;
	sn->processed = col[0];
	sn->dropped = col[1];
	sn->time_squeeze = col[2];
	sn->cpu_collision = col[8];
	sn->received_rps = col[9];
	sn->flow_limit_count = col[10];
	sn->backlog_len = col[11];
	/* Before 5.10 offline CPUs leave no trace: the line is all we have. */
	sn->cpu = ncols >= 13 ? (uint32_t)col[12] : ordinal;
	sn->input_qlen = col[13];
	sn->process_qlen = col[14];
	return 0;
}

/**
 * nt_procfs_walk_softnet() - each line of /proc/net/softnet_stat
 * @text: the file's text, NUL-terminated
 * @fn: called with each non-blank line's row; its cpu is the index
 *	column, or on kernels without one the line's ordinal.  A non-zero
 *	return stops the walk and is returned.
 * @arg: passed to @fn
 * @err: error buffer
 *
 * The grammar of the file, shared by nt_procfs_parse_softnet() and the
 * tick sampler, which writes the rows into an existing array.  Allocates
 * nothing.
 *
 * Return: 0, -EINVAL naming the line, or what @fn returned.
 */
int nt_procfs_walk_softnet(const char *text, nt_procfs_softnet_fn fn,
			   void *arg, struct nt_err *err)
{
	unsigned int lineno = 0;
	uint32_t ordinal = 0;
	const char *line;
	int ret;

	for (line = text; line; line = next_line(line_end(line))) {
		struct nt_softnet sn;

		lineno++;
		if (is_eol(*skip_blank(line)))
			continue;
		ret = softnet_line(line, &sn, ordinal++, lineno, err);
		if (!ret)
			ret = fn(&sn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

struct softnet_rows {
	struct nt_softnet *v;
	size_t n;
};

/* count_lines() sized the array: every row fits. */
static int softnet_append(const struct nt_softnet *sn, void *arg)
{
	struct softnet_rows *rows = arg;

	rows->v[rows->n++] = *sn;
	return 0;
}

/**
 * nt_procfs_parse_softnet() - parse /proc/net/softnet_stat
 * @text: the file's text, NUL-terminated
 * @out: set to a malloc'ed array of one entry per line (caller frees)
 * @n: set to the number of entries
 * @err: error buffer
 *
 * Any column count from 10 (2.6 kernels) up is accepted; columns beyond
 * those struct nt_softnet knows are ignored but must still be hex.
 *
 * Return: 0, -EINVAL naming the line, or -ENOMEM; on error *@out is NULL
 * and *@n is 0.
 */
int nt_procfs_parse_softnet(const char *text, struct nt_softnet **out,
			    size_t *n, struct nt_err *err)
{
	struct softnet_rows rows = { 0 };
	const char *text_end;
	int ret;

	*out = NULL;
	*n = 0;
	rows.v = calloc(count_lines(text, &text_end), sizeof(*rows.v));
	if (!rows.v)
		return nt_err_set(err, ENOMEM, "out of memory");
	ret = nt_procfs_walk_softnet(text, softnet_append, &rows, err);
	if (ret || !rows.n) {
		free(rows.v);
		return ret;
	}
	*out = rows.v;
	*n = rows.n;
	return 0;
}

/* interrupts and softirqs ------------------------------------------------- */

/*
 * The header "CPU0 CPU1 CPU3": offline CPUs have no column.  Fills the
 * first @cap ids (none when @ids is NULL) and counts them all in @n.
 */
static int parse_cpu_header(const char *line, uint32_t *ids, uint32_t cap,
			    uint32_t *n, struct nt_err *err)
{
	const char *p, *eol = line_end(line);
	uint32_t i = 0;

	for (p = skip_blank(line); p < eol; p = skip_blank(p)) {
		uint64_t id;
		const char *end = NULL;

		if (!strncmp(p, "CPU", 3))
			end = parse_u64(p + 3, &id);
		if (!end || id > UINT32_MAX)
			return bad_token(err, 1, "not a CPU column:", p);
		if (ids && i < cap)
			ids[i] = (uint32_t)id;
		i++;
		p = end;
	}
	if (!i)
		return nt_err_set(err, EINVAL, "line 1: no CPU columns");
	*n = i;
	return 0;
}

/*
 * "NET_RX:" or "  38:".  Return: the byte after the colon, NULL when the
 * line does not start with an id that fits @size.
 */
static const char *parse_row_id(const char *p, char *id, size_t size)
{
	const char *start = skip_blank(p);

	for (p = start; !is_sep(*p) && *p != ':'; p++)
		;
	if (*p != ':' || p == start || (size_t)(p - start) >= size)
		return NULL;
	memcpy(id, start, p - start);
	id[p - start] = '\0';
	return p + 1;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BYTES(b)	(0x0101010101010101ULL * (b))

/* The high bit of every byte of @x that is not zero. */
static inline uint64_t nonzero_bytes(uint64_t x)
{
	return (((x & BYTES(0x7f)) + BYTES(0x7f)) | x) & BYTES(0x80);
}

/*
 * The high bit of every byte that is not an ASCII digit.  Adding 6 carries
 * only out of a byte >= 0xfa, which is flagged itself.
 */
static inline uint64_t nondigit_bytes(uint64_t w)
{
	return nonzero_bytes(((w & BYTES(0xf0)) ^ BYTES(0x30)) |
			     (((w + BYTES(0x06)) & BYTES(0xf0)) ^ BYTES(0x30)));
}

/* Eight digit values, the first byte most significant, as a number. */
static inline uint64_t eight_digits(uint64_t d)
{
	d = d * 10 + (d >> 8);
	return ((d & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
		((d >> 16) & 0x000000ff000000ffULL) *
		(1 + (10000ULL << 32))) >> 32;
}

/*
 * The kernel prints each count as " %10u", and an unsigned int never needs
 * more than ten digits, so a count is eleven bytes: a space, then digits
 * right-aligned in ten.  Parsing that shape with word operations avoids the
 * mispredicted branches of a byte loop, which dominate on a 256-CPU table.
 * Anything else (a wider number, a capture with squeezed blanks) returns
 * false and takes the general path.  @p must have 12 bytes before the NUL.
 */
static inline bool fixed_count(const char *p, uint64_t *value)
{
	uint64_t a, b, space_a, space_b, digit_a, digit_b;

	memcpy(&a, p, sizeof(a));		/* bytes 0..7 */
	memcpy(&b, p + 3, sizeof(b));		/* bytes 3..10 */
	space_a = nonzero_bytes(a ^ BYTES(0x20)) ^ BYTES(0x80);
	space_b = nonzero_bytes(b ^ BYTES(0x20)) ^ BYTES(0x80);
	digit_a = nondigit_bytes(a) ^ BYTES(0x80);
	digit_b = nondigit_bytes(b) ^ BYTES(0x80);
	if ((space_a | digit_a) != BYTES(0x80) ||
	    (space_b | digit_b) != BYTES(0x80))
		return false;
	/* a blank first, a digit last, no blank after a digit */
	if (!(space_a & 0x80) || !(digit_b >> 63) ||
	    (space_a & digit_a << 8) || (space_b & digit_b << 8) ||
	    !is_sep(p[11]))
		return false;
	/* a blank's low nibble is 0: padding reads as leading zeros */
	*value = ((uint64_t)(p[1] & 0xf) * 10 + (p[2] & 0xf)) * 100000000 +
		 eight_digits(b & BYTES(0x0f));
	return true;
}
#else
static inline bool fixed_count(const char *p, uint64_t *value)
{
	(void)p;
	(void)value;
	return false;
}
#endif

/*
 * Up to @ncpus decimal counts.  The kernel prints fewer on some rows (ERR,
 * MIS), so missing ones are 0 and the first token that is not a plain
 * number starts the rest of the line.  Return: the rest, NULL on overflow.
 */
static const char *parse_counts(const char *p, const char *text_end,
				uint64_t *counts, uint32_t ncpus)
{
	uint32_t i;

	for (i = 0; i < ncpus; i++) {
		const char *end, *q;

		if (text_end - p >= 12 && fixed_count(p, &counts[i])) {
			p += 11;
			continue;
		}
		p = skip_padding(p, text_end);
		if (!is_digit(*p))
			break;
		end = parse_u64(p, &counts[i]);
		if (!end) {
			for (q = p; is_digit(*q); q++)
				;
			if (is_sep(*q))
				return NULL;
			break;	/* "5-edge": the hwirq, not a count */
		}
		p = end;
	}
	memset(counts + i, 0, (ncpus - i) * sizeof(*counts));
	return p;
}

static char *dup_range(const char *start, const char *end)
{
	return strndup(start, end - start);
}

/* The chip columns with the kernel's alignment padding squeezed out. */
static char *dup_squeezed(const char *start, const char *end)
{
	char *s = malloc(end - start + 1), *q = s;

	if (!s)
		return NULL;
	while (start < end) {
		if (is_blank(*start)) {
			start = skip_blank(start);
			if (start >= end)
				break;
			*q++ = ' ';
		}
		*q++ = *start++;
	}
	*q = '\0';
	return s;
}

/*
 * Flow handler names the kernel prints as "-%-8s" after the chip (old
 * kernels: "IR-IO-APIC-edge") or the hwirq (new: "1-edge").  Xen's event
 * channels bring their own.
 */
static const char *const flow_names[] = {
	"edge", "level", "fasteoi", "simple", "percpu", "percpu_devid",
	"virq", "ipi", "event", "msi", "msi-x", "Edge", "Level",
};

static bool has_suffix(const char *tok, size_t len, const char *suffix)
{
	size_t slen = strlen(suffix);

	return len > slen && tok[len - slen - 1] == '-' &&
	       !memcmp(tok + len - slen, suffix, slen);
}

/* GENERIC_IRQ_SHOW_LEVEL prints a bare "Level" or "Edge". */
static bool is_level_token(const char *tok, size_t len)
{
	return (len == 4 && !memcmp(tok, "Edge", 4)) ||
	       (len == 5 && !memcmp(tok, "Level", 5));
}

static bool is_flow_token(const char *tok, size_t len)
{
	size_t i;

	if (is_level_token(tok, len))
		return true;
	for (i = 0; i < ARRAY_SIZE(flow_names); i++)
		if (has_suffix(tok, len, flow_names[i]))
			return true;
	return false;
}

/*
 * A chip name can look like a flow ("xen-percpu"); the flow columns that
 * follow it ("-virq", "1-edge", "Level -fasteoi") are still chip columns.
 */
static const char *flow_end(const char *p, const char *end)
{
	for (;;) {
		const char *next = skip_blank(p), *next_end;

		if (next >= end)
			return p;
		next_end = token_end(next);
		if (!is_flow_token(next, next_end - next) ||
		    !(*next == '-' || is_digit(*next) ||
		      is_level_token(next, next_end - next)))
			return p;
		p = next_end;
	}
}

/*
 * Where the chip columns end and the action list starts in the rest of a
 * numbered row.  The kernel prints the chip, the hwirq and the flow type,
 * then two spaces and the actions joined by ", ", so the actions may hold
 * blanks ("i8042, rtc0", "kvm guest ptimer").  Anchor on the flow type; when
 * there is none, the last run of two or more blanks is the separator, and
 * failing that the last token is the name.
 */
static void split_chip(const char *rest, const char *end,
		       const char **chip_end, const char **name)
{
	const char *p, *tok, *gap = NULL;

	for (p = rest; p < end; p = skip_blank(p)) {
		tok = p;
		p = token_end(p);
		if (is_flow_token(tok, p - tok)) {
			*chip_end = p = flow_end(p, end);
			*name = p < end ? skip_blank(p) : end;
			return;
		}
	}
	for (p = rest; p < end; p++)
		if (is_blank(p[0]) && is_blank(p[1]) && p > rest &&
		    !is_blank(p[-1]))
			gap = p;
	if (!gap) {
		for (gap = end; gap > rest && !is_blank(gap[-1]); gap--)
			;
		if (skip_blank(rest) == gap)
			gap = end;	/* a lone token is the chip */
	}
	*chip_end = gap;
	*name = gap < end ? skip_blank(gap) : end;
}

static int irq_rest(struct nt_interrupt *row, const char *rest,
		    const char *end)
{
	const char *chip_end, *name;

	if (row->irq < 0) {
		/* NMI, LOC, ...: the rest is a description, there is no chip */
		row->chip = strdup("");
		row->name = dup_range(rest, end);
	} else {
		split_chip(rest, end, &chip_end, &name);
		row->chip = dup_squeezed(rest, chip_end);
		row->name = dup_range(name, end);
	}
	return row->chip && row->name ? 0 : -ENOMEM;
}

static int irq_number(const char *id)
{
	long v = 0;

	for (; *id; id++) {
		if (!is_digit(*id) || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*id - '0');
	}
	return v <= INT_MAX ? (int)v : -1;
}

/**
 * nt_procfs_table_begin() - start reading /proc/interrupts or /proc/softirqs
 * @c: the cursor, set to the first row
 * @text: the file's text, NUL-terminated
 * @len: its length (the offset of the NUL)
 * @ids: room for @cap CPU ids, filled with the first @cap columns' CPUs;
 *	may be NULL to only count the columns
 * @cap: entries of @ids
 * @err: error buffer
 *
 * @c->ncols is the number of CPU columns the header has; when it exceeds
 * @cap, call again with more room.  The cursor allocates nothing.
 *
 * Return: 0 or -EINVAL naming the header.
 */
int nt_procfs_table_begin(struct nt_procfs_cursor *c, const char *text,
			  size_t len, uint32_t *ids, uint32_t cap,
			  struct nt_err *err)
{
	memset(c, 0, sizeof(*c));
	c->end = text + len;
	c->p = text;
	c->eol = line_end(text);
	c->lineno = 1;
	return parse_cpu_header(text, ids, cap, &c->ncols, err);
}

/*
 * Move to the next non-blank row and read its "ID:".  The rest of the row
 * before is skipped unread when its counts were not wanted.
 */
static int table_row(struct nt_procfs_cursor *c, const char *what, char *id,
		     size_t size, struct nt_err *err)
{
	for (;;) {
		const char *eol = c->eol ? c->eol : strchrnul(c->p, '\n');
		const char *line = next_line(eol), *p;

		if (!line) {
			c->p = c->eol = eol;
			return 0;
		}
		c->lineno++;
		c->p = line;
		c->eol = NULL;
		p = skip_blank(line);
		if (is_eol(*p)) {
			c->eol = p;
			continue;
		}
		p = parse_row_id(line, id, size);
		if (!p)
			return bad_token(err, c->lineno, what,
					 skip_blank(line));
		c->p = p;
		return 1;
	}
}

/**
 * nt_procfs_irq_row() - the next row of /proc/interrupts
 * @c: cursor from nt_procfs_table_begin()
 * @id: out, the row's id ("38", "NMI")
 * @size: size of @id
 * @irq: out, the IRQ number, -1 for named rows
 * @err: error buffer
 *
 * Read the row's counts with nt_procfs_irq_counts(), or call again to skip
 * them (the sampler wants only the NIC rows).
 *
 * Return: 1 with a row, 0 at the end of the text, -EINVAL naming the line.
 */
int nt_procfs_irq_row(struct nt_procfs_cursor *c, char *id, size_t size,
		      int *irq, struct nt_err *err)
{
	int ret = table_row(c, "expected \"ID:\", found", id, size, err);

	if (ret > 0)
		*irq = irq_number(id);
	return ret;
}

/**
 * nt_procfs_irq_counts() - the counts of the row nt_procfs_irq_row() read
 * @c: cursor
 * @counts: room for @c->ncols counts; CPUs the row has no count for get 0
 * @rest: out, the chip and action columns after the counts
 * @rest_end: out, their end, trailing blanks trimmed
 * @err: error buffer
 *
 * Return: 0 or -EINVAL naming the line.
 */
int nt_procfs_irq_counts(struct nt_procfs_cursor *c, uint64_t *counts,
			 const char **rest, const char **rest_end,
			 struct nt_err *err)
{
	const char *end;

	end = parse_counts(c->p, c->end, counts, c->ncols);
	if (!end)
		return bad_token(err, c->lineno, "count out of range:", c->p);
	end = skip_blank(end);
	c->eol = line_end(end);
	*rest = end;
	*rest_end = rtrim(end, c->eol);
	c->p = c->eol;
	return 0;
}

/**
 * nt_procfs_softirq_row() - the next row of /proc/softirqs
 * @c: cursor from nt_procfs_table_begin()
 * @name: out, the row's name ("NET_RX")
 * @size: size of @name
 * @err: error buffer
 *
 * Return: 1 with a row, 0 at the end of the text, -EINVAL naming the line.
 */
int nt_procfs_softirq_row(struct nt_procfs_cursor *c, char *name,
			  size_t size, struct nt_err *err)
{
	return table_row(c, "expected \"NAME:\", found", name, size, err);
}

/**
 * nt_procfs_softirq_counts() - the counts of the row just read
 * @c: cursor
 * @counts: room for @c->ncols counts; missing ones are 0
 * @err: error buffer
 *
 * Return: 0 or -EINVAL naming the line.
 */
int nt_procfs_softirq_counts(struct nt_procfs_cursor *c, uint64_t *counts,
			     struct nt_err *err)
{
	const char *p = skip_blank(c->p);
	uint32_t i;

	for (i = 0; !is_eol(*p); p = skip_blank(p), i++) {
		const char *end = i < c->ncols ? parse_u64(p, &counts[i]) :
						 NULL;

		if (!end)
			return bad_token(err, c->lineno, i < c->ncols ?
					 "not a count:" :
					 "more counts than CPU columns:", p);
		p = end;
	}
	memset(counts + i, 0, (c->ncols - i) * sizeof(*counts));
	c->p = c->eol = p;
	return 0;
}

/* The header's CPU ids into a new array; @c then stands at the first row. */
static int table_columns(struct nt_procfs_cursor *c, const char *text,
			 size_t len, uint32_t **ids, uint32_t *ncpus,
			 struct nt_err *err)
{
	int ret = nt_procfs_table_begin(c, text, len, NULL, 0, err);

	if (ret)
		return ret;
	*ids = malloc(c->ncols * sizeof(**ids));
	if (!*ids)
		return nt_err_set(err, ENOMEM, "out of memory");
	*ncpus = c->ncols;
	return nt_procfs_table_begin(c, text, len, *ids, *ncpus, err);
}

static int irq_row(struct nt_procfs_cursor *c, struct nt_interrupt *row,
		   struct nt_err *err)
{
	const char *rest, *rest_end;
	int ret;

	row->counts = malloc(c->ncols * sizeof(*row->counts));
	if (!row->counts)
		return nt_err_set(err, ENOMEM, "out of memory");
	ret = nt_procfs_irq_counts(c, row->counts, &rest, &rest_end, err);
	if (ret)
		return ret;
	if (irq_rest(row, rest, rest_end))
		return nt_err_set(err, ENOMEM, "out of memory");
	return 0;
}

/**
 * nt_procfs_parse_interrupts() - parse /proc/interrupts
 * @text: the file's text, NUL-terminated
 * @out: filled with the table (free with nt_interrupts_free())
 * @err: error buffer
 *
 * The header gives the CPU of each column; rows with fewer counts (ERR,
 * MIS) get 0 for the rest.  Numbered rows have their chip columns in
 * @chip, squeezed to single spaces, and their action names in @name;
 * named rows (NMI, LOC, ...) have irq -1, chip "" and the description as
 * name.
 *
 * Return: 0, -EINVAL naming the line, or -ENOMEM; on error @out is empty.
 */
int nt_procfs_parse_interrupts(const char *text, struct nt_interrupts *out,
			       struct nt_err *err)
{
	struct nt_interrupts t = { 0 };
	struct nt_procfs_cursor c;
	const char *text_end;
	size_t nrows;
	int ret;

	memset(out, 0, sizeof(*out));
	nrows = count_lines(text, &text_end);
	ret = table_columns(&c, text, text_end - text, &t.cpu_ids, &t.ncpus,
			    err);
	if (ret)
		goto fail;
	t.v = calloc(nrows, sizeof(*t.v));
	if (!t.v) {
		ret = nt_err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	for (;;) {
		struct nt_interrupt *row = &t.v[t.n];

		ret = nt_procfs_irq_row(&c, row->id, sizeof(row->id),
					&row->irq, err);
		if (ret <= 0)
			break;
		t.n++;
		ret = irq_row(&c, row, err);
		if (ret)
			break;
	}
	if (ret)
		goto fail;
	*out = t;
	return 0;
fail:
	nt_interrupts_free(&t);
	return ret;
}

/**
 * nt_procfs_parse_softirqs() - parse /proc/softirqs
 * @text: the file's text, NUL-terminated
 * @out: filled with the table (free with nt_softirqs_free())
 * @err: error buffer
 *
 * Return: 0, -EINVAL naming the line, or -ENOMEM; on error @out is empty.
 */
int nt_procfs_parse_softirqs(const char *text, struct nt_softirqs *out,
			     struct nt_err *err)
{
	struct nt_softirqs t = { 0 };
	struct nt_procfs_cursor c;
	const char *text_end;
	size_t nrows;
	int ret;

	memset(out, 0, sizeof(*out));
	nrows = count_lines(text, &text_end);
	ret = table_columns(&c, text, text_end - text, &t.cpu_ids, &t.ncpus,
			    err);
	if (ret)
		goto fail;
	t.v = calloc(nrows, sizeof(*t.v));
	if (!t.v) {
		ret = nt_err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	for (;;) {
		struct nt_softirq *row = &t.v[t.n];

		ret = nt_procfs_softirq_row(&c, row->name, sizeof(row->name),
					    err);
		if (ret <= 0)
			break;
		t.n++;
		row->counts = malloc(t.ncpus * sizeof(*row->counts));
		if (!row->counts) {
			ret = nt_err_set(err, ENOMEM, "out of memory");
			break;
		}
		ret = nt_procfs_softirq_counts(&c, row->counts, err);
		if (ret)
			break;
	}
	if (ret)
		goto fail;
	*out = t;
	return 0;
fail:
	nt_softirqs_free(&t);
	return ret;
}

/* snmp, netstat, snmp6, sockstat ------------------------------------------ */

/* What a walker's callback gets: the counter and where to send it. */
struct counter_sink {
	nt_procfs_counter_fn fn;
	void *arg;
	unsigned int lineno;
	struct nt_err *err;
};

/*
 * A name the model cannot hold is skipped rather than truncated: a cut name
 * could collide with a real one, and one long name from a future kernel
 * must not make every other counter unreadable.
 */
static int emit_counter(struct counter_sink *k, const char *prefix,
			size_t plen, const char *sep, const char *field,
			int64_t value)
{
	size_t slen = strlen(sep), flen = token_end(field) - field;
	char name[NT_COUNTER_LEN];
	int ret;

	if (plen + slen + flen >= sizeof(name))
		return 0;
	memcpy(name, prefix, plen);
	memcpy(name + plen, sep, slen);
	memcpy(name + plen + slen, field, flen);
	name[plen + slen + flen] = '\0';
	ret = k->fn(name, value, k->arg);
	if (ret == -ENOMEM)
		return nt_err_set(k->err, ENOMEM, "out of memory");
	if (ret < 0)
		return nt_err_set(k->err, -ret, "line %u: %s: %s", k->lineno,
				  name, strerror(-ret));
	return ret;
}

static unsigned int count_tokens(const char *p)
{
	unsigned int n = 0;

	for (p = skip_blank(p); !is_eol(*p); p = skip_blank(token_end(p)))
		n++;
	return n;
}

/*
 * "Tcp: RtoAlgorithm RtoMin ..." on line @lineno, "Tcp: 1 200 ..." on the
 * next.  Counting both first keeps a mismatch from adding half a table.
 */
static int snmp_pair(const char *prefix, const char *values,
		     struct counter_sink *k)
{
	size_t plen = token_end(prefix) - prefix;	/* with the colon */
	const char *names = prefix + plen;
	unsigned int nn, nv, lineno = k->lineno;
	struct nt_err *err = k->err;

	values = skip_blank(values);
	if ((size_t)(token_end(values) - values) != plen ||
	    memcmp(values, prefix, plen))
		return nt_err_set(err, EINVAL,
				  "line %u: no \"%.*s\" values after line %u",
				  lineno + 1, (int)plen, prefix, lineno);
	values += plen;
	nn = count_tokens(names);
	nv = count_tokens(values);
	if (nn != nv)
		return nt_err_set(err, EINVAL,
				  "line %u: %u \"%.*s\" values for %u names",
				  lineno + 1, nv, (int)plen, prefix, nn);
	names = skip_blank(names);
	values = skip_blank(values);
	while (!is_eol(*names)) {
		const char *end;
		int64_t v;
		int ret;

		end = parse_i64(values, &v);
		if (!end)
			return bad_token(err, lineno + 1, "not a number:",
					 values);
		ret = emit_counter(k, prefix, plen - 1, "", names, v);
		if (ret)
			return ret;
		names = skip_blank(token_end(names));
		values = skip_blank(end);
	}
	return 0;
}

/* snmp6: "Udp6InErrors    0" */
static int snmp6_line(const char *name, struct counter_sink *k)
{
	const char *value = skip_blank(token_end(name)), *end;
	int64_t v;

	if (is_eol(*value))
		return bad_token(k->err, k->lineno, "no value for", name);
	end = parse_i64(value, &v);
	if (!end)
		return bad_token(k->err, k->lineno, "not a number:", value);
	if (!is_eol(*skip_blank(end)))
		return bad_token(k->err, k->lineno, "unexpected",
				 skip_blank(end));
	return emit_counter(k, "", 0, "", name, v);
}

/**
 * nt_procfs_walk_snmp() - each counter of /proc/net/snmp, netstat or snmp6
 * @text: the file's text, NUL-terminated
 * @fn: called with each counter's nstat name ("TcpExtListenOverflows")
 *	and value, in the file's order; names too long for the model are
 *	skipped.  A non-zero return stops the walk: -ENOMEM is reported as
 *	"out of memory", a positive value is returned as it is.
 * @arg: passed to @fn
 * @err: error buffer
 *
 * The format is told per line: a first token ending in ':' starts a
 * names/values pair of lines (snmp, netstat); anything else is a "name
 * value" line (snmp6).  A pair whose two lines do not match calls @fn for
 * none of its counters.  Shared by nt_procfs_parse_snmp() and the tick
 * sampler; allocates nothing.
 *
 * Return: 0, -EINVAL naming the line, or what @fn returned.
 */
int nt_procfs_walk_snmp(const char *text, nt_procfs_counter_fn fn,
			void *arg, struct nt_err *err)
{
	struct counter_sink k = { .fn = fn, .arg = arg, .err = err };
	const char *line, *next;
	int ret = 0;

	for (line = text; line && !ret; line = next) {
		const char *p = skip_blank(line), *eol = line_end(line);

		next = next_line(eol);
		k.lineno++;
		if (p == eol)
			continue;
		if (token_end(p)[-1] != ':') {
			ret = snmp6_line(p, &k);
		} else if (!next) {
			ret = bad_token(err, k.lineno, "no values for", p);
		} else {
			ret = snmp_pair(p, next, &k);
			next = next_line(line_end(next));
			k.lineno++;
		}
	}
	return ret;
}

static int counter_append(const char *name, int64_t value, void *arg)
{
	return nt_counters_add(arg, name, value);
}

/* Appending parsers leave @c as they found it when they fail. */
static void counters_undo(struct nt_counters *c, size_t n)
{
	if (n)
		c->n = n;
	else
		nt_counters_free(c);
}

/**
 * nt_procfs_parse_snmp() - parse /proc/net/snmp, netstat or snmp6
 * @text: the file's text, NUL-terminated
 * @out: counters to append to, with nstat names ("TcpExtListenOverflows")
 * @err: error buffer
 *
 * The grammar is nt_procfs_walk_snmp()'s.
 *
 * Return: 0, -EINVAL naming the line, or -ENOMEM; on error @out holds what
 * it held before the call.
 */
int nt_procfs_parse_snmp(const char *text, struct nt_counters *out,
			 struct nt_err *err)
{
	size_t n0 = out->n;
	int ret;

	ret = nt_procfs_walk_snmp(text, counter_append, out, err);
	if (ret)
		counters_undo(out, n0);
	return ret;
}

/* "TCP: inuse 5 orphan 0 tw 2" -> TCP.inuse, TCP.orphan, TCP.tw */
static int sockstat_line(const char *p, struct counter_sink *k)
{
	size_t plen = token_end(p) - p;
	const char *prefix = p;

	if (p[plen - 1] != ':')
		return bad_token(k->err, k->lineno,
				 "expected \"PROTO:\", found", p);
	for (p = skip_blank(p + plen); !is_eol(*p); ) {
		const char *value = skip_blank(token_end(p)), *end;
		int64_t v;
		int ret;

		if (is_eol(*value))
			return bad_token(k->err, k->lineno, "no value for", p);
		end = parse_i64(value, &v);
		if (!end)
			return bad_token(k->err, k->lineno, "not a number:",
					 value);
		ret = emit_counter(k, prefix, plen - 1, ".", p, v);
		if (ret)
			return ret;
		p = skip_blank(end);
	}
	return 0;
}

/**
 * nt_procfs_walk_sockstat() - each counter of /proc/net/sockstat(6)
 * @text: the file's text, NUL-terminated
 * @fn: called with each counter ("TCP.inuse", "sockets.used") and its
 *	value, in the file's order; as for nt_procfs_walk_snmp()
 * @arg: passed to @fn
 * @err: error buffer
 *
 * Return: 0, -EINVAL naming the line, or what @fn returned.
 */
int nt_procfs_walk_sockstat(const char *text, nt_procfs_counter_fn fn,
			    void *arg, struct nt_err *err)
{
	struct counter_sink k = { .fn = fn, .arg = arg, .err = err };
	const char *line, *next;
	int ret = 0;

	for (line = text; line && !ret; line = next) {
		const char *p = skip_blank(line), *eol = line_end(line);

		next = next_line(eol);
		k.lineno++;
		if (p != eol)
			ret = sockstat_line(p, &k);
	}
	return ret;
}

/**
 * nt_procfs_parse_sockstat() - parse /proc/net/sockstat or sockstat6
 * @text: the file's text, NUL-terminated
 * @out: counters to append to, named "TCP.inuse", "sockets.used", ...
 * @err: error buffer
 *
 * Return: 0, -EINVAL naming the line, or -ENOMEM; on error @out holds what
 * it held before the call.
 */
int nt_procfs_parse_sockstat(const char *text, struct nt_counters *out,
			     struct nt_err *err)
{
	size_t n0 = out->n;
	int ret;

	ret = nt_procfs_walk_sockstat(text, counter_append, out, err);
	if (ret)
		counters_undo(out, n0);
	return ret;
}

/* uptime ------------------------------------------------------------------ */

/**
 * nt_procfs_parse_uptime() - the first number of /proc/uptime
 * @text: "350735.47 234388.90\n"
 * @ns: out, the seconds since boot in nanoseconds
 *
 * Return: 0 or -EINVAL.
 */
int nt_procfs_parse_uptime(const char *text, int64_t *ns)
{
	const int64_t max_s = INT64_MAX / 1000000000 - 1;
	const char *p = skip_blank(text);
	int64_t s = 0, frac = 0, scale = 1000000000;

	if (!is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		if (s > max_s / 10)
			return -EINVAL;
		s = s * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; is_digit(*p); p++) {
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (!is_sep(*p))
		return -EINVAL;
	*ns = s * 1000000000 + frac;
	return 0;
}

/* readers ----------------------------------------------------------------- */

/* The file as the user can find it: under the root when it is not "/". */
static const char *root_prefix(const struct nt_root *root)
{
	return root->live ? "" : root->path;
}

/*
 * Read @path under @root.  An absent file is reported only when @required,
 * so optional files (snmp6 without IPv6) return -ENOENT silently.
 */
static int read_text(const struct nt_root *root, const char *path,
		     bool required, char **text, struct nt_err *err)
{
	int ret = nt_root_read_file(root, path, text, NULL);

	if (!ret || (ret == -ENOENT && !required))
		return ret;
	return nt_err_set(err, -ret, "%s%s: %s", root_prefix(root), path,
			  strerror(-ret));
}

/* Parse messages name the line; the file's name is added here. */
static int parse_failed(const struct nt_root *root, const char *path,
			const struct nt_err *local, int ret,
			struct nt_err *err)
{
	return nt_err_set(err, -ret, "%s%s: %s", root_prefix(root), path,
			  local->msg);
}

/**
 * nt_procfs_read_softnet() - read /proc/net/softnet_stat under @root
 * @root: root directory
 * @out: set to a malloc'ed array, one entry per online CPU
 * @n: set to the number of entries
 * @err: error buffer; messages name the file and line
 *
 * Return: 0 or negative errno; on error *@out is NULL and *@n is 0.
 */
int nt_procfs_read_softnet(const struct nt_root *root, struct nt_softnet **out,
			   size_t *n, struct nt_err *err)
{
	static const char path[] = "/proc/net/softnet_stat";
	struct nt_err local = { 0 };
	char *text;
	int ret;

	*out = NULL;
	*n = 0;
	ret = read_text(root, path, true, &text, err);
	if (ret)
		return ret;
	ret = nt_procfs_parse_softnet(text, out, n, &local);
	free(text);
	return ret ? parse_failed(root, path, &local, ret, err) : 0;
}

/**
 * nt_procfs_read_interrupts() - read /proc/interrupts under @root
 * @root: root directory
 * @out: filled with the table (free with nt_interrupts_free())
 * @err: error buffer; messages name the file and line
 *
 * Return: 0 or negative errno; on error @out is empty.
 */
int nt_procfs_read_interrupts(const struct nt_root *root,
			      struct nt_interrupts *out, struct nt_err *err)
{
	static const char path[] = "/proc/interrupts";
	struct nt_err local = { 0 };
	char *text;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = read_text(root, path, true, &text, err);
	if (ret)
		return ret;
	ret = nt_procfs_parse_interrupts(text, out, &local);
	free(text);
	return ret ? parse_failed(root, path, &local, ret, err) : 0;
}

/**
 * nt_procfs_read_softirqs() - read /proc/softirqs under @root
 * @root: root directory
 * @out: filled with the table (free with nt_softirqs_free())
 * @err: error buffer; messages name the file and line
 *
 * Return: 0 or negative errno; on error @out is empty.
 */
int nt_procfs_read_softirqs(const struct nt_root *root,
			    struct nt_softirqs *out, struct nt_err *err)
{
	static const char path[] = "/proc/softirqs";
	struct nt_err local = { 0 };
	char *text;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = read_text(root, path, true, &text, err);
	if (ret)
		return ret;
	ret = nt_procfs_parse_softirqs(text, out, &local);
	free(text);
	return ret ? parse_failed(root, path, &local, ret, err) : 0;
}

struct counters_file {
	const char *path;
	bool required;
};

/* Several files into one set of counters: all of them, or @out untouched. */
static int read_counters(const struct nt_root *root,
			 const struct counters_file *files, size_t nfiles,
			 int (*parse)(const char *, struct nt_counters *,
				      struct nt_err *),
			 struct nt_counters *out, struct nt_err *err)
{
	size_t i, n0 = out->n;
	int ret = 0;

	for (i = 0; i < nfiles && !ret; i++) {
		struct nt_err local = { 0 };
		char *text;

		ret = read_text(root, files[i].path, files[i].required, &text,
				err);
		if (ret == -ENOENT && !files[i].required) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		ret = parse(text, out, &local);
		free(text);
		if (ret)
			parse_failed(root, files[i].path, &local, ret, err);
	}
	if (ret)
		counters_undo(out, n0);
	return ret;
}

/**
 * nt_procfs_read_snmp() - read the SNMP counters of the root's namespace
 * @root: root directory
 * @out: counters to append to, nstat names
 * @err: error buffer; messages name the file and line
 *
 * Reads /proc/net/netstat, /proc/net/snmp and, when IPv6 is there,
 * /proc/net/snmp6.
 *
 * Return: 0 or negative errno; on error @out holds what it held before.
 */
int nt_procfs_read_snmp(const struct nt_root *root, struct nt_counters *out,
			struct nt_err *err)
{
	static const struct counters_file files[] = {
		{ "/proc/net/netstat", true },
		{ "/proc/net/snmp", true },
		{ "/proc/net/snmp6", false },
	};

	return read_counters(root, files, ARRAY_SIZE(files),
			     nt_procfs_parse_snmp, out, err);
}

/**
 * nt_procfs_read_sockstat() - read /proc/net/sockstat and sockstat6
 * @root: root directory
 * @out: counters to append to, "TCP.inuse", "TCP6.inuse", ...
 * @err: error buffer; messages name the file and line
 *
 * sockstat6 is absent without IPv6 and then skipped.
 *
 * Return: 0 or negative errno; on error @out holds what it held before.
 */
int nt_procfs_read_sockstat(const struct nt_root *root,
			    struct nt_counters *out, struct nt_err *err)
{
	static const struct counters_file files[] = {
		{ "/proc/net/sockstat", true },
		{ "/proc/net/sockstat6", false },
	};

	return read_counters(root, files, ARRAY_SIZE(files),
			     nt_procfs_parse_sockstat, out, err);
}

/**
 * nt_procfs_read_uptime() - read /proc/uptime under @root
 * @root: root directory
 * @ns: out, seconds since boot in nanoseconds
 * @err: error buffer; messages name the file
 *
 * Return: 0 or negative errno.
 */
int nt_procfs_read_uptime(const struct nt_root *root, int64_t *ns,
			  struct nt_err *err)
{
	static const char path[] = "/proc/uptime";
	char *text;
	int ret;

	ret = read_text(root, path, true, &text, err);
	if (ret)
		return ret;
	ret = nt_procfs_parse_uptime(text, ns);
	free(text);
	if (ret)
		return nt_err_set(err, -ret, "%s%s: not an uptime",
				  root_prefix(root), path);
	return 0;
}

static bool is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!is_digit(*name))
			return false;
	return true;
}

int nt_procfs_irqbalance_running(const struct nt_root *root)
{
	struct dirent *de;
	char path[sizeof(de->d_name) + 16], comm[32];
	int found = 0;
	DIR *dir;

	dir = nt_root_opendir(root, "/proc");
	if (!dir)
		return -errno;
	while (!found && (de = readdir(dir))) {
		if (!is_pid(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		/* A process that exits while we look is simply not there. */
		if (nt_root_read_line(root, path, comm, sizeof(comm)))
			continue;
		found = !strcmp(comm, "irqbalance");
	}
	closedir(dir);
	return found;
}
