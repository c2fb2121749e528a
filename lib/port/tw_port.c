/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports, set up and torn down: the mempools sized from the MTU, a
 * port's configuration, queues and offloads as the driver takes them,
 * its start (a memif client waiting for its server's socket first), the
 * wait for link up (a memif client connecting again) and the stop.
 * Never touches what reaches the queues (tw_port_filter.c) or a port's
 * report (tw_port_report.c); never runs on the data path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <sys/stat.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "tw_port.h"
#include "tw_port_private.h"

RTE_LOG_REGISTER(tw_logtype_port, tickwire.port, INFO);

struct rte_mempool *
tw_port_pool_create(int socket, uint32_t nb_mbufs, uint32_t cache,
		uint32_t max_frame)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	uint32_t room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
		RTE_PKTMBUF_HEADROOM + RTE_ALIGN_CEIL(max_frame +
			RTE_ETHER_CRC_LEN, 64));

	if (room > UINT16_MAX) {
		PORT_LOG(ERR, "mempool: a %u-byte frame does not fit an mbuf\n",
			max_frame);
		return NULL;
	}
	snprintf(name, sizeof(name), "tw_mbuf_s%d", socket);
	mp = rte_pktmbuf_pool_create(name, nb_mbufs, cache, 0, (uint16_t)room,
		socket == TW_SOCKET_ANY ? SOCKET_ID_ANY : socket);
	if (mp == NULL)
		PORT_LOG(ERR, "mempool %s (%u mbufs, socket %d): %s%s\n", name,
			nb_mbufs, socket, rte_strerror(rte_errno),
			rte_eal_has_hugepages() ? "" : " (without hugepages, "
			"give EAL the memory: -m MB, e.g. --no-huge -m 1024)");
	return mp;
}

uint32_t
tw_port_pool_frame_room(const struct rte_mempool *mp)
{
	return rte_pktmbuf_data_room_size((struct rte_mempool *)mp) -
		RTE_PKTMBUF_HEADROOM;
}

int
tw_port_socket(uint16_t port_id)
{
	int s = rte_eth_dev_socket_id(port_id);

	return s < 0 ? TW_SOCKET_ANY : s;
}

/*
 * A listening Unix socket at path: a file, or (memif's default,
 * socket-abstract=yes) a name in the abstract namespace, which only
 * /proc/net/unix shows ("@path" at the end of a line).
 */
static bool
socket_there(const char *path, bool abstract)
{
	char line[PATH_MAX + 128];
	struct stat st;
	size_t n = strlen(path);
	bool found = false;
	FILE *f;

	if (!abstract)
		return stat(path, &st) == 0;
	f = fopen("/proc/net/unix", "r");
	while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
		size_t len = strcspn(line, "\n");

		found = len > n && line[len - n - 1] == '@' &&
			memcmp(line + len - n, path, n) == 0;
	}
	if (f != NULL)
		fclose(f);
	return found;
}

/* A net_memif port in the client role (it connects; the server waits). */
bool
tw_port_memif_client(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;

	if (rte_eth_dev_info_get(port_id, &info) != 0 ||
	    info.driver_name == NULL ||
	    strcmp(info.driver_name, "net_memif") != 0)
		return false;
	da = rte_dev_devargs(info.device);
	return da == NULL || da->args == NULL ||
		strstr(da->args, "role=server") == NULL;
}

/*
 * A memif client starts only once its server's socket is there: two
 * processes started together (or on a busy host) need not be ordered.
 * It waits for the socket file (the devargs' socket=, memif's default
 * otherwise) up to start_wait_s, then starts as it would have.
 */
