/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX frame validation and feed decoding.
 *
 * Owns: the verdict on every received frame (each layer checked, each
 * drop counted under its reason), the decode of message blocks, and the
 * application of accepted messages to the cache.
 * Never touches: ports, queues, mempools (the caller polls and frees),
 * or another lcore's counters and channel states.
 *
 * A frame is validated whole before any byte of it reaches the cache:
 * a bad frame never writes to the cache.
 */
#ifndef TW_PARSE_H
#define TW_PARSE_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf_core.h>

#include "tw_cache.h"
#include "tw_feed.h"
#include "tw_proto.h"

/* Why a frame was dropped. Names in tw_rx_drop_name(). */
enum tw_rx_drop {
	TW_DROP_RUNT,           /* shorter than the headers it claims */
	TW_DROP_SEGMENTED,      /* frame spread over several mbufs */
	TW_DROP_NOT_IPV4,       /* ethertype is not IPv4 */
	TW_DROP_BAD_VLAN,       /* tag absent, unexpected, stacked or other VID */
	TW_DROP_BAD_ETH_DST,    /* destination MAC is not the group's */
	TW_DROP_BAD_IP_VERSION,
	TW_DROP_BAD_IP_HDR_LEN,
	TW_DROP_BAD_IP_TOTAL_LEN,
	TW_DROP_IP_FRAGMENT,
	TW_DROP_BAD_IP_CSUM,
	TW_DROP_NOT_UDP,
	TW_DROP_BAD_UDP_LEN,
	TW_DROP_BAD_UDP_CSUM,
	TW_DROP_NOT_SUBSCRIBED, /* group:port is not one of our channels */
	TW_DROP_BAD_MOLD_HDR,   /* UDP payload shorter than MoldUDP64 header */
	TW_DROP_BAD_SESSION,
	TW_DROP_BAD_MSG_LEN,    /* block overruns, wrong size, trailing bytes */
	TW_DROP_BAD_MSG_TYPE,
	TW_DROP_BAD_LOCATE,     /* locate beyond the cache */
	TW_DROP_DUPLICATE,      /* every message already seen */
	TW_DROP_MAX
};

const char *tw_rx_drop_name(enum tw_rx_drop reason);

/* Per-lcore counters; written only by their lcore. */
struct tw_rx_counters {
	uint64_t pkts;          /* frames polled */
	uint64_t bytes;
	uint64_t pkts_accepted; /* frames that passed every check */
	uint64_t msgs;          /* messages applied to the cache */
	uint64_t quotes;
	uint64_t trades;
	uint64_t directories;
	uint64_t heartbeats;
	uint64_t end_of_session;
	uint64_t drops[TW_DROP_MAX];
	uint64_t lat_samples;   /* one per accepted data packet */
	uint64_t lat_negative;  /* stamped after arrival: clocks disagree */
	uint64_t lat_sum_ns;
	uint64_t lat_max_ns;
} __rte_cache_aligned;

/* What an RX lcore subscribes to; shared read-only by all RX lcores. */
struct tw_rx_feed {
	char session[TW_MOLD_SESSION_LEN];
	uint32_t group_base;    /* channel c is group_base + c (host order) */
	uint16_t nb_channels;
	uint16_t udp_port;      /* host order */
	uint16_t vlan;          /* expected VID; 0 = untagged frames */
};

/* One RX lcore's view: its counters, its channel states, its cache. */
struct tw_rx_ctx {
	const struct tw_rx_feed *feed;
	struct tw_cache *cache;
	struct tw_channel_state *channels; /* feed->nb_channels entries */
	struct tw_rx_counters *ctr;
};

/*
 * Validate one frame and apply its messages. ol_flags are the mbuf's
 * RX offload flags (checksum verdicts of the port, or 0). now_ns stamps
 * the cache entries and the latency sample.
 */
void tw_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns);

/* tw_rx_frame over a burst of mbufs; does not free them. */
void tw_rx_burst(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_ns);

#endif /* TW_PARSE_H */
