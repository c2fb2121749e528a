/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "tw_port.h"
#include "tw_proto.h"

RTE_LOG_REGISTER(tw_logtype_port, tickwire.port, INFO);
#define PORT_LOG(level, ...) \
	rte_log(RTE_LOG_ ## level, tw_logtype_port, "tickwire.port: " \
		__VA_ARGS__)

#define TW_MAX_GROUPS 256

struct rte_mempool *
tw_port_pool_create(int socket, uint32_t nb_mbufs, uint32_t cache)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "tw_mbuf_s%d", socket);
	mp = rte_pktmbuf_pool_create(name, nb_mbufs, cache, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE,
		socket == TW_SOCKET_ANY ? SOCKET_ID_ANY : socket);
	if (mp == NULL)
		PORT_LOG(ERR, "mempool %s (%u mbufs, socket %d): %s\n", name,
			nb_mbufs, socket, rte_strerror(rte_errno));
	return mp;
}

int
tw_port_socket(uint16_t port_id)
{
	int s = rte_eth_dev_socket_id(port_id);

	return s < 0 ? TW_SOCKET_ANY : s;
}

int
tw_port_start(const struct tw_port_conf *pc, struct tw_port_state *st)
{
	const uint64_t rx_ck = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	const uint64_t tx_ck = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t rxd = pc->rx_desc, txd = pc->tx_desc, q;
	uint16_t nb_rxq = pc->nb_rxq;
	int rc, socket = rte_eth_dev_socket_id(pc->port_id);

	rc = rte_eth_dev_info_get(pc->port_id, &info);
	if (rc != 0) {
		PORT_LOG(ERR, "port %u: no such port (%d); check the vdev or "
			"PCI arguments in [eal] args\n", pc->port_id, rc);
		return rc;
	}
	st->rx_csum = pc->csum_offload && pc->nb_rxq > 0 &&
		(info.rx_offload_capa & rx_ck) == rx_ck;
	st->tx_csum = pc->csum_offload && pc->nb_txq > 0 &&
		(info.tx_offload_capa & tx_ck) == tx_ck;
	if (st->rx_csum)
		conf.rxmode.offloads |= rx_ck;
	st->rx_ts = false;
	if (pc->rx_timestamp && pc->nb_rxq > 0 &&
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP) &&
	    rte_mbuf_dyn_rx_timestamp_register(&st->ts_offset,
			&st->ts_flag) == 0) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
		st->rx_ts = true;
	}
	if (pc->nb_rxq > 0)
		PORT_LOG(INFO, "port %u (%s): wire arrival from %s\n",
			pc->port_id, info.driver_name, st->rx_ts ?
			"the NIC's RX timestamps" : "the RX poll (the port "
			"offers no RX timestamps, or rx_timestamps = off)");
	if (st->tx_csum)
		conf.txmode.offloads |= tx_ck;
	if (pc->nb_rxq > info.max_rx_queues ||
	    pc->nb_txq > info.max_tx_queues) {
		PORT_LOG(ERR, "port %u (%s): wants %u RX / %u TX queues, has "
			"%u / %u\n", pc->port_id, info.driver_name,
			pc->nb_rxq, pc->nb_txq, info.max_rx_queues,
			info.max_tx_queues);
		return -EINVAL;
	}

	rc = rte_eth_dev_configure(pc->port_id, nb_rxq, pc->nb_txq, &conf);
	if (rc != 0 && nb_rxq == 0 && pc->idle_rx_pool != NULL) {
		/* net_tap wants as many RX queues as TX: add an idle one. */
		nb_rxq = 1;
		rc = rte_eth_dev_configure(pc->port_id, nb_rxq, pc->nb_txq,
			&conf);
		if (rc == 0)
			PORT_LOG(INFO, "port %u: driver wants an RX queue; "
				"added one that is not polled\n",
				pc->port_id);
	}
	if (rc != 0) {
		PORT_LOG(ERR, "port %u: configure: %s\n", pc->port_id,
			rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pc->port_id, &rxd, &txd);
	if (rc != 0)
		return rc;
	if (pc->mtu > RTE_ETHER_MTU) {
		rc = rte_eth_dev_set_mtu(pc->port_id, pc->mtu);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: MTU %u: %s\n", pc->port_id,
				pc->mtu, rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < nb_rxq; q++) {
		struct rte_eth_rxconf rxc = info.default_rxconf;
		struct rte_mempool *mp = q < pc->nb_rxq ? pc->rxq_pool[q] :
			pc->idle_rx_pool;

		rxc.offloads = conf.rxmode.offloads;
		/* Descriptors beside the mbufs: on the polling socket. */
		rc = rte_eth_rx_queue_setup(pc->port_id, q, rxd,
			mp->socket_id, &rxc, mp);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: RX queue %u: %s\n",
				pc->port_id, q, rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < pc->nb_txq; q++) {
		struct rte_eth_txconf txc = info.default_txconf;

		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(pc->port_id, q, txd, socket, &txc);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: TX queue %u: %s\n",
				pc->port_id, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(pc->port_id);
	if (rc != 0) {
		PORT_LOG(ERR, "port %u: start: %s (a memif client needs its "
			"server running first)\n", pc->port_id,
			rte_strerror(-rc));
		return rc;
	}
	PORT_LOG(INFO, "port %u (%s) started: %u RX / %u TX queues, "
		"checksums RX %s, TX %s\n", pc->port_id, info.driver_name,
		pc->nb_rxq, pc->nb_txq, st->rx_csum ? "offloaded" : "software",
		st->tx_csum ? "offloaded" : "software");
	return 0;
}

int
tw_port_join(uint16_t port_id, uint32_t group_base, uint16_t nb,
		struct tw_port_state *st)
{
	struct rte_ether_addr macs[TW_MAX_GROUPS];
	uint16_t i;
	int rc;

	if (nb > TW_MAX_GROUPS)
		nb = TW_MAX_GROUPS;
	for (i = 0; i < nb; i++)
		tw_mcast_mac(group_base + i, &macs[i]);
	rc = rte_eth_dev_set_mc_addr_list(port_id, macs, nb);
	if (rc == 0) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"multicast address list (%u groups)", nb);
		return 0;
	}
	rc = rte_eth_allmulticast_enable(port_id);
	if (rc == 0 && rte_eth_allmulticast_get(port_id) == 1) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"allmulticast");
		return 0;
	}
	rc = rte_eth_promiscuous_enable(port_id);
	if (rc == 0) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"promiscuous");
		return 0;
	}
	/* Virtual devices such as net_ring deliver everything anyway. */
	snprintf(st->mcast_mode, sizeof(st->mcast_mode),
		"no filter (device passes all frames)");
	return 0;
}

int
tw_port_wait_link(uint16_t port_id, unsigned int seconds, volatile bool *quit)
{
	struct rte_eth_link link;
	unsigned int waited_ms = 0;

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		if (waited_ms >= seconds * 1000 || *quit)
			return -ETIMEDOUT;
		if (waited_ms % 1000 == 0)
			PORT_LOG(INFO, "port %u: waiting for link up\n",
				port_id);
		usleep(10 * 1000);
		waited_ms += 10;
	}
}

void
tw_port_stop(uint16_t port_id)
{
	int rc = rte_eth_dev_stop(port_id);

	if (rc != 0)
		PORT_LOG(WARNING, "port %u: stop: %s\n", port_id,
			rte_strerror(-rc));
	rte_eth_dev_close(port_id);
}
