// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nettune show`: configuration as it is, for people (text) or programs
 * (the snapshot document).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "model/snapshot.h"
#include "output/show.h"
#include "util/json.h"

#define MASK_TEXT 1024

static const char *mask_text(const struct nt_cpumask *mask, enum nt_state st,
			     char *buf)
{
	if (st == NT_STATE_UNKNOWN)
		return "?";
	if (st == NT_STATE_UNSUPPORTED)
		return "n/a";
	if (nt_cpumask_empty(mask))
		return "-";
	if (nt_cpumask_format_list(mask, buf, MASK_TEXT) < 0)
		return "(too long)";
	return buf;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_pair(FILE *out, const char *label, bool has_cur,
		       uint32_t cur, bool has_max, uint32_t max)
{
	if (!has_cur && !has_max)
		return;
	fprintf(out, "  %s ", label);
	if (has_cur)
		fprintf(out, "%" PRIu32, cur);
	else
		fputs("?", out);
	if (has_max)
		fprintf(out, "/%" PRIu32, max);
}

static void print_rings(FILE *out, const struct nt_iface *ifc, bool netlink)
{
	const struct nt_rings *r = &ifc->rings;

	fprintf(out, "    %-10s", "rings");
	if (r->state != NT_STATE_OK) {
		fputs(r->state == NT_STATE_UNSUPPORTED ?
		      "not supported by this driver\n" :
		      netlink ? "unknown\n" :
		      "unknown (netlink not read: --root)\n", out);
		return;
	}
	print_pair(out, "rx", r->present & NT_RING_RX, r->rx,
		   r->present & NT_RING_RX_MAX, r->rx_max);
	print_pair(out, "rx-mini", r->present & NT_RING_RX_MINI, r->rx_mini,
		   r->present & NT_RING_RX_MINI_MAX, r->rx_mini_max);
	print_pair(out, "rx-jumbo", r->present & NT_RING_RX_JUMBO,
		   r->rx_jumbo, r->present & NT_RING_RX_JUMBO_MAX,
		   r->rx_jumbo_max);
	print_pair(out, "tx", r->present & NT_RING_TX, r->tx,
		   r->present & NT_RING_TX_MAX, r->tx_max);
	print_pair(out, "rx-buf-len", r->present & NT_RING_RX_BUF_LEN,
		   r->rx_buf_len, false, 0);
	print_pair(out, "cqe-size", r->present & NT_RING_CQE_SIZE,
		   r->cqe_size, false, 0);
	fputs("   (current/max)\n", out);
}

static void print_channels(FILE *out, const struct nt_iface *ifc,
			   bool netlink)
{
	const struct nt_channels *c = &ifc->channels;

	fprintf(out, "    %-10s", "channels");
	if (c->state != NT_STATE_OK) {
		fputs(c->state == NT_STATE_UNSUPPORTED ?
		      "not supported by this driver\n" :
		      netlink ? "unknown\n" :
		      "unknown (netlink not read: --root)\n", out);
		return;
	}
	print_pair(out, "rx", c->present & NT_CHAN_RX, c->rx,
		   c->present & NT_CHAN_RX_MAX, c->rx_max);
	print_pair(out, "tx", c->present & NT_CHAN_TX, c->tx,
		   c->present & NT_CHAN_TX_MAX, c->tx_max);
	print_pair(out, "other", c->present & NT_CHAN_OTHER, c->other,
		   c->present & NT_CHAN_OTHER_MAX, c->other_max);
	print_pair(out, "combined", c->present & NT_CHAN_COMBINED,
		   c->combined, c->present & NT_CHAN_COMBINED_MAX,
		   c->combined_max);
	fputs("   (current/max)\n", out);
}

static void print_queues(FILE *out, const struct nt_iface *ifc)
{
	char buf[MASK_TEXT];

	for (size_t i = 0; i < ifc->n_rxq; i++) {
		const struct nt_rxq *q = &ifc->rxq[i];

		fprintf(out, "    rx-%-7" PRIu32 "  rps %-12s flows %" PRIu32
			"\n", q->index, mask_text(&q->rps_cpus, q->rps_state,
						  buf), q->rps_flow_cnt);
	}
	for (size_t i = 0; i < ifc->n_txq; i++) {
		const struct nt_txq *q = &ifc->txq[i];

		fprintf(out, "    tx-%-7" PRIu32 "  xps %s\n", q->index,
			mask_text(&q->xps_cpus, q->xps_state, buf));
	}
}

/* Whose the IRQ is, when not the interface's: "device ADDR", "none". */
static void print_irq_owner(FILE *out, const struct nt_iface *ifc,
			    const struct nt_iface_irq *irq)
{
	if (irq->owner == NT_IRQ_OWNER_DEVICE)
		fprintf(out, ", owner device %s (shared by its ports)",
			or_dash(ifc->bus_info));
	else if (irq->owner == NT_IRQ_OWNER_NONE)
		fputs(", owner none (a line shared with other devices)", out);
}

static void print_irqs(FILE *out, const struct nt_iface *ifc)
{
	char aff[MASK_TEXT], eff[MASK_TEXT];

	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];
		char queue[32];

		nt_irq_queues_text(irq, queue, sizeof(queue));
		fprintf(out, "    irq %-6" PRIu32 " %-28s %-11s cpus %-8s "
			"effective %-8s %s, by %s", irq->irq,
			or_dash(irq->name), or_dash(queue),
			mask_text(&irq->affinity, NT_STATE_OK, aff),
			mask_text(&irq->effective_affinity, NT_STATE_OK, eff),
			nt_irq_kind_name(irq->kind),
			nt_irq_rule_name(irq->rule));
		if (irq->pattern[0])
			fprintf(out, " (%s)", irq->pattern);
		print_irq_owner(out, ifc, irq);
		fputc('\n', out);
	}
}

