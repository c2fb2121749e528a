/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and mempools: ethdev configuration, queues, offloads, multicast
 * membership, link state.
 *
 * Owns: every rte_eth_* and rte_pktmbuf_pool_* call at set-up and
 * tear-down. Never runs on the data path.
 */
#ifndef TW_PORT_H
#define TW_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "tw_topo.h"

struct tw_port_conf {
	uint16_t port_id;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	bool csum_offload;      /* use checksum offloads the port has */
	bool rx_timestamp;      /* use the NIC's RX timestamps if it has them */
	struct rte_mempool *rxq_pool[TW_MAX_RXQ_PER_PORT];
	/* For a TX-only port whose driver insists on an RX queue. */
	struct rte_mempool *idle_rx_pool;
};

/* What the port ended up with. */
struct tw_port_state {
	bool rx_csum;           /* port verifies IPv4 + UDP checksums */
	bool tx_csum;           /* port fills IPv4 + UDP checksums */
	bool rx_ts;             /* mbufs carry the NIC's RX timestamp */
	int ts_offset;          /* its dynamic field, when rx_ts */
	uint64_t ts_flag;       /* and the ol_flags bit saying it is set */
	char mcast_mode[48];    /* how the groups are received */
};

struct rte_mempool *tw_port_pool_create(int socket, uint32_t nb_mbufs,
		uint32_t cache);

/* Socket of a port, or TW_SOCKET_ANY when the device does not say. */
int tw_port_socket(uint16_t port_id);

/* Configure, set up queues, start. 0 or -errno (logged). */
int tw_port_start(const struct tw_port_conf *pc, struct tw_port_state *st);

/*
 * Receive nb groups from group_base (host order): the multicast address
 * list where the driver has one, else allmulticast, else promiscuous.
 */
int tw_port_join(uint16_t port_id, uint32_t group_base, uint16_t nb,
		struct tw_port_state *st);

/* Wait up to seconds for link up; 0 when up, -ETIMEDOUT otherwise. */
int tw_port_wait_link(uint16_t port_id, unsigned int seconds,
		volatile bool *quit);

void tw_port_stop(uint16_t port_id);

#endif /* TW_PORT_H */
