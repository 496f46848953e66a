// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IRQs of network interfaces: which /proc/interrupts rows belong to an
 * interface, who owns each, which queues it serves, and their affinity in
 * /proc/irq/N.
 *
 * Drivers name their IRQs freely, so the name parser is a table of the
 * names the drivers print (docs/irq-naming.md, from each driver's source).
 * Where sysfs lists the PCI function's msi_irqs, that list decides which
 * IRQs are the interface's and the name only what each one does.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sys/irq.h"

/* Characters around an interface name or bus address inside an IRQ name. */
#define TOKEN_SEPARATORS	"-_@:. ,"

/* Longest action name the queue parser looks at; longer ones are no queue. */
#define ACTION_LEN	128

/* Queue numbers above this are not real queues but a mis-parse. */
#define MAX_QUEUE	65535

#include "util/array.h"

static int read_list(const struct nt_root *root, const char *path,
		     struct nt_cpumask *mask)
{
	char text[4096];
	int ret = nt_root_read_line(root, path, text, sizeof(text));

	if (ret)
		return ret;
	return nt_cpumask_parse_list(mask, text);
}

/*
 * The effective mask exists only with GENERIC_IRQ_EFFECTIVE_AFF_MASK (and
 * since 4.13): without it the mask stays empty, not an error.
 */
static int read_effective(const struct nt_root *root, uint32_t irq,
			  struct nt_cpumask *mask)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list",
		 irq);
	ret = read_list(root, path, mask);
	if (ret)
		nt_cpumask_free(mask);
	return ret == -ENOMEM ? ret : 0;
}

static int read_node(const struct nt_root *root, uint32_t irq)
{
	char path[64];
	long node;

	snprintf(path, sizeof(path), "/proc/irq/%u/node", irq);
	if (nt_root_read_long(root, path, &node) || node < 0 || node > INT_MAX)
		return -1;
	return node;
}

int nt_irq_read(const struct nt_root *root, uint32_t irq,
		struct nt_iface_irq *out, struct nt_err *err)
{
	struct nt_cpumask affinity = { 0 }, effective = { 0 };
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", irq);
	ret = read_list(root, path, &affinity);
	if (!ret)
		ret = read_effective(root, irq, &effective);
	if (ret) {
		nt_cpumask_free(&affinity);
		return nt_err_set(err, ret, "IRQ %u: cannot read %s: %s", irq,
				  path, strerror(-ret));
	}
	out->irq = irq;
	out->node = read_node(root, irq);
	nt_cpumask_free(&out->affinity);
	nt_cpumask_free(&out->effective_affinity);
	out->affinity = affinity;
	out->effective_affinity = effective;
	return 0;
}

/* Room for the list form of any mask the kernel accepts: one page. */
#define AFFINITY_TEXT_LEN	4096

int nt_irq_write_affinity(const struct nt_root *root, uint32_t irq,
			  const struct nt_cpumask *cpus, struct nt_err *err)
{
	char path[64], list[AFFINITY_TEXT_LEN];
	int ret = nt_cpumask_format_list(cpus, list, sizeof(list));

	if (ret < 0)
		return nt_err_set(err, -ret, "irq %u: cannot set affinity: %s",
				  irq, strerror(-ret));
	/* The list form needs no width: it is the same for any nr_cpu_ids. */
	snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", irq);
	ret = nt_root_write_file(root, path, list);
	if (ret)
		return nt_err_set(err, -ret,
				  "irq %u: cannot set affinity %s: %s", irq,
				  list, strerror(-ret));
	return 0;
}

/* Where the index may follow a queue word. */
enum {
	AFTER_DASH	= 1 << 0,	/* "eth0-TxRx-3" */
	AFTER_DOT	= 1 << 1,	/* "virtio2-input.0" */
	GLUED		= 1 << 2,	/* "mlx5_comp3" */
};

/* Which queues a queue word serves. */
enum { SERVES_RX = 1, SERVES_TX = 2, SERVES_BOTH = 3 };

