/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement of RX queues, lcores, mempools and caches per NUMA socket.
 *
 * Owns: the plan, as a pure function of the ports (with their sockets
 * and RX queue counts) and the lcores (with theirs): which lcore polls
 * each (port, queue), which socket's mempool feeds it, which sockets
 * need a symbol cache, and the warnings when locality cannot be kept.
 * Never touches: EAL, ethdev or memory; the app gathers the inputs and
 * carries the plan out.
 */
#ifndef TW_TOPO_H
#define TW_TOPO_H

#include <stdint.h>
#include <stdio.h>

#define TW_MAX_PORTS 8
#define TW_MAX_RX_LCORES 16
#define TW_MAX_RXQ_PER_PORT 16
#define TW_MAX_GEN_TXQ 16       /* TX queues of the generator's port */
#define TW_MAX_GEN_LCORES 8
#define TW_MAX_RXQ (TW_MAX_PORTS * TW_MAX_RXQ_PER_PORT)
#define TW_MAX_SOCKETS 8
#define TW_MAX_WARNINGS 16
#define TW_SOCKET_ANY (-1)      /* a port with no known socket (vdevs) */

struct tw_topo_port {
	uint16_t port_id;
	int socket;             /* or TW_SOCKET_ANY */
	uint16_t nb_rxq;
	/*
	 * Line B's port: its queue q goes to the lcore that polls queue q
	 * of port line_a (listed before it), whatever the sockets, since a
	 * channel's two lines are arbitrated by one lcore.
	 */
	int line_b;
	uint16_t line_a;
};

struct tw_topo_lcore {
	unsigned int lcore_id;
	int socket;
};

struct tw_topo_input {
	struct tw_topo_port ports[TW_MAX_PORTS];
	unsigned int nb_ports;
	struct tw_topo_lcore rx[TW_MAX_RX_LCORES];
	unsigned int nb_rx;
	struct tw_topo_lcore gen;
	int gen_enabled;
	uint16_t gen_port_id;
	int gen_port_socket;
	int gen_line_b;         /* line B on a port of its own: */
	uint16_t gen_line_b_port;
	int gen_line_b_socket;
};

struct tw_topo_rxq {
	uint16_t port_id;
	uint16_t queue;
	unsigned int lcore_id;
	unsigned int rx_index;  /* index of the lcore in input.rx */
	int pool_socket;        /* mempool the queue's mbufs come from */
	int remote;             /* lcore on another socket than the port */
};

struct tw_topo_plan {
	struct tw_topo_rxq rxq[TW_MAX_RXQ];
	unsigned int nb_rxq;
	int pool_sockets[TW_MAX_SOCKETS];  /* one mempool per socket here */
	unsigned int nb_pool_sockets;
	int cache_sockets[TW_MAX_SOCKETS]; /* one symbol cache per socket */
	unsigned int nb_cache_sockets;
	int gen_pool_socket;
	char warnings[TW_MAX_WARNINGS][160];
	unsigned int nb_warnings;
};

/*
 * Plan placement. Each RX queue goes to the least-loaded RX lcore on
 * its port's socket; with none there, to the least-loaded RX lcore
 * anywhere, with a warning. A line B port's queue q goes to the lcore
 * of its line A port's queue q (one with no such queue is placed as
 * any other), with a warning when that lcore is on another socket than
 * the line B port. Returns 0, or -EINVAL when there are queues and no
 * RX lcores, or more queues than the plan holds.
 */
int tw_topo_plan(const struct tw_topo_input *in, struct tw_topo_plan *plan);

/* Index of socket in plan->cache_sockets, or -ENOENT. */
int tw_topo_cache_index(const struct tw_topo_plan *plan, int socket);

/* Print the plan, one line per lcore role, then the warnings. */
void tw_topo_print(const struct tw_topo_input *in,
		const struct tw_topo_plan *plan, FILE *f);

#endif /* TW_TOPO_H */