static void
memif_wait_server(const struct tw_port_conf *pc, const struct rte_device *dev)
{
	const struct rte_devargs *da = rte_dev_devargs(dev);
	const char *args = da != NULL && da->args != NULL ? da->args : "";
	const char *p = strstr(args, "socket=");
	char path[PATH_MAX] = "/run/memif.sock";
	unsigned int waited_ms = 0;
	bool abstract;
	size_t n;

	if (p != NULL) {
		p += 7;
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(path))
			return;
		memcpy(path, p, n);
		path[n] = '\0';
	}
	abstract = strstr(args, "socket-abstract=no") == NULL;
	if (socket_there(path, abstract))
		return;
	PORT_LOG(INFO, "port %u: waiting up to %u s for the memif server's "
		"socket %s%s\n", pc->port_id, pc->start_wait_s,
		abstract ? "@" : "", path);
	while (!socket_there(path, abstract) &&
	       waited_ms < pc->start_wait_s * 1000 &&
	       (pc->quit == NULL || !*pc->quit)) {
		usleep(50 * 1000);
		waited_ms += 50;
	}
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
	uint16_t nb_rxq = pc->nb_rxq, nb_txq = pc->nb_txq;
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
	/* Link changes as events where the driver signals them. */
	st->lsc = info.dev_flags != NULL &&
		(*info.dev_flags & RTE_ETH_DEV_INTR_LSC) != 0;
	conf.intr_conf.lsc = st->lsc;
	conf.intr_conf.rxq = pc->rx_intr && pc->nb_rxq > 0;
	if (pc->nb_rxq > info.max_rx_queues ||
	    pc->nb_txq > info.max_tx_queues) {
		PORT_LOG(ERR, "port %u (%s): wants %u RX / %u TX queues, has "
			"%u / %u\n", pc->port_id, info.driver_name,
			pc->nb_rxq, pc->nb_txq, info.max_rx_queues,
			info.max_tx_queues);
		return -EINVAL;
	}

	/*
	 * net_tap takes only as many RX queues as TX: ask for that at
	 * once, rather than fail first (its error lines look like ours).
	 */
	if (strcmp(info.driver_name, "net_tap") == 0) {
		if (nb_rxq == 0 && nb_txq > 0 && pc->idle_rx_pool != NULL)
			nb_rxq = 1;
		if (nb_txq < nb_rxq)
			nb_txq = nb_rxq;
	}
	rc = rte_eth_dev_configure(pc->port_id, nb_rxq, nb_txq, &conf);
	if (rc != 0 && nb_rxq == 0 && pc->idle_rx_pool != NULL) {
		/* net_tap wants as many RX queues as TX: add an idle one. */
		nb_rxq = 1;
		rc = rte_eth_dev_configure(pc->port_id, nb_rxq, nb_txq,
			&conf);
		if (rc == 0)
			PORT_LOG(INFO, "port %u: driver wants an RX queue; "
				"added one that is not polled\n",
				pc->port_id);
	}
	if (rc != 0 && nb_txq == 0 && nb_rxq > 0) {
		/* ... and as many TX queues as RX: add unused ones. */
		nb_txq = nb_rxq;
		rc = rte_eth_dev_configure(pc->port_id, nb_rxq, nb_txq,
			&conf);
		if (rc == 0)
			PORT_LOG(INFO, "port %u: driver wants TX queues beside "
				"the RX ones; added %u that are not used\n",
				pc->port_id, nb_txq);
	}
	if (rc != 0) {
		PORT_LOG(ERR, "port %u (%s): configure: %s%s\n", pc->port_id,
			info.driver_name, rte_strerror(-rc), conf.intr_conf.rxq ?
			" (with RX interrupts for [rx] idle = interrupt: does "
			"the driver have them?)" : "");
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pc->port_id, &rxd, &txd);
	if (rc != 0)
		return rc;
	if (pc->mtu > RTE_ETHER_MTU) {
		rc = rte_eth_dev_set_mtu(pc->port_id, pc->mtu);
		/* Virtual devices without an MTU of their own carry any. */
		if (rc == -ENOTSUP && info.max_mtu >= pc->mtu) {
			PORT_LOG(INFO, "port %u (%s): no MTU to set; frames "
				"of MTU %u pass as they are\n", pc->port_id,
				info.driver_name, pc->mtu);
			rc = 0;
		}
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
	for (q = 0; q < nb_txq; q++) {
		struct rte_eth_txconf txc = info.default_txconf;

		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(pc->port_id, q, txd, socket, &txc);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: TX queue %u: %s\n",
				pc->port_id, q, rte_strerror(-rc));
			return rc;
		}
	}
	if (tw_port_memif_client(pc->port_id))
		memif_wait_server(pc, info.device);
	rc = rte_eth_dev_start(pc->port_id);
	if (rc != 0) {
		PORT_LOG(ERR, "port %u: start: %s (a memif client needs its "
			"server running)\n", pc->port_id, rte_strerror(-rc));
		return rc;
	}
	PORT_LOG(INFO, "port %u (%s) started: %u RX / %u TX queues (%u / "
		"%u used), checksums RX %s, TX %s\n", pc->port_id,
		info.driver_name, nb_rxq, nb_txq, pc->nb_rxq, pc->nb_txq,
		st->rx_csum ? "offloaded" : "software",
		st->tx_csum ? "offloaded" : "software");
	return 0;
}

/* A memif client still down restarts this often while it waits. */
#define MEMIF_RECONNECT_MS 2000

int
tw_port_wait_link(uint16_t port_id, unsigned int seconds, volatile bool *quit)
{
	struct rte_eth_link link;
	unsigned int waited_ms = 0;
	bool client = tw_port_memif_client(port_id);

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
		/*
		 * A memif client that connected while its server was still
		 * setting up is refused and, in DPDK 22.11, never tries
		 * again: connect anew (no lcore polls yet).
		 */
		if (client && waited_ms > 0 &&
		    waited_ms % MEMIF_RECONNECT_MS == 0) {
			PORT_LOG(INFO, "port %u: memif client still down after "
				"%u ms: connecting again\n", port_id,
				waited_ms);
			if (rte_eth_dev_stop(port_id) == 0)
				rte_eth_dev_start(port_id);
		}
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