/*
 * Words that precede a queue index, as drivers print them (the table per
 * driver is docs/irq-naming.md).  The word itself follows '-' or '_', so
 * an interface named "wtx0" is no queue.  Longer words first:
 * "eth0-Tx-Rx-0" (ena) also ends in "-Rx".
 */
static const struct queue_word {
	const char *word;
	unsigned int serves;
	unsigned int where;
} queue_words[] = {
	{ "tx-rx",	SERVES_BOTH,	AFTER_DASH },		/* ena */
	{ "txrx",	SERVES_BOTH,	AFTER_DASH | GLUED },	/* igb, i40e */
	{ "rxtx",	SERVES_BOTH,	AFTER_DASH | GLUED },	/* vmxnet3 */
	{ "output",	SERVES_TX,	AFTER_DOT },		/* virtio_net */
	{ "input",	SERVES_RX,	AFTER_DOT },		/* virtio_net */
	{ "comp",	SERVES_BOTH,	AFTER_DASH | GLUED },	/* mlx4, mlx5 */
	{ "fp",		SERVES_BOTH,	AFTER_DASH },		/* bnx2x, qede */
	{ "rx",		SERVES_RX,	AFTER_DASH | GLUED },	/* igb, e1000e */
	{ "tx",		SERVES_TX,	AFTER_DASH | GLUED },
	{ "q",		SERVES_BOTH,	GLUED },		/* be2net */
};

/*
 * Words of sideband vectors: never a data queue, whatever index follows
 * ("i40e-ADDR:fdir-TxRx-0").  Matched as a whole token, digits aside.
 */
static const struct side_word {
	const char *word;
	enum nt_irq_kind kind;
} side_words[] = {
	{ "fdir",	NT_IRQ_FDIR },		/* i40e */
	{ "async",	NT_IRQ_ASYNC },		/* mlx4, mlx5 */
	{ "cmd",	NT_IRQ_ASYNC },		/* mlx5_cmd_eq */
	{ "pages",	NT_IRQ_ASYNC },		/* mlx5_pages_eq */
	{ "misc",	NT_IRQ_MISC },		/* i40e, ice */
	{ "other",	NT_IRQ_MISC },
	{ "mbx",	NT_IRQ_MISC },		/* hinic, ixgbevf */
	{ "mgmnt",	NT_IRQ_MISC },		/* ena, gve */
	{ "mgmt",	NT_IRQ_MISC },
	{ "ctrl",	NT_IRQ_MISC },		/* mlx5 ctrl pool */
	{ "control",	NT_IRQ_MISC },		/* virtio control vq */
	{ "err",	NT_IRQ_MISC },		/* enic */
	{ "notify",	NT_IRQ_MISC },		/* enic */
	{ "event",	NT_IRQ_MISC },		/* vmxnet3 */
	{ "lsc",	NT_IRQ_LINK },
	{ "link",	NT_IRQ_LINK },
	{ "config",	NT_IRQ_CONFIG },	/* virtio */
};

/* Data vectors whose index is no queue number (gve notify blocks). */
static const char *const data_words[] = { "ntfy" };

/* Does @head (length @len) end in '-' or '_' and @word, case aside? */
static bool ends_with_word(const char *head, size_t len, const char *word)
{
	size_t wlen = strlen(word);
	char sep;

	if (len < wlen + 2)
		return false;
	sep = head[len - wlen - 1];
	return (sep == '-' || sep == '_') &&
	       !strncasecmp(head + len - wlen, word, wlen);
}

static unsigned int word_serves(const char *head, size_t len,
				unsigned int where)
{
	for (size_t i = 0; i < ARRAY_SIZE(queue_words); i++) {
		const struct queue_word *w = &queue_words[i];

		if ((w->where & where) && ends_with_word(head, len, w->word))
			return w->serves;
	}
	/* bnx2, sfc, tg3, mlx4_en: "eth2-3", the name and the index alone. */
	if (where == AFTER_DASH && len && !memchr(head, '-', len))
		return SERVES_BOTH;
	return 0;
}

