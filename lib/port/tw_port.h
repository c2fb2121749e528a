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

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_seqcount.h>

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
	bool rx_intr;           /* RX queue interrupts ([rx] idle) */
	struct rte_mempool *rxq_pool[TW_MAX_RXQ_PER_PORT];
	/* For a TX-only port whose driver insists on an RX queue. */
	struct rte_mempool *idle_rx_pool;
	/* A memif client whose server's socket is not there yet waits for
	 * it this long (0: not at all), until *quit. */
	unsigned int start_wait_s;
	volatile bool *quit;
};

/* What the port ended up with. */
struct tw_port_state {
	bool rx_csum;           /* port verifies IPv4 + UDP checksums */
	bool tx_csum;           /* port fills IPv4 + UDP checksums */
	bool rx_ts;             /* mbufs carry the NIC's RX timestamp */
	int ts_offset;          /* its dynamic field, when rx_ts */
	uint64_t ts_flag;       /* and the ol_flags bit saying it is set */
	char mcast_mode[48];    /* how the groups are received */
	bool lsc;               /* link status change interrupts enabled */
};

/*
 * A mempool on socket whose mbufs hold a frame of up to max_frame bytes
 * (headers, payload; no CRC) in one segment: DPDK's default data room,
 * or more for jumbo frames.
 */
struct rte_mempool *tw_port_pool_create(int socket, uint32_t nb_mbufs,
		uint32_t cache, uint32_t max_frame);

/* Bytes of frame an mbuf of mp holds in one segment. */
uint32_t tw_port_pool_frame_room(const struct rte_mempool *mp);

/* Socket of a port, or TW_SOCKET_ANY when the device does not say. */
int tw_port_socket(uint16_t port_id);

/* Configure, set up queues, start. 0 or -errno (logged). */
int tw_port_start(const struct tw_port_conf *pc, struct tw_port_state *st);

/*
 * Receive nb groups from group_base (host order), and nb from group_b
 * too unless it is 0 (line B): the multicast address list where the
 * driver has one, else allmulticast, else promiscuous.
 */
int tw_port_join(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint32_t group_b, struct tw_port_state *st);

/*
 * Steer channel c (group_base + c, UDP dst_port) to RX queue c %
 * nb_rxq with one rte_flow rule each. 0 when every rule is in, -ENOTSUP
 * when the port takes none (virtual devices: there the sender's TX
 * queue decides), or another -errno; rules made before a failure stay.
 */
/*
 * Take unicast frames to mac as well as to the port's own address (the
 * generator sends with [feed] src_mac, and orders and re-requests come
 * back to it): an added MAC address, else promiscuous mode. Says which.
 */
const char *tw_port_accept_mac(uint16_t port_id,
		const struct rte_ether_addr *mac);

int tw_port_steer(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint16_t udp_port, uint16_t nb_rxq);

/* Wait up to seconds for link up; 0 when up, -ETIMEDOUT otherwise. */
int tw_port_wait_link(uint16_t port_id, unsigned int seconds,
		volatile bool *quit);

void tw_port_stop(uint16_t port_id);

/* ---- what a port says about itself, read by the main lcore ---- */

#define TW_PORT_XSTATS_MAX 32
#define TW_PORT_XSTAT_NAME 64

struct tw_port_xstat {
	char name[TW_PORT_XSTAT_NAME];
	uint64_t value;
};

/*
 * One port's link and counters as last read. The main lcore writes it
 * (seqcount), readers in any process copy it with tw_port_report_read.
 */
struct tw_port_report {
	rte_seqcount_t sc;
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];        /* e.g. net_memif0 */
	char driver[32];
	uint8_t link_up;
	uint8_t relink;         /* restart to reconnect: a memif client */
	uint8_t stopped;        /* a restart stopped it and could not start */
	uint32_t link_speed;    /* Mb/s, as the driver says */
	uint64_t link_downs;    /* up -> down seen */
	uint64_t link_ups;      /* down -> up seen, after the start */
	uint64_t lsc_events;    /* link status interrupts (lsc only) */
	uint64_t restarts;      /* stopped and started to reconnect */
	/* From the run's start, across driver resets (tw_port_poll_stats). */
	uint64_t ipackets;
	uint64_t opackets;
	uint64_t ibytes;
	uint64_t obytes;
	uint64_t imissed;       /* dropped by the NIC: RX ring full */
	uint64_t ierrors;
	uint64_t oerrors;
	uint64_t rx_nombuf;     /* RX mbuf allocation failures */
	uint16_t nb_xstats;     /* the non-zero extended stats */
	struct tw_port_xstat xstats[TW_PORT_XSTATS_MAX];
};

/* Name the port and take its link state as the starting point. */
void tw_port_report_init(uint16_t port_id, struct tw_port_report *r);

/*
 * Count link status change events in r, on a port started with them
 * (tw_port_state.lsc); 0 when nothing to watch or registered.
 */
int tw_port_watch_lsc(const struct tw_port_state *st,
		struct tw_port_report *r);

/* A change of link state seen by tw_port_poll_link. */
enum tw_link_change {
	TW_LINK_SAME,
	TW_LINK_WENT_DOWN,
	TW_LINK_CAME_UP,
};

/*
 * Read the link now (no wait), count and return a change; on a change
 * read the stats too (tw_port_poll_stats), before the driver counts
 * past what it zeroed.
 */
enum tw_link_change tw_port_poll_link(struct tw_port_report *r);

/*
 * Read the basic and non-zero extended stats into r, each monotonic
 * over the run and never counting a frame twice: a counter the driver
 * took back goes on from what it had counted (memif reads 0 while it
 * has no peer; other drivers zero them on a link change or restart).
 * A reset whose new count passed the old one before a read saw it is
 * missed (counted short); link changes and restarts read at once so
 * that it is not.
 */
void tw_port_poll_stats(struct tw_port_report *r);

/*
 * Stop (if started) and start the port, the caller keeping every lcore
 * off it; for ports with relink set. 0 once started again. The stats
 * are read just before and after (tw_port_poll_stats).
 */
int tw_port_restart(struct tw_port_report *r);

/* A consistent copy of a report another thread or process writes. */
void tw_port_report_read(const struct tw_port_report *r,
		struct tw_port_report *out);

#endif /* TW_PORT_H */
