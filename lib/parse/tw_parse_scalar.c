/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scalar level: the reference. No fast header path, DPDK's checksum
 * helpers, byte swaps one field at a time. Built with the baseline flags.
 */
#include <string.h>

#include "tw_rx_frame.h"

#define TW_RX_LEVEL scalar
#define TW_RX_HAVE_FAST_HEADERS 0

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

static inline void
lvl_quote_fields(struct tw_cache_entry *e, const uint8_t *m)
{
	struct tw_quote q;

	tw_decode_quote(m, &q);
	e->bid_px = q.bid_px;
	e->ask_px = q.ask_px;
	e->bid_sz = q.bid_sz;
	e->ask_sz = q.ask_sz;
}

#include "tw_msg_rx.h"
#include "tw_mold_rx.h"
#include "tw_rx_template.h"

void
tw_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	rx_frame(ctx, frame, len, ol_flags, now_ns);
}

void
tw_rx_datagram(struct tw_rx_ctx *ctx, uint16_t channel,
		const uint8_t *payload, uint32_t len, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	/* A multicast datagram of line A: no retransmission, no snapshot. */
	struct tw_rx_view v = { .retrans = false };
	int reason;

	ctr->pkts++;
	ctr->bytes += len;
	if (unlikely(channel >= ctx->feed->nb_channels)) {
		ctr->drops[TW_DROP_NOT_SUBSCRIBED]++;
		return;
	}
	v.payload = payload;
	v.payload_len = len;
	v.channel = channel;
	reason = xport_hdr_check(ctx, &v, false);
	if (unlikely(reason != TW_RX_ACCEPT)) {
		ctr->drops[reason]++;
		return;
	}
	xport_datagram(ctx, &v, now_ns);
}