/* The digits that end @s[0..len): their start, or @len when none. */
static size_t digits_before(const char *s, size_t len)
{
	while (len && isdigit((unsigned char)s[len - 1]))
		len--;
	return len;
}

/*
 * A queue index ending @s[0..len): index in *@index, start of its digits
 * in *@at.  Return: the queues it serves, 0 when @s names no queue.
 */
static unsigned int parse_index(const char *s, size_t len, long *index,
				size_t *at)
{
	size_t digits = digits_before(s, len);
	unsigned int serves;
	char sep;

	/* No index, no name before it, or too many digits to be a queue. */
	if (digits == len || !digits || len - digits > 5)
		return 0;
	sep = s[digits - 1];
	if (sep == '-')
		serves = word_serves(s, digits - 1, AFTER_DASH);
	else if (sep == '.')
		serves = word_serves(s, digits - 1, AFTER_DOT);
	else
		serves = word_serves(s, digits, GLUED);
	*index = strtol(s + digits, NULL, 10);
	*at = digits;
	return *index <= MAX_QUEUE ? serves : 0;
}

/* Is @s[0..len) a token of side or data word @word, digits aside? */
static bool token_is(const char *s, size_t len, const char *word)
{
	len = digits_before(s, len);
	return len == strlen(word) && !strncasecmp(s, word, len);
}

/* The kind the tokens of @s (before any '@') say, NT_IRQ_OTHER if none. */
static enum nt_irq_kind token_kind(const char *s)
{
	size_t end = strcspn(s, "@");

	for (size_t i = 0; i < end;) {
		size_t n = strcspn(s + i, TOKEN_SEPARATORS);

		if (i + n > end)
			n = end - i;
		for (size_t k = 0; k < ARRAY_SIZE(side_words); k++)
			if (token_is(s + i, n, side_words[k].word))
				return side_words[k].kind;
		for (size_t k = 0; k < ARRAY_SIZE(data_words); k++)
			if (token_is(s + i, n, data_words[k]))
				return NT_IRQ_DATA;
		i += n + 1;
	}
	return NT_IRQ_OTHER;
}

/* A PCI address as pci_name() prints it starts @s: "0000:81:00.0". */
static size_t pci_address_at(const char *s)
{
	static const char form[] = "xxxx:xx:xx.x";

	for (size_t i = 0; form[i]; i++) {
		bool ok = form[i] == 'x' ? isxdigit((unsigned char)s[i]) :
			  s[i] == form[i];

		if (!ok)
			return 0;
	}
	return sizeof(form) - 1;
}

/* Does @s start with @ifname (length @ilen, not 0) as a whole token? */
static bool ifname_at(const char *s, const char *ifname, size_t ilen)
{
	return ilen && !strncmp(s, ifname, ilen) &&
	       (!s[ilen] || strchr(TOKEN_SEPARATORS, s[ilen]));
}

/*
 * @action with the interface name replaced by "IF" and PCI addresses by
 * "ADDR": "i40e-eth0-TxRx-1" -> "i40e-IF-TxRx-1".  Whole tokens only.
 */
static void normalize(const char *action, const char *ifname, char *out,
		      size_t size)
{
	size_t ilen = ifname ? strlen(ifname) : 0, n = 0;

	for (size_t i = 0; action[i] && n + 1 < size;) {
		bool start = !i || strchr(TOKEN_SEPARATORS, action[i - 1]);
		size_t alen = start ? pci_address_at(action + i) : 0;
		const char *put = NULL;

		if (alen) {
			put = "ADDR";
		} else if (start && ifname_at(action + i, ifname, ilen)) {
			put = "IF";
			alen = ilen;
		}
		if (put) {
			n += snprintf(out + n, size - n, "%s", put);
			if (n >= size)
				n = size - 1;
			i += alen;
		} else {
			out[n++] = action[i++];
		}
	}
	out[n] = '\0';
}

