/* SPDX-License-Identifier: BSD-3-Clause */
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
#include <rte_flow.h>
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

	if (strstr(args, "role=server") != NULL)
		return;
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
	if (strcmp(info.driver_name, "net_memif") == 0)
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

int
tw_port_join(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint32_t group_b, struct tw_port_state *st)
{
	struct rte_ether_addr macs[2 * TW_MAX_GROUPS];
	uint16_t i, n = 0;
	int rc;

	if (nb > TW_MAX_GROUPS)
		nb = TW_MAX_GROUPS;
	for (i = 0; i < nb; i++)
		tw_mcast_mac(group_base + i, &macs[n++]);
	for (i = 0; group_b != 0 && i < nb; i++)
		tw_mcast_mac(group_b + i, &macs[n++]);
	nb = n;
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

const char *
tw_port_accept_mac(uint16_t port_id, const struct rte_ether_addr *mac)
{
	struct rte_ether_addr own;

	if (rte_eth_macaddr_get(port_id, &own) == 0 &&
	    rte_is_same_ether_addr(&own, mac))
		return "its own address";
	if (rte_eth_dev_mac_addr_add(port_id,
			(struct rte_ether_addr *)(uintptr_t)mac, 0) == 0)
		return "an added unicast address";
	if (rte_eth_promiscuous_enable(port_id) == 0 &&
	    rte_eth_promiscuous_get(port_id) == 1)
		return "promiscuous mode";
	return "nothing (the device passes all frames, or they are lost)";
}

int
tw_port_steer(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint16_t udp_port, uint16_t nb_rxq)
{
	const struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_ipv4 ip_spec, ip_mask;
	struct rte_flow_item_udp udp_spec, udp_mask;
	struct rte_flow_action_queue queue;
	struct rte_flow_item pattern[4];
	struct rte_flow_action actions[2];
	struct rte_flow_error err;
	uint16_t c;

	for (c = 0; c < nb; c++) {
		memset(&ip_spec, 0, sizeof(ip_spec));
		memset(&ip_mask, 0, sizeof(ip_mask));
		memset(&udp_spec, 0, sizeof(udp_spec));
		memset(&udp_mask, 0, sizeof(udp_mask));
		ip_spec.hdr.dst_addr = rte_cpu_to_be_32(group_base + c);
		ip_mask.hdr.dst_addr = RTE_BE32(UINT32_MAX);
		udp_spec.hdr.dst_port = rte_cpu_to_be_16(udp_port);
		udp_mask.hdr.dst_port = RTE_BE16(UINT16_MAX);
		queue.index = c % nb_rxq;
		memset(pattern, 0, sizeof(pattern));
		pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH;
		pattern[1] = (struct rte_flow_item){
			.type = RTE_FLOW_ITEM_TYPE_IPV4,
			.spec = &ip_spec, .mask = &ip_mask };
		pattern[2] = (struct rte_flow_item){
			.type = RTE_FLOW_ITEM_TYPE_UDP,
			.spec = &udp_spec, .mask = &udp_mask };
		pattern[3].type = RTE_FLOW_ITEM_TYPE_END;
		actions[0] = (struct rte_flow_action){
			.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue };
		actions[1] = (struct rte_flow_action){
			.type = RTE_FLOW_ACTION_TYPE_END };
		memset(&err, 0, sizeof(err));
		if (rte_flow_validate(port_id, &attr, pattern, actions,
				&err) != 0)
			return c == 0 ? -ENOTSUP : -rte_errno;
		if (rte_flow_create(port_id, &attr, pattern, actions,
				&err) == NULL) {
			PORT_LOG(ERR, "port %u: flow for channel %u: %s\n",
				port_id, c, err.message != NULL ?
				err.message : "refused");
			return -rte_errno;
		}
	}
	return 0;
}

/* A net_memif port in the client role (it connects; the server waits). */
static bool
memif_client(uint16_t port_id)
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

/* A memif client still down restarts this often while it waits. */
#define MEMIF_RECONNECT_MS 2000

int
tw_port_wait_link(uint16_t port_id, unsigned int seconds, volatile bool *quit)
{
	struct rte_eth_link link;
	unsigned int waited_ms = 0;
	bool client = memif_client(port_id);

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

/*
 * A driver's counters may go back. memif (DPDK 22.11) reads 0 while it
 * has no peer and its old count again once one connects; other drivers
 * zero them on a link change or a stop and start, and count from 0. So
 * that every counter reported is monotonic over the run without
 * counting anything twice: a 0 below the last count is held (it says
 * neither which), a count above 0 but below the last one is a new count
 * from 0 (the last one joins the base), a count at or above it goes on.
 * What a driver counted between the last read and a reset it does not
 * show (memif reads 0 from the moment its peer leaves) is lost: the
 * main lcore reads every port each tick (50 ms) to keep that small.
 * Per port id, written by the main lcore only.
 */
#define FOLD_XSTATS 256
enum { FOLD_IPACKETS, FOLD_OPACKETS, FOLD_IBYTES, FOLD_OBYTES,
	FOLD_IMISSED, FOLD_IERRORS, FOLD_OERRORS, FOLD_RX_NOMBUF,
	FOLD_XSTAT0 };

static struct port_fold {
	uint64_t last[FOLD_XSTAT0 + FOLD_XSTATS]; /* since the last reset */
	uint64_t base[FOLD_XSTAT0 + FOLD_XSTATS]; /* before it */
} folds[RTE_MAX_ETHPORTS];

static uint64_t
fold(struct port_fold *pf, unsigned int k, uint64_t raw)
{
	if (raw >= pf->last[k]) {
		pf->last[k] = raw;
	} else if (raw != 0) {
		pf->base[k] += pf->last[k];
		pf->last[k] = raw;
	}
	return pf->base[k] + pf->last[k];
}

void
tw_port_report_init(uint16_t port_id, struct tw_port_report *r)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;

	memset(r, 0, sizeof(*r));
	rte_seqcount_init(&r->sc);
	r->port_id = port_id;
	if (port_id < RTE_MAX_ETHPORTS)
		memset(&folds[port_id], 0, sizeof(folds[port_id]));
	if (rte_eth_dev_get_name_by_port(port_id, r->name) != 0)
		snprintf(r->name, sizeof(r->name), "port%u", port_id);
	if (rte_eth_dev_info_get(port_id, &info) == 0 &&
	    info.driver_name != NULL) {
		const struct rte_devargs *da = info.device != NULL ?
			rte_dev_devargs(info.device) : NULL;

		snprintf(r->driver, sizeof(r->driver), "%s", info.driver_name);
		/*
		 * A memif client connects to its server only when started
		 * (DPDK 22.11): once the server is gone it must be started
		 * again. A server takes a new client by itself.
		 */
		r->relink = strcmp(info.driver_name, "net_memif") == 0 &&
			(da == NULL || da->args == NULL ||
			 strstr(da->args, "role=server") == NULL);
	}
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		r->link_up = link.link_status == RTE_ETH_LINK_UP;
		r->link_speed = link.link_speed;
	}
}

