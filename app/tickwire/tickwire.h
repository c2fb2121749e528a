/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire app: the state the main lcore builds and the worker lcores
 * run on. One struct per lcore role, cache aligned, each written by its
 * own lcore only; the main lcore reads counters with relaxed loads.
 */
#ifndef TICKWIRE_H
#define TICKWIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "tw_cache.h"
#include "tw_clock.h"
#include "tw_config.h"
#include "tw_feed.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_parse.h"
#include "tw_port.h"
#include "tw_reply.h"
#include "tw_stats.h"
#include "tw_topo.h"
#include "tw_shared.h"

#define TW_VERSION "0.1.0"
#define TW_GEN_TXBUF (2 * 64)
#define TW_RX_BURST_MAX 512

extern int tw_logtype_gen;
extern int tw_logtype_rx;
extern int tw_logtype_app;

#define TW_LOG(type, level, ...) \
	rte_log(RTE_LOG_ ## level, tw_logtype_ ## type, \
		"tickwire." #type ": " __VA_ARGS__)

/* Set by SIGINT / SIGTERM or by the main lcore; every loop tests it. */
extern volatile bool tw_force_quit;

struct tw_rx_queue_ref {
	uint16_t port_id;
	uint16_t queue;
};

struct tw_rx_lcore {
	unsigned int lcore_id;
	int socket;
	uint16_t burst;
	uint16_t nb_queues;
	struct tw_rx_queue_ref queues[TW_MAX_RXQ];
	struct tw_rx_ctx ctx;
	struct tw_rx_counters ctr;
	const struct tw_clock *clock;
	struct tw_hist lat[TW_SPAN_MAX]; /* enum tw_lat_span */
	const struct tw_clock *devclk;  /* NIC clock of the port, or NULL */
	int ts_offset;                  /* RX timestamp dynamic field */
	uint64_t ts_flag;
	uint16_t reply_port;            /* orders go out here ... */
	uint16_t reply_txq;             /* ... on this queue, if reflecting */
	struct rte_mempool *reply_pool; /* NULL: not reflecting */
	uint32_t reflect_ip;            /* source of the orders */
	struct rte_ether_addr reply_mac; /* the reply port's address */
	struct tw_rx_reply replies[TW_RX_BURST_MAX];
	uint64_t sent[TW_RX_BURST_MAX]; /* a burst's packets' send_ns */
	uint16_t late[TW_RX_BURST_MAX]; /* and their lateness */
} __rte_cache_aligned;

struct tw_gen_lcore {
	unsigned int lcore_id;
	uint16_t port_id;
	uint16_t burst;
	uint16_t nb_channels;
	struct rte_mempool *pool;
	struct tw_gen *gen;
	struct tw_cache *truth;         /* what was sent; NULL unless dumped */
	struct tw_pkt_tmpl *tmpl;       /* per channel */
	struct tw_pkt_builder *open;    /* per channel */
	struct rte_mbuf **open_mbuf;    /* per channel */
	uint64_t *next_seq;             /* per channel */
	uint64_t *last_tx_tsc;          /* per channel */
	enum tw_csum_mode csum;
	uint64_t rate;
	uint64_t count;
	uint64_t flush_tsc;
	uint64_t heartbeat_tsc;
	uint64_t tx_retry_tsc;
	const struct tw_clock *clock;
	struct rte_mbuf *txbuf[TW_GEN_TXBUF];
	uint16_t txmsgs[TW_GEN_TXBUF];  /* messages in each pending frame */
	uint16_t nb_tx;
	bool mirror;                    /* every frame also on mirror_port */
	uint16_t mirror_port;
	uint16_t nb_mirror;
	struct rte_mbuf *mirror_buf[TW_GEN_TXBUF];
	struct tw_gen_counters ctr;
	uint32_t done;                  /* session ended (release store) */
	uint32_t reply_every;           /* 0: no tick-to-trade requests */
	uint32_t quotes_to_request;     /* countdown to the next request */
	uint16_t reply_rxq;             /* orders arrive here on port_id */
	struct tw_reply_table replies;
	struct tw_hist rtt;             /* quote sent -> order back */
} __rte_cache_aligned;

/* Everything the main lcore builds; the workers see their own part. */
struct tw_app {
	struct tw_config cfg;
	struct tw_clock clock;
	struct tw_topo_input tin;
	struct tw_topo_plan plan;
	struct rte_mempool *pools[TW_MAX_SOCKETS]; /* by plan.pool_sockets */
	struct tw_cache *caches[TW_MAX_SOCKETS];   /* by plan.cache_sockets */
	const struct rte_memzone *cache_mz[TW_MAX_SOCKETS];
	struct tw_rx_feed feed;
	enum tw_simd simd;              /* level of the hot loops */
	struct tw_rx_lcore *rx[TW_MAX_RX_LCORES];
	unsigned int nb_rx;
	struct tw_gen_lcore *gen;
	uint16_t ports[TW_MAX_PORTS];
	unsigned int nb_ports;
	bool port_started[TW_MAX_PORTS];
	struct tw_port_state port_state[TW_MAX_PORTS];
	uint64_t start_tsc;             /* launch of the lcores */
	struct tw_hist lat_merged[TW_SPAN_MAX]; /* scratch of collect() */
	struct tw_hist rtt_merged;      /* scratch of collect() */
	struct tw_clock devclk[TW_MAX_PORTS]; /* NIC clocks, by port index */
	const struct rte_memzone *shared_mz;
	bool pdump;                     /* rte_pdump_init succeeded */
};

int tw_gen_lcore_main(void *arg);
int tw_rx_lcore_main(void *arg);

/* /tickwire/... commands for dpdk-telemetry.py (telemetry.c). */
int tw_telemetry_register(struct tw_app *app);

#endif /* TICKWIRE_H */