/* Copy @s[from..to) to @out at *@n, then @tail. */
static void put_span(char *out, size_t size, size_t *n, const char *s,
		     size_t from, size_t to, const char *tail)
{
	int len = snprintf(out + *n, size - *n, "%.*s%s", (int)(to - from),
			   s + from, tail);

	*n += len;
	if (*n >= size)
		*n = size - 1;
}

/*
 * Queues of a data vector named @s (normalized): "IF-TxRx-3" rx and tx 3,
 * "IF-tx-0-rx-3" (qlcnic) tx 0 and rx 3.  The pattern gets "N" for each
 * index.  Return: false when @s names no queue.
 */
static bool parse_queues(const char *s, struct nt_iface_irq *irq)
{
	size_t len = strcspn(s, "@"), at, tx_at = 0, n = 0;
	long index, tx = -1;
	unsigned int serves = parse_index(s, len, &index, &at);

	if (!serves)
		return false;
	/* "-tx-N-rx-M": the head before "-rx" ends in a tx queue index */
	if (serves == SERVES_RX && at >= 4 &&
	    parse_index(s, at - 4, &tx, &tx_at) != SERVES_TX)
		tx = -1;
	irq->rxq = serves & SERVES_RX ? index : -1;
	irq->txq = tx >= 0 ? tx : serves & SERVES_TX ? index : -1;
	irq->pattern[0] = '\0';
	if (tx >= 0)
		put_span(irq->pattern, sizeof(irq->pattern), &n, s, 0, tx_at,
			 "N");
	put_span(irq->pattern, sizeof(irq->pattern), &n, s,
		 tx >= 0 ? at - 4 : 0, at, "N");
	put_span(irq->pattern, sizeof(irq->pattern), &n, s, len, strlen(s),
		 "");
	return true;
}

bool nt_irq_parse_name(const char *action, const char *ifname,
		       struct nt_iface_irq *irq)
{
	char norm[ACTION_LEN];

	irq->rxq = irq->txq = -1;
	irq->kind = NT_IRQ_OTHER;
	irq->pattern[0] = '\0';
	if (strlen(action) >= ACTION_LEN || strchr(action, ','))
		return false;
	normalize(action, ifname, norm, sizeof(norm));
	put_span(irq->pattern, sizeof(irq->pattern), &(size_t){ 0 }, norm, 0,
		 strlen(norm), "");
	irq->kind = token_kind(norm);
	if (irq->kind != NT_IRQ_OTHER)
		return false;
	if (!parse_queues(norm, irq))
		return false;
	irq->kind = NT_IRQ_DATA;
	return true;
}

/*
 * Is @token in @text (length @len) as a whole word, not as part of a longer
 * name ("eth1" is not in "eth10-TxRx-0")?
 */
static bool has_token(const char *text, size_t len, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = text, *end = text + len;

	if (!tlen)
		return false;
	while ((p = memmem(p, end - p, token, tlen))) {
		bool start = p == text || strchr(TOKEN_SEPARATORS, p[-1]);
		bool stop = p + tlen == end ||
			    strchr(TOKEN_SEPARATORS, p[tlen]);

		if (start && stop)
			return true;
		p++;
	}
	return false;
}

/*
 * The action of @name that names the interface (shared IRQs list several:
 * "uhci_hcd:usb1, eth0, eth1"), else NULL.  @len gets its length, @rule
 * whether it names the interface or its bus address.
 */
static const char *find_action(const char *name, const char *ifname,
			       const char *bus_info, size_t *len,
			       enum nt_irq_rule *rule)
{
	const char *action = name;

	for (;;) {
		size_t n = strcspn(action, ",");

		*rule = has_token(action, n, ifname) ? NT_IRQ_RULE_NAME :
			NT_IRQ_RULE_ADDRESS;
		if (*rule == NT_IRQ_RULE_NAME ||
		    (bus_info[0] && has_token(action, n, bus_info))) {
			*len = n;
			return action;
		}
		if (!action[n])
			return NULL;
		action += n + 1;
		action += strspn(action, " ");
	}
}