static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
		void *ret_param)
{
	struct tw_port_report *r = arg;

	RTE_SET_USED(port_id);
	RTE_SET_USED(ret_param);
	if (type == RTE_ETH_EVENT_INTR_LSC)
		__atomic_fetch_add(&r->lsc_events, 1, __ATOMIC_RELAXED);
	return 0;
}

int
tw_port_watch_lsc(const struct tw_port_state *st, struct tw_port_report *r)
{
	if (!st->lsc)
		return 0;
	return rte_eth_dev_callback_register(r->port_id,
		RTE_ETH_EVENT_INTR_LSC, lsc_event, r);
}

enum tw_link_change
tw_port_poll_link(struct tw_port_report *r)
{
	struct rte_eth_link link;
	enum tw_link_change change = TW_LINK_SAME;
	bool up;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(r->port_id, &link) != 0)
		return TW_LINK_SAME;
	up = link.link_status == RTE_ETH_LINK_UP;
	if (up == (r->link_up != 0))
		return TW_LINK_SAME;
	rte_seqcount_write_begin(&r->sc);
	r->link_up = up;
	r->link_speed = link.link_speed;
	if (up) {
		r->link_ups++;
		change = TW_LINK_CAME_UP;
	} else {
		r->link_downs++;
		change = TW_LINK_WENT_DOWN;
	}
	rte_seqcount_write_end(&r->sc);
	PORT_LOG(WARNING, "port %u (%s): link %s\n", r->port_id, r->name,
		up ? "up again" : "down");
	/* Drivers zero their counters with a link change (memif does). */
	tw_port_poll_stats(r);
	return change;
}

