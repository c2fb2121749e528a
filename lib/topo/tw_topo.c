/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "tw_topo.h"

static void
warn(struct tw_topo_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->nb_warnings == TW_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(plan->warnings[plan->nb_warnings++],
		sizeof(plan->warnings[0]), fmt, ap);
	va_end(ap);
}

static void
add_socket(int *set, unsigned int *n, int socket)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (set[i] == socket)
			return;
	if (*n < TW_MAX_SOCKETS)
		set[(*n)++] = socket;
}

static int
pick_lcore(const struct tw_topo_input *in, const unsigned int *load,
		int socket)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < in->nb_rx; i++) {
		if (socket != TW_SOCKET_ANY && in->rx[i].socket != socket)
			continue;
		if (best < 0 || load[i] < load[best])
			best = (int)i;
	}
	return best;
}

/* The plan's entry of (port, queue) so far, or NULL. */
static const struct tw_topo_rxq *
planned(const struct tw_topo_plan *plan, uint16_t port_id, uint16_t q)
{
	unsigned int i;

	for (i = 0; i < plan->nb_rxq; i++)
		if (plan->rxq[i].port_id == port_id && plan->rxq[i].queue == q)
			return &plan->rxq[i];
	return NULL;
}

int
tw_topo_plan(const struct tw_topo_input *in, struct tw_topo_plan *plan)
{
	unsigned int load[TW_MAX_RX_LCORES] = { 0 };
	unsigned int p, q, i;

	memset(plan, 0, sizeof(*plan));
	for (p = 0; p < in->nb_ports; p++) {
		const struct tw_topo_port *port = &in->ports[p];

		for (q = 0; q < port->nb_rxq; q++) {
			const struct tw_topo_rxq *a = port->line_b ?
				planned(plan, port->line_a, (uint16_t)q) : NULL;
			struct tw_topo_rxq *r;
			int li = a != NULL ? (int)a->rx_index :
				pick_lcore(in, load, port->socket);

			if (in->nb_rx == 0 || plan->nb_rxq == TW_MAX_RXQ)
				return -EINVAL;
			r = &plan->rxq[plan->nb_rxq++];
			r->remote = 0;
			if (a != NULL && port->socket != TW_SOCKET_ANY &&
			    in->rx[li].socket != port->socket) {
				r->remote = 1;
				warn(plan, "port %u (line B) is on socket %d: "
					"queue %u is polled from lcore %u on "
					"socket %d, with line A's port %u",
					port->port_id, port->socket, q,
					in->rx[li].lcore_id, in->rx[li].socket,
					port->line_a);
			} else if (li < 0) {
				li = pick_lcore(in, load, TW_SOCKET_ANY);
				r->remote = 1;
				warn(plan, "port %u is on socket %d, which has "
					"no RX lcore: queue %u is polled from "
					"lcore %u on socket %d",
					port->port_id, port->socket, q,
					in->rx[li].lcore_id, in->rx[li].socket);
			}
			load[li]++;
			r->port_id = port->port_id;
			r->queue = (uint16_t)q;
			r->rx_index = (unsigned int)li;
			r->lcore_id = in->rx[li].lcore_id;
			/* Frames land in memory of the socket that reads them. */
			r->pool_socket = in->rx[li].socket;
			add_socket(plan->pool_sockets, &plan->nb_pool_sockets,
				r->pool_socket);
			add_socket(plan->cache_sockets,
				&plan->nb_cache_sockets, r->pool_socket);
		}
	}
	for (i = 0; i < in->nb_rx; i++)
		if (load[i] == 0)
			warn(plan, "RX lcore %u has no queue to poll",
				in->rx[i].lcore_id);
	if (in->gen_enabled) {
		plan->gen_pool_socket = in->gen.socket;
		add_socket(plan->pool_sockets, &plan->nb_pool_sockets,
			in->gen.socket);
		if (in->gen_port_socket != TW_SOCKET_ANY &&
		    in->gen_port_socket != in->gen.socket)
			warn(plan, "generator lcore %u is on socket %d, its "
				"port %u on socket %d",
				in->gen.lcore_id, in->gen.socket,
				in->gen_port_id, in->gen_port_socket);
		if (in->gen_line_b && in->gen_line_b_socket != TW_SOCKET_ANY &&
		    in->gen_line_b_socket != in->gen.socket)
			warn(plan, "generator lcore %u is on socket %d, its "
				"line B port %u on socket %d",
				in->gen.lcore_id, in->gen.socket,
				in->gen_line_b_port, in->gen_line_b_socket);
	}
	return 0;
}

int
tw_topo_cache_index(const struct tw_topo_plan *plan, int socket)
{
	unsigned int i;

	for (i = 0; i < plan->nb_cache_sockets; i++)
		if (plan->cache_sockets[i] == socket)
			return (int)i;
	return -ENOENT;
}

static int
is_line_b(const struct tw_topo_input *in, uint16_t port_id)
{
	unsigned int p;

	for (p = 0; p < in->nb_ports; p++)
		if (in->ports[p].port_id == port_id)
			return in->ports[p].line_b;
	return 0;
}

void
tw_topo_print(const struct tw_topo_input *in, const struct tw_topo_plan *plan,
		FILE *f)
{
	unsigned int i;

	fprintf(f, "placement:\n");
	if (in->gen_enabled) {
		fprintf(f, "  generator  lcore %u (socket %d) -> port %u, ",
			in->gen.lcore_id, in->gen.socket, in->gen_port_id);
		if (in->gen_line_b)
			fprintf(f, "line B port %u, ", in->gen_line_b_port);
		fprintf(f, "mempool socket %d\n", plan->gen_pool_socket);
	}
	for (i = 0; i < plan->nb_rxq; i++) {
		const struct tw_topo_rxq *r = &plan->rxq[i];

		fprintf(f, "  rx         lcore %u (socket %d) <- port %u rxq "
			"%u, mempool socket %d, cache socket %d%s%s\n",
			r->lcore_id, in->rx[r->rx_index].socket, r->port_id,
			r->queue, r->pool_socket, r->pool_socket,
			is_line_b(in, r->port_id) ? " [line B]" : "",
			r->remote ? " [remote]" : "");
	}
	for (i = 0; i < plan->nb_warnings; i++)
		fprintf(f, "  warning: %s\n", plan->warnings[i]);
}
