// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One knob of the live host, read and written in the text form plans use.
 * A table ties each knob to the form of its subject, to the lib/sys calls
 * that read and write it, and to what makes two of its values equal.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/knob.h"
#include "model/cpumask.h"
#include "sys/ethtool.h"
#include "sys/irq.h"
#include "sys/rtnl.h"
#include "sys/sysctl.h"
#include "sys/sysfs.h"

#define ADVICE_PREFIX	"app."

/* The kernel's limit on interface names, NUL included (IFNAMSIZ). */
#define IFNAME_LEN	16

/* Room for a mask in list form or a sysctl vector: one page. */
#define TEXT_LEN	4096

#include "util/array.h"

enum subject_form {
	SUBJ_SYSCTL,		/* "net.core.somaxconn" */
	SUBJ_IFACE,		/* "eth0" */
	SUBJ_RXQ,		/* "eth0 rx-0" */
	SUBJ_TXQ,		/* "eth0 tx-3" */
	SUBJ_IRQ,		/* "eth0 irq 38" */
};

static const char *const subject_hint[] = {
	[SUBJ_SYSCTL]	= "a sysctl name",
	[SUBJ_IFACE]	= "IF",
	[SUBJ_RXQ]	= "IF rx-N",
	[SUBJ_TXQ]	= "IF tx-N",
	[SUBJ_IRQ]	= "IF irq N",
};

/* A parsed subject: the sysctl or interface name, the queue, the IRQ. */
struct subject {
	char name[NT_SUBJECT_LEN];
	char queue[NT_SUBJECT_LEN];
	uint32_t irq;
};

struct knob;

typedef int (*knob_read_fn)(const struct nt_root *root, const struct knob *k,
			    const struct subject *s, char *value, size_t size,
			    struct nt_err *err);
typedef int (*knob_write_fn)(const struct nt_root *root,
			     const struct knob *k, const struct subject *s,
			     const char *value, struct nt_err *err);
typedef bool (*knob_equal_fn)(const char *a, const char *b);
typedef int (*eth_set_fn)(struct nt_ethtool *eth, const char *ifname,
			  uint32_t attr, uint32_t value, struct nt_err *err);

struct knob {
	const char *name;
	enum subject_form form;
	knob_read_fn read;
	knob_write_fn write;
	knob_equal_fn equal;
	uint32_t attr;		/* NT_RING_* or NT_CHAN_* bit */
	size_t off;		/* its field in struct nt_rings / nt_channels */
	eth_set_fn eth_set;
	const char *file;	/* queue file in sysfs */
};

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Equal but for the amount of white space between and around words. */
static bool equal_words(const char *a, const char *b)
{
	a = skip_space(a);
	b = skip_space(b);
	while (*a && *b) {
		bool sa = isspace((unsigned char)*a);
		bool sb = isspace((unsigned char)*b);

		if (sa != sb)
			return false;
		if (sa) {
			a = skip_space(a);
			b = skip_space(b);
		} else if (*a++ != *b++) {
			return false;
		}
	}
	return !*skip_space(a) && !*skip_space(b);
}

/* A decimal number with optional white space around it. */
static int parse_u64(const char *text, uint64_t *value)
{
	unsigned long long v;
	char *end;

	text = skip_space(text);
	if (!isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *skip_space(end))
		return -EINVAL;
	*value = v;
	return 0;
}

static int parse_u32(const char *text, uint32_t *value)
{
	uint64_t v;

	if (parse_u64(text, &v) || v > UINT32_MAX)
		return -EINVAL;
	*value = (uint32_t)v;
	return 0;
}

static bool equal_number(const char *a, const char *b)
{
	uint64_t x, y;

	if (parse_u64(a, &x) || parse_u64(b, &y))
		return equal_words(a, b);
	return x == y;
}