void
tw_port_poll_stats(struct tw_port_report *r)
{
	struct rte_eth_xstat xs[FOLD_XSTATS];
	struct rte_eth_xstat_name names[FOLD_XSTATS];
	struct rte_eth_stats st;
	struct port_fold *pf;
	int n, i;
	uint16_t k = 0;

	if (r->port_id >= RTE_MAX_ETHPORTS)
		return;
	pf = &folds[r->port_id];
	memset(&st, 0, sizeof(st));
	if (rte_eth_stats_get(r->port_id, &st) != 0)
		return;
	n = rte_eth_xstats_get(r->port_id, xs, RTE_DIM(xs));
	if (n > (int)RTE_DIM(xs) || n < 0 ||
	    rte_eth_xstats_get_names(r->port_id, names, RTE_DIM(names)) != n)
		n = 0;
	rte_seqcount_write_begin(&r->sc);
	r->ipackets = fold(pf, FOLD_IPACKETS, st.ipackets);
	r->opackets = fold(pf, FOLD_OPACKETS, st.opackets);
	r->ibytes = fold(pf, FOLD_IBYTES, st.ibytes);
	r->obytes = fold(pf, FOLD_OBYTES, st.obytes);
	r->imissed = fold(pf, FOLD_IMISSED, st.imissed);
	r->ierrors = fold(pf, FOLD_IERRORS, st.ierrors);
	r->oerrors = fold(pf, FOLD_OERRORS, st.oerrors);
	r->rx_nombuf = fold(pf, FOLD_RX_NOMBUF, st.rx_nombuf);
	for (i = 0; i < n; i++) {
		uint64_t v;

		if (xs[i].id >= (uint64_t)n)
			continue;
		/* Each one folded, shown or not: it may show later. */
		v = fold(pf, FOLD_XSTAT0 + (unsigned int)xs[i].id,
			xs[i].value);
		if (v == 0 || k >= TW_PORT_XSTATS_MAX)
			continue;
		snprintf(r->xstats[k].name, TW_PORT_XSTAT_NAME, "%s",
			names[xs[i].id].name);
		r->xstats[k++].value = v;
	}
	r->nb_xstats = k;
	rte_seqcount_write_end(&r->sc);
}

int
tw_port_restart(struct tw_port_report *r)
{
	int rc = 0;

	/*
	 * The counts up to now first, and again once started: a driver
	 * may zero them on stop or start (see fold()).
	 */
	tw_port_poll_stats(r);
	/* A restart that failed left it stopped: start it only. */
	if (!r->stopped)
		rc = rte_eth_dev_stop(r->port_id);
	if (rc == 0) {
		r->stopped = 1;
		rc = rte_eth_dev_start(r->port_id);
		if (rc == 0)
			r->stopped = 0;
	}
	tw_port_poll_stats(r);
	rte_seqcount_write_begin(&r->sc);
	r->restarts++;
	rte_seqcount_write_end(&r->sc);
	return rc;
}

void
tw_port_report_read(const struct tw_port_report *r,
		struct tw_port_report *out)
{
	unsigned int tries = 0;
	uint32_t sn;

	/* Bounded: a writer that died mid-update cannot hang a reader. */
	do {
		sn = rte_seqcount_read_begin(&r->sc);
		memcpy(out, r, sizeof(*out));
	} while (rte_seqcount_read_retry(&r->sc, sn) && ++tries < 1000);
	out->lsc_events = __atomic_load_n(&r->lsc_events, __ATOMIC_RELAXED);
}
