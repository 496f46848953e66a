// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IRQs of network interfaces: which /proc/interrupts rows belong to an
 * interface, which queue each serves, and their affinity in /proc/irq/N.
 *
 * Drivers name their IRQs freely, so the queue parser is a table of the
 * names real drivers use (see the captures in tests/fixtures).
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

/*
 * Words that precede a queue index, as drivers print them.  The word
 * itself follows '-' or '_', so an interface named "wtx0" is no queue.
 * Longer words first: "eth0-Tx-Rx-0" (ena) also ends in "-Rx".
 */
static const struct queue_word {
	const char *word;
	const char *type;
	unsigned int where;
} queue_words[] = {
	{ "tx-rx",	"rxtx",	AFTER_DASH },		/* ena */
	{ "txrx",	"rxtx",	AFTER_DASH | GLUED },	/* igb, ixgbe, i40e */
	{ "rxtx",	"rxtx",	AFTER_DASH | GLUED },	/* vmxnet3, nfp */
	{ "output",	"tx",	AFTER_DOT },		/* virtio_net */
	{ "input",	"rx",	AFTER_DOT },		/* virtio_net */
	{ "comp",	"rxtx",	AFTER_DASH | GLUED },	/* mlx4, mlx5 */
	{ "fp",		"rxtx",	AFTER_DASH },		/* bnx2x, qede */
	{ "rx",		"rx",	AFTER_DASH | GLUED },	/* igb, e1000e */
	{ "tx",		"tx",	AFTER_DASH | GLUED },
	{ "q",		"rxtx",	GLUED },		/* "eth2-q5" */
};

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

static const char *word_type(const char *head, size_t len, unsigned int where)
{
	for (size_t i = 0; i < sizeof(queue_words) / sizeof(queue_words[0]);
	     i++) {
		const struct queue_word *w = &queue_words[i];

		if ((w->where & where) && ends_with_word(head, len, w->word))
			return w->type;
	}
	/* bnx2, sfc, mlx4_en: "eth2-3", the name and the index alone. */
	if (where == AFTER_DASH && len && !memchr(head, '-', len))
		return "rxtx";
	return NULL;
}

bool nt_irq_parse_queue(const char *name, int *queue, char *type)
{
	size_t len = strcspn(name, "@"), digits = len;
	const char *kind;
	char sep;

	*queue = -1;
	type[0] = '\0';
	if (len >= ACTION_LEN)
		return false;
	while (digits && isdigit((unsigned char)name[digits - 1]))
		digits--;
	/* No index, no name before it, or too many digits to be a queue. */
	if (digits == len || !digits || len - digits > 5)
		return false;
	sep = name[digits - 1];
	if (sep == '-')
		kind = word_type(name, digits - 1, AFTER_DASH);
	else if (sep == '.')
		kind = word_type(name, digits - 1, AFTER_DOT);
	else
		kind = word_type(name, digits, GLUED);
	if (!kind || atoi(name + digits) > MAX_QUEUE)
		return false;
	*queue = atoi(name + digits);
	strcpy(type, kind);
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
 * "uhci_hcd:usb1, eth0, eth1"), else NULL.  @len gets its length.
 */
static const char *find_action(const char *name, const char *ifname,
			       const char *bus_info, size_t *len)
{
	const char *action = name;

	for (;;) {
		size_t n = strcspn(action, ",");

		if (has_token(action, n, ifname) ||
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
 * The PCI address an IRQ row itself names: "@pci:ADDR" in the action name
 * or "PCI-MSI(X)-ADDR" in the chip column.  Length in *len, NULL if none.
 */
static const char *row_address(const struct nt_interrupt *row, size_t *len)
{
	const char *p = row->name ? strstr(row->name, "@pci:") : NULL;

	if (p) {
		p += strlen("@pci:");
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

static int add_irq(struct nt_iface_irq **v, size_t *n,
		   const struct nt_interrupt *row, const char *action,
		   size_t len)
{
	struct nt_iface_irq *bigger = realloc(*v, (*n + 1) * sizeof(**v));
	struct nt_iface_irq *irq;
	char one[ACTION_LEN];

	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	irq = &bigger[*n];
	memset(irq, 0, sizeof(*irq));
	irq->name = strdup(row->name);
	if (!irq->name)
		return -ENOMEM;
	(*n)++;
	irq->irq = row->irq;
	irq->node = -1;
	if (len >= sizeof(one))
		len = sizeof(one) - 1;
	memcpy(one, action, len);
	one[len] = '\0';
	nt_irq_parse_queue(one, &irq->queue, irq->queue_type);
	return 0;
}

static int cmp_irq(const void *a, const void *b)
{
	const struct nt_iface_irq *x = a, *y = b;

	if (x->queue != y->queue)
		return (x->queue > y->queue) - (x->queue < y->queue);
	return (x->irq > y->irq) - (x->irq < y->irq);
}

static void free_irqs(struct nt_iface_irq *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int nt_irq_match_iface(const struct nt_interrupts *table, const char *ifname,
		       const char *bus_info, const uint32_t *msi, size_t n_msi,
		       struct nt_iface_irq **out, size_t *n)
{
	struct nt_iface_irq *v = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (!bus_info)
		bus_info = "";
	for (size_t i = 0; i < table->n; i++) {
		const struct nt_interrupt *row = &table->v[i];
		const char *action;
		size_t len;

		if (row->irq < 0 || !row->name || foreign_row(row, bus_info))
			continue;
		action = find_action(row->name, ifname, bus_info, &len);
		if (!action && (in_set(msi, n_msi, row->irq) ||
				chip_matches(row, bus_info))) {
			action = row->name;
			len = strcspn(action, ",");
		}
		if (action && add_irq(&v, &count, row, action, len)) {
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