/* The kernel keeps rps_flow_cnt as a table of a power of two entries. */
static uint64_t flow_table_size(uint64_t count)
{
	uint64_t size = 1;

	if (!count)
		return 0;
	while (size < count && size <= UINT64_MAX / 2)
		size <<= 1;
	return size;
}

static bool equal_flow_cnt(const char *a, const char *b)
{
	uint64_t x, y;

	if (parse_u64(a, &x) || parse_u64(b, &y))
		return equal_words(a, b);
	return flow_table_size(x) == flow_table_size(y);
}

/*
 * A number with a leading zero is no CPU of a list, but common in the hex
 * form: "00000003", "1,00000000".
 */
static bool looks_hex(const char *text)
{
	for (const char *p = skip_space(text); *p; p++)
		if ((p == text || p[-1] == ',' || p[-1] == '-' ||
		     isspace((unsigned char)p[-1])) &&
		    p[0] == '0' && isxdigit((unsigned char)p[1]))
			return true;
	return false;
}

/* Plans use the list form; the kernel's hex form is taken too. */
static int parse_mask(const char *text, struct nt_cpumask *mask)
{
	if (looks_hex(text))
		return nt_cpumask_parse_hex(mask, text);
	if (!nt_cpumask_parse_list(mask, text))
		return 0;
	return nt_cpumask_parse_hex(mask, text);
}

static bool equal_mask(const char *a, const char *b)
{
	struct nt_cpumask ma = { 0 }, mb = { 0 };
	bool eq;

	if (parse_mask(a, &ma) || parse_mask(b, &mb))
		eq = equal_words(a, b);
	else
		eq = nt_cpumask_equal(&ma, &mb);
	nt_cpumask_free(&ma);
	nt_cpumask_free(&mb);
	return eq;
}

/*
 * The kind is the first word: the root qdisc is read back without its
 * parameters.  noqueue and noop read back as "", meaning no queue.
 */
static size_t qdisc_kind(const char **text)
{
	const char *p = skip_space(*text);
	size_t len = 0;

	while (p[len] && !isspace((unsigned char)p[len]))
		len++;
	if ((len == 7 && !strncmp(p, "noqueue", len)) ||
	    (len == 4 && !strncmp(p, "noop", len)))
		len = 0;
	*text = p;
	return len;
}

static bool equal_qdisc(const char *a, const char *b)
{
	size_t la = qdisc_kind(&a), lb = qdisc_kind(&b);

	return la == lb && !strncmp(a, b, la);
}