/* A PCI address has a domain, bus, slot and function: "0000:81:00.0". */
static bool is_pci_address(const char *s, size_t len)
{
	unsigned int domain, bus, slot, fn;
	int used = 0;
	char buf[NT_BUS_LEN];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return sscanf(buf, "%x:%x:%x.%x%n", &domain, &bus, &slot, &fn,
		      &used) == 4 && (size_t)used == len;
}

/*
 * The PCI address an IRQ row itself names: "@pci:ADDR" or "@ADDR" (mlx4)
 * in the action name or "PCI-MSI(X)-ADDR" in the chip column.  Length in
 * *len, NULL if none.
 */
static const char *row_address(const struct nt_interrupt *row, size_t *len)
{
	const char *p = row->name ? strchr(row->name, '@') : NULL;

	if (p) {
		p++;
		if (!strncmp(p, "pci:", 4))
			p += 4;
		*len = strcspn(p, " ,");
		if (is_pci_address(p, *len))
			return p;
	}
	p = row->chip ? strstr(row->chip, "PCI-MSI") : NULL;
	if (p && (p = strchr(p + strlen("PCI-MSI"), '-'))) {
		p++;
		*len = strcspn(p, " ");
		if (is_pci_address(p, *len))
			return p;
	}
	return NULL;
}

/*
 * A row that names another PCI function than the interface's: its
 * control IRQ, or a queue IRQ still carrying the interface's old name.
 */
static bool foreign_row(const struct nt_interrupt *row, const char *bus_info)
{
	size_t len;
	const char *addr;

	if (!is_pci_address(bus_info, strlen(bus_info)))
		return false;
	addr = row_address(row, &len);
	return addr && (len != strlen(bus_info) ||
			strncasecmp(addr, bus_info, len));
}

static bool in_set(const uint32_t *set, size_t n, uint32_t irq)
{
	for (size_t i = 0; set && i < n; i++)
		if (set[i] == irq)
			return true;
	return false;
}

/* The chip column names the PCI function on kernels since 4.x. */
static bool chip_matches(const struct nt_interrupt *row, const char *bus_info)
{
	return bus_info[0] && row->chip &&
	       has_token(row->chip, strlen(row->chip), bus_info);
}

/* Does @action (length @len) name one of the other ports of the function? */
static bool names_sibling(const char *action, size_t len,
			  const struct nt_irq_port *port)
{
	for (const char *const *s = port->siblings; s && *s; s++)
		if (has_token(action, len, *s))
			return true;
	return false;
}

/* One IRQ the port may own: which row, which action, by which rule. */
struct candidate {
	const struct nt_interrupt *row;
	const char *action;
	size_t len;
	enum nt_irq_rule rule;
};

/*
 * Is @row the port's?  With msi_irqs the PCI function's own list decides;
 * without, the action names the interface or its address, or the chip
 * column names its PCI function.
 */
static bool find_candidate(const struct nt_interrupt *row,
			   const struct nt_irq_port *port,
			   struct candidate *c)
{
	const char *bus = port->bus_info;

	if (row->irq < 0 || !row->name || foreign_row(row, bus))
		return false;
	c->row = row;
	c->action = find_action(row->name, port->ifname, bus, &c->len,
				&c->rule);
	if (port->n_msi) {
		if (!in_set(port->msi, port->n_msi, row->irq))
			return false;
		c->rule = NT_IRQ_RULE_MSI;
	} else if (!c->action && chip_matches(row, bus)) {
		c->rule = NT_IRQ_RULE_CHIP;
	} else if (!c->action) {
		return false;
	}
	if (!c->action) {
		c->action = row->name;
		c->len = strcspn(row->name, ",");
	}
	return true;
}

/* Does @c name the interface itself, on a line of its own? */
static bool names_port(const struct candidate *c,
		       const struct nt_irq_port *port)
{
	return !strchr(c->row->name, ',') &&
	       has_token(c->action, c->len, port->ifname);
}