static void print_iface(FILE *out, const struct nt_host *host,
			const struct nt_iface *ifc)
{
	bool netlink = host->sources & NT_SRC_NETLINK;

	fprintf(out, "%s: %s", ifc->name, or_dash(ifc->driver));
	if (ifc->kind[0])
		fprintf(out, " (%s)", ifc->kind);
	if (ifc->bus_info[0])
		fprintf(out, " %s", ifc->bus_info);
	fprintf(out, ", %s", ifc->is_virtual ? "virtual" : "physical");
	if (ifc->operstate[0])
		fprintf(out, ", %s", ifc->operstate);
	if (ifc->speed >= 0)
		fprintf(out, ", %" PRId64 " Mb/s", ifc->speed);
	if (ifc->duplex[0])
		fprintf(out, " %s duplex", ifc->duplex);
	if (ifc->numa_node >= 0)
		fprintf(out, ", NUMA node %d", ifc->numa_node);
	fprintf(out, "\n    %-10s%" PRIu32 "   txqlen %" PRIu32 "   qdisc %s\n",
		"mtu", ifc->mtu, ifc->txqlen, or_dash(ifc->qdisc));
	print_rings(out, ifc, netlink);
	print_channels(out, ifc, netlink);
	print_queues(out, ifc);
	print_irqs(out, ifc);
}

static void print_cpus(FILE *out, const struct nt_host *host)
{
	struct nt_cpumask online = { 0 };
	char buf[MASK_TEXT];

	for (size_t i = 0; i < host->n_cpus; i++)
		if (host->cpus[i].online)
			nt_cpumask_set(&online, host->cpus[i].id);
	fprintf(out, "host %s, kernel %s, %zu CPUs (online %s), %zu NUMA node%s\n",
		or_dash(host->hostname), or_dash(host->kernel), host->n_cpus,
		mask_text(&online, NT_STATE_OK, buf), host->n_nodes,
		host->n_nodes == 1 ? "" : "s");
	nt_cpumask_free(&online);
	for (size_t i = 0; i < host->n_nodes; i++)
		fprintf(out, "    node%-6" PRIu32 "cpus %s\n", host->nodes[i].id,
			mask_text(&host->nodes[i].cpus, NT_STATE_OK, buf));
	fprintf(out, "irqbalance: %s\n", host->irqbalance < 0 ? "unknown" :
		host->irqbalance ? "running" : "not running");
}

static void print_sysctl_value(FILE *out, const char *value)
{
	if (!value) {
		fputs("(absent)", out);
		return;
	}
	/* the kernel separates vector values with tabs */
	for (; *value; value++)
		fputc(*value == '\t' ? ' ' : *value, out);
}

static void print_sysctls(FILE *out, const struct nt_host *host)
{
	const char *cc = nt_host_sysctl(host, "net.ipv4.tcp_congestion_control");
	const char *avail = nt_host_sysctl(host,
				"net.ipv4.tcp_available_congestion_control");

	fprintf(out, "congestion control: %s (available: %s)\n", or_dash(cc),
		or_dash(avail));
	fputs("sysctls:\n", out);
	for (size_t i = 0; i < host->n_sysctls; i++) {
		fprintf(out, "    %-44s ", host->sysctls[i].name);
		print_sysctl_value(out, host->sysctls[i].value);
		fputc('\n', out);
	}
}

void nt_show_text(FILE *out, const struct nt_host *host, bool host_part)
{
	if (!(host->sources & NT_SRC_NETLINK))
		fprintf(out, "note: read from %s without netlink: rings, "
			"channels and link/qdisc counters are unknown\n",
			host->root);
	if (host_part) {
		print_cpus(out, host);
		print_sysctls(out, host);
		fputc('\n', out);
	}
	for (size_t i = 0; i < host->n_ifaces; i++) {
		if (i)
			fputc('\n', out);
		print_iface(out, host, &host->ifaces[i]);
	}
}

int nt_show_json(FILE *out, const struct nt_host *host,
		 const char *const *only)
{
	struct json_object *doc = nt_snapshot_to_json(host, only);
	const char *text;

	if (!doc)
		return -ENOMEM;
	text = json_object_to_json_string_ext(doc, NT_JSON_FLAGS);
	fprintf(out, "%s\n", text);
	json_object_put(doc);
	return 0;
}