/* Tabs between the fields of vectors ("4096\t131072") become one space. */
static void squeeze_blanks(char *text)
{
	char *out = text;
	const char *in = text;

	while (*in) {
		if (*in == ' ' || *in == '\t') {
			in += strspn(in, " \t");
			*out++ = ' ';
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static int print_value(char *value, size_t size, const char *what,
		       uint64_t v, struct nt_err *err)
{
	if ((size_t)snprintf(value, size, "%llu", (unsigned long long)v) >=
	    size)
		return nt_err_set(err, ENOSPC, "%s: value too long", what);
	return 0;
}

static int bad_value(const struct knob *k, const struct subject *s,
		     const char *value, struct nt_err *err)
{
	return nt_err_set(err, EINVAL, "%s: %s: bad value \"%s\"", s->name,
			  k->name, value);
}

/*
 * Netlink speaks to the kernel nettune runs on: with --root, writing it
 * would change a host the tree does not describe.
 */
static int need_live(const struct nt_root *root, const struct knob *k,
		     const struct subject *s, struct nt_err *err)
{
	if (root->live)
		return 0;
	return nt_err_set(err, EOPNOTSUPP,
			  "%s: %s: only on the live host, not under %s",
			  s->name, k->name, root->path);
}

static int sysctl_read(const struct nt_root *root, const struct knob *k,
		       const struct subject *s, char *value, size_t size,
		       struct nt_err *err)
{
	int ret = nt_sysctl_read(root, s->name, value, size, err);

	(void)k;
	if (!ret)
		squeeze_blanks(value);
	return ret;
}

static int sysctl_write(const struct nt_root *root, const struct knob *k,
			const struct subject *s, const char *value,
			struct nt_err *err)
{
	(void)k;
	return nt_sysctl_write(root, s->name, value, err);
}

/*
 * A kernel without the ethtool family says ENOENT, which must not pass
 * for a missing interface.
 */
static int eth_open(const struct nt_root *root, const struct knob *k,
		    const struct subject *s, struct nt_ethtool **eth,
		    struct nt_err *err)
{
	struct nt_err local = { 0 };
	int ret = need_live(root, k, s, err);

	if (ret)
		return ret;
	ret = nt_ethtool_open(eth, &local);
	if (ret == -ENOENT)
		ret = -EOPNOTSUPP;
	if (ret)
		return nt_err_set(err, ret, "%s", local.msg);
	return 0;
}

/* One u32 of a rings or channels reply, if the driver has it. */
static int eth_field(const struct knob *k, const struct subject *s,
		     enum nt_state state, uint32_t present, const void *obj,
		     char *value, size_t size, struct nt_err *err)
{
	uint32_t v;

	if (state != NT_STATE_OK || !(present & k->attr))
		return nt_err_set(err, EOPNOTSUPP, "%s: the driver has no %s",
				  s->name, k->name);
	memcpy(&v, (const char *)obj + k->off, sizeof(v));
	return print_value(value, size, s->name, v, err);
}

static int rings_read(const struct nt_root *root, const struct knob *k,
		      const struct subject *s, char *value, size_t size,
		      struct nt_err *err)
{
	struct nt_ethtool *eth;
	struct nt_rings rings;
	int ret = eth_open(root, k, s, &eth, err);

	if (ret)
		return ret;
	ret = nt_ethtool_rings_get(eth, s->name, &rings, err);
	nt_ethtool_close(eth);
	if (ret)
		return ret;
	return eth_field(k, s, rings.state, rings.present, &rings, value,
			 size, err);
}

static int channels_read(const struct nt_root *root, const struct knob *k,
			 const struct subject *s, char *value, size_t size,
			 struct nt_err *err)
{
	struct nt_ethtool *eth;
	struct nt_channels ch;
	int ret = eth_open(root, k, s, &eth, err);

	if (ret)
		return ret;
	ret = nt_ethtool_channels_get(eth, s->name, &ch, err);
	nt_ethtool_close(eth);
	if (ret)
		return ret;
	return eth_field(k, s, ch.state, ch.present, &ch, value, size, err);
}

static int eth_write(const struct nt_root *root, const struct knob *k,
		     const struct subject *s, const char *value,
		     struct nt_err *err)
{
	struct nt_ethtool *eth;
	uint32_t v;
	int ret;

	if (parse_u32(value, &v))
		return bad_value(k, s, value, err);
	ret = eth_open(root, k, s, &eth, err);
	if (ret)
		return ret;
	ret = k->eth_set(eth, s->name, k->attr, v, err);
	nt_ethtool_close(eth);
	return ret;
}

static int irq_read(const struct nt_root *root, const struct knob *k,
		    const struct subject *s, char *value, size_t size,
		    struct nt_err *err)
{
	struct nt_iface_irq irq = { 0 };
	int ret = nt_irq_read(root, s->irq, &irq, err);

	(void)k;
	if (!ret && nt_cpumask_format_list(&irq.affinity, value, size) < 0)
		ret = nt_err_set(err, ENOSPC, "irq %u: affinity too long",
				 s->irq);
	nt_cpumask_free(&irq.affinity);
	nt_cpumask_free(&irq.effective_affinity);
	return ret;
}

static int irq_write(const struct nt_root *root, const struct knob *k,
		     const struct subject *s, const char *value,
		     struct nt_err *err)
{
	struct nt_cpumask cpus = { 0 };
	int ret = nt_cpumask_parse_list(&cpus, value);

	if (ret == -EINVAL)
		return bad_value(k, s, value, err);
	if (!ret)
		ret = nt_irq_write_affinity(root, s->irq, &cpus, err);
	else
		nt_err_set(err, ret, "irq %u: %s", s->irq, strerror(-ret));
	nt_cpumask_free(&cpus);
	return ret;
}

static int queue_read(const struct nt_root *root, const struct knob *k,
		      const struct subject *s, char *value, size_t size,
		      struct nt_err *err)
{
	return nt_sysfs_read_queue(root, s->name, s->queue, k->file, value,
				   size, err);
}

static int queue_write(const struct nt_root *root, const struct knob *k,
		       const struct subject *s, const char *value,
		       struct nt_err *err)
{
	return nt_sysfs_write_queue(root, s->name, s->queue, k->file, value,
				    err);
}

/* sysfs: as cheap as one file, where a link dump lists every interface. */
static int txqlen_read(const struct nt_root *root, const struct knob *k,
		       const struct subject *s, char *value, size_t size,
		       struct nt_err *err)
{
	char path[128];
	long v;
	int ret;

	(void)k;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tx_queue_len",
		 s->name);
	ret = nt_root_read_long(root, path, &v);
	if (!ret && v < 0)
		ret = -EINVAL;
	if (ret)
		return nt_err_set(err, ret, "%s: cannot read %s: %s", s->name,
				  path, strerror(-ret));
	return print_value(value, size, s->name, (uint64_t)v, err);
}

static int txqlen_write(const struct nt_root *root, const struct knob *k,
			const struct subject *s, const char *value,
			struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	uint32_t v;
	int ret;

	if (parse_u32(value, &v))
		return bad_value(k, s, value, err);
	ret = need_live(root, k, s, err);
	if (!ret)
		ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_set_txqlen(rtnl, s->name, v, err);
	nt_rtnl_close(rtnl);
	return ret;
}

static int qdisc_read(const struct nt_root *root, const struct knob *k,
		      const struct subject *s, char *value, size_t size,
		      struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret = need_live(root, k, s, err);

	if (!ret)
		ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_root_qdisc(rtnl, s->name, value, size, err);
	nt_rtnl_close(rtnl);
	return ret;
}

/*
 * Only a kind is set, with its default parameters: a target with
 * parameters would read back as equal (the kind) without being applied.
 * "" restores the kernel's default root qdisc.
 */
static int qdisc_write(const struct nt_root *root, const struct knob *k,
		       const struct subject *s, const char *value,
		       struct nt_err *err)
{
	const char *p = skip_space(value);
	size_t len = strcspn(p, " \t\n");
	struct nt_rtnl *rtnl;
	char kind[IFNAME_LEN];
	int ret;

	if (*skip_space(p + len))
		return nt_err_set(err, EOPNOTSUPP,
				  "%s: qdisc \"%s\": only a kind can be set, not its parameters",
				  s->name, value);
	if (len >= sizeof(kind))
		return bad_value(k, s, value, err);
	memcpy(kind, p, len);
	kind[len] = '\0';
	ret = need_live(root, k, s, err);
	if (!ret)
		ret = nt_rtnl_open(&rtnl, err);
	if (ret)
		return ret;
	ret = nt_rtnl_replace_root_qdisc(rtnl, s->name, kind, err);
	nt_rtnl_close(rtnl);
	return ret;
}

#define KNOB(n, f, r, w, eq)						\
	.name = n, .form = f, .read = r, .write = w, .equal = eq
#define RINGS(n, b, f)							\
	{ KNOB("rings." n, SUBJ_IFACE, rings_read, eth_write,		\
	       equal_number),						\
	  .attr = NT_RING_##b, .off = offsetof(struct nt_rings, f),	\
	  .eth_set = nt_ethtool_rings_set }
#define CHANNELS(n, b, f)						\
	{ KNOB("channels." n, SUBJ_IFACE, channels_read, eth_write,	\
	       equal_number),						\
	  .attr = NT_CHAN_##b, .off = offsetof(struct nt_channels, f),	\
	  .eth_set = nt_ethtool_channels_set }
#define QUEUE(n, f, fl, eq)						\
	{ KNOB(n, f, queue_read, queue_write, eq), .file = fl }

static const struct knob knobs[] = {
	{ KNOB("sysctl", SUBJ_SYSCTL, sysctl_read, sysctl_write,
	       equal_words) },
	RINGS("rx", RX, rx),
	RINGS("tx", TX, tx),
	CHANNELS("rx", RX, rx),
	CHANNELS("tx", TX, tx),
	CHANNELS("combined", COMBINED, combined),
	CHANNELS("other", OTHER, other),
	{ KNOB("irq.affinity", SUBJ_IRQ, irq_read, irq_write, equal_mask) },
	QUEUE("rps.cpus", SUBJ_RXQ, "rps_cpus", equal_mask),
	QUEUE("rps.flow_cnt", SUBJ_RXQ, "rps_flow_cnt", equal_flow_cnt),
	QUEUE("xps.cpus", SUBJ_TXQ, "xps_cpus", equal_mask),
	{ KNOB("txqlen", SUBJ_IFACE, txqlen_read, txqlen_write,
	       equal_number) },
	{ KNOB("qdisc", SUBJ_IFACE, qdisc_read, qdisc_write, equal_qdisc) },
};

static const struct knob *find_knob(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

bool nt_knob_is_advice(const char *knob)
{
	if (!knob)
		return false;
	/* stopping or configuring a daemon is the operator's call */
	if (!strcmp(knob, "irqbalance"))
		return true;
	return !strncmp(knob, ADVICE_PREFIX, strlen(ADVICE_PREFIX)) &&
	       knob[strlen(ADVICE_PREFIX)];
}

bool nt_knob_known(const char *knob)
{
	return knob && (nt_knob_is_advice(knob) || find_knob(knob));
}

/* As the kernel's dev_valid_name(): no path, no white space, no colon. */
static bool valid_ifname(const char *name)
{
	size_t len = strlen(name);

	return len && len < IFNAME_LEN && strcmp(name, ".") &&
	       strcmp(name, "..") && !strpbrk(name, "/: \t\n");
}

/* "PREFIXN", N decimal without a sign or leading zeros. */
static bool valid_index(const char *word, const char *prefix, uint32_t *n)
{
	size_t len = strlen(prefix);
	const char *digits = word + len;

	if (strncmp(word, prefix, len) || !isdigit((unsigned char)digits[0]) ||
	    (digits[0] == '0' && digits[1]))
		return false;
	return !parse_u32(digits, n);
}

static bool valid_sysctl(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') &&
	       !strstr(name, "..");
}

/* Split @text at white space into at most 3 words; -1 when more. */
static int split(const char *text, char words[3][NT_SUBJECT_LEN])
{
	int n = 0;

	for (text = skip_space(text); *text; text = skip_space(text)) {
		size_t len = strcspn(text, " \t\n\v\f\r");

		if (n == 3 || len >= NT_SUBJECT_LEN)
			return -1;
		memcpy(words[n], text, len);
		words[n++][len] = '\0';
		text += len;
	}
	return n;
}

static bool parse_words(enum subject_form form, char w[3][NT_SUBJECT_LEN],
			int n, struct subject *s)
{
	uint32_t index;

	strcpy(s->name, w[0]);
	switch (form) {
	case SUBJ_SYSCTL:
		return n == 1 && valid_sysctl(w[0]);
	case SUBJ_IFACE:
		return n == 1 && valid_ifname(w[0]);
	case SUBJ_RXQ:
	case SUBJ_TXQ:
		strcpy(s->queue, w[1]);
		return n == 2 && valid_ifname(w[0]) &&
		       valid_index(w[1], form == SUBJ_RXQ ? "rx-" : "tx-",
				   &index);
	case SUBJ_IRQ:
		return n == 3 && valid_ifname(w[0]) && !strcmp(w[1], "irq") &&
		       valid_index(w[2], "", &s->irq);
	}
	return false;
}

static int parse_subject(const struct knob *k, const char *text,
			 struct subject *s, struct nt_err *err)
{
	char words[3][NT_SUBJECT_LEN] = { "" };
	int n = split(text, words);

	memset(s, 0, sizeof(*s));
	if (n < 1 || !parse_words(k->form, words, n, s))
		return nt_err_set(err, EINVAL,
				  "%s: bad subject \"%s\" (expected %s)",
				  k->name, text, subject_hint[k->form]);
	return 0;
}

/* The knob of @c and its parsed subject; advice has neither. */
static int lookup(const struct nt_change *c, const struct knob **k,
		  struct subject *s, struct nt_err *err)
{
	if (nt_knob_is_advice(c->knob))
		return nt_err_set(err, EOPNOTSUPP,
				  "%s %s: advice for the application, nettune does not change it",
				  c->knob, c->subject);
	*k = find_knob(c->knob);
	if (!*k)
		return nt_err_set(err, EINVAL, "unknown knob \"%s\"", c->knob);
	return parse_subject(*k, c->subject, s, err);
}

/**
 * nt_knob_read() - the live value of @c's knob on @c's subject
 * @root: root the files are read under; netlink knobs need the live host
 * @c: change naming the knob and subject
 * @value: out, the value in plan form (sysctl tabs as single spaces, CPU
 *         lists, "" for no root qdisc)
 * @size: size of @value
 * @err: error message; left alone for -ENOENT, which callers may expect
 *
 * Return: 0, -ENOENT when the subject does not exist, -EINVAL for an
 * unknown knob or bad subject, -EOPNOTSUPP for advice and for what the
 * driver lacks, other negative errno.
 */
int nt_knob_read(const struct nt_root *root, const struct nt_change *c,
		 char *value, size_t size, struct nt_err *err)
{
	struct nt_err local = { 0 };
	const struct knob *k;
	struct subject s;
	int ret = lookup(c, &k, &s, err);

	if (size)
		value[0] = '\0';
	if (ret)
		return ret;
	ret = k->read(root, k, &s, value, size, &local);
	if (ret == -ENOENT || ret == -ENODEV)
		return -ENOENT;
	if (ret)
		return nt_err_set(err, ret, "%s", local.msg[0] ? local.msg :
				  strerror(-ret));
	return 0;
}

/**
 * nt_knob_write() - set @c's knob on @c's subject to @value
 * @root: root the files are written under; netlink knobs need the live host
 * @c: change naming the knob and subject (its target is not used)
 * @value: new value in plan form
 * @err: error message, with the kernel's extended ack text for netlink
 *
 * A qdisc value is a kind alone; "" restores the kernel's default root
 * qdisc.  Return: 0 or negative errno.
 */
int nt_knob_write(const struct nt_root *root, const struct nt_change *c,
		  const char *value, struct nt_err *err)
{
	const struct knob *k;
	struct subject s;
	int ret = lookup(c, &k, &s, err);

	if (ret)
		return ret;
	return k->write(root, k, &s, value ? value : "", err);
}

/**
 * nt_knob_equal() - do two values of @knob mean the same?
 * @knob: knob name; unknown knobs compare as words
 * @a: one value
 * @b: the other
 *
 * Sysctls compare with white space runs collapsed; CPU masks as sets, in
 * list or hex form; counts as numbers (rps_flow_cnt as the power of two
 * the kernel rounds it up to); qdiscs by kind.
 */
bool nt_knob_equal(const char *knob, const char *a, const char *b)
{
	const struct knob *k = knob ? find_knob(knob) : NULL;

	if (!a || !b)
		return a == b;
	return k ? k->equal(a, b) : equal_words(a, b);
}