/*
 * The ownership rule, in one place.  A line shared with other devices
 * ("uhci_hcd:usb1, eth0") is no one's.  A vector that names another port
 * of the PCI function is that port's (false: not this one's).  One that
 * names no port but the PCI address ("mlx4-comp-0@pci:ADDR") is the
 * device's when the function has several ports, or when the interface
 * has vectors of its own name (mlx4_en's "eth2-0"): then the port's
 * queues are those, and the address's vectors serve the device (RDMA,
 * async events).  Else everything the rule found is the interface's.
 */
static bool decide_owner(const struct candidate *c,
			 const struct nt_irq_port *port, bool named,
			 enum nt_irq_owner *owner)
{
	bool siblings = port->siblings && port->siblings[0];

	*owner = NT_IRQ_OWNER_IFACE;
	if (strchr(c->row->name, ',')) {
		*owner = NT_IRQ_OWNER_NONE;
		return true;
	}
	if (names_port(c, port))
		return true;
	if (siblings && names_sibling(c->action, c->len, port))
		return false;
	if (siblings || named)
		*owner = NT_IRQ_OWNER_DEVICE;
	return true;
}

/* Has the interface a vector named after it in @table? */
static bool port_named(const struct nt_interrupts *table,
		       const struct nt_irq_port *port)
{
	for (size_t i = 0; i < table->n; i++) {
		struct candidate c;

		if (find_candidate(&table->v[i], port, &c) &&
		    names_port(&c, port))
			return true;
	}
	return false;
}

static int add_irq(struct nt_iface_irq **v, size_t *n,
		   const struct candidate *c, enum nt_irq_owner owner,
		   const char *ifname)
{
	struct nt_iface_irq *bigger = realloc(*v, (*n + 1) * sizeof(**v));
	struct nt_iface_irq *irq;
	char one[ACTION_LEN];
	size_t len = c->len;

	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	irq = &bigger[*n];
	memset(irq, 0, sizeof(*irq));
	irq->name = strdup(c->row->name);
	if (!irq->name)
		return -ENOMEM;
	(*n)++;
	irq->irq = c->row->irq;
	irq->node = -1;
	irq->owner = owner;
	irq->rule = c->rule;
	if (len >= sizeof(one))
		len = sizeof(one) - 1;
	memcpy(one, c->action, len);
	one[len] = '\0';
	nt_irq_parse_name(one, ifname, irq);
	/* a queue index is the owning interface's: none for the others */
	if (owner != NT_IRQ_OWNER_IFACE)
		irq->rxq = irq->txq = -1;
	return 0;
}

static int cmp_irq(const void *a, const void *b)
{
	const struct nt_iface_irq *x = a, *y = b;
	int qx = nt_irq_queue(x), qy = nt_irq_queue(y);

	if (qx != qy)
		return (qx > qy) - (qx < qy);
	return (x->irq > y->irq) - (x->irq < y->irq);
}

static void free_irqs(struct nt_iface_irq *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int nt_irq_match_iface(const struct nt_interrupts *table,
		       const struct nt_irq_port *port,
		       struct nt_iface_irq **out, size_t *n)
{
	struct nt_irq_port p = *port;
	struct nt_iface_irq *v = NULL;
	size_t count = 0;
	bool named;

	*out = NULL;
	*n = 0;
	if (!p.bus_info)
		p.bus_info = "";
	named = port_named(table, &p);
	for (size_t i = 0; i < table->n; i++) {
		enum nt_irq_owner owner;
		struct candidate c;

		if (!find_candidate(&table->v[i], &p, &c) ||
		    !decide_owner(&c, &p, named, &owner))
			continue;
		if (add_irq(&v, &count, &c, owner, p.ifname)) {
			free_irqs(v, count);
			return -ENOMEM;
		}
	}
	if (count)
		qsort(v, count, sizeof(*v), cmp_irq);
	*out = v;
	*n = count;
	return 0;
}
