/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * The composer of the receive path (public, with tw_rx_frame.h): the
 * three layers put together at compile time into one walk of a frame,
 * compiled once per SIMD level and message protocol.
 *
 *   layer 1  tw_rx_net.h              Ethernet, IPv4, UDP (fast path and
 *                                     the reference checks)
 *   layer 2  the transport's header   MoldUDP64: lib/moldudp64/
 *                                     tw_mold_rx.h (xport_*)
 *   layer 3  the message layer        tickwire: tw_msg_rx.h; ITCH 5.0:
 *                                     lib/itch/tw_itch_rx.c (msg_*)
 *
 * A level's source defines, then includes in this order:
 *
 *   TW_RX_LEVEL                 suffix of the functions it exports
 *   TW_RX_HAVE_FAST_HEADERS     1 when lvl_hdr_match() exists
 *   lvl_hdr_match(p, tmpl)      frame's first TW_RX_TMPL_LEN bytes match
 *   lvl_raw_cksum(buf, len)     what rte_raw_cksum() returns, exactly
 *   (and what its message layer needs, e.g. lvl_quote_fields)
 *   #include <message layer>    defines TW_RX_MSG_LAYER, msg_*
 *   #include <transport layer>  defines TW_RX_XPORT_HDR_LEN, xport_*
 *   #include "tw_rx_template.h" this: layer 1, the frame, the burst
 *
 * Each layer's functions are always inline: the layers cost nothing at
 * run time, and each can be composed alone with a test's own layers
 * (tests/unit/test_layers.c).
 *
 * It defines tw_rx_burst_<level> and tw_rx_raw_cksum_<level>. The
 * scalar level has no fast header path and uses the DPDK helpers: it is
 * the reference the others are tested against.
 * ====================================================================
 */
#ifndef TW_RX_LEVEL
#error "define TW_RX_LEVEL and the level's kernels before this template"
#endif
#ifdef TW_PARSE_IMPL_INCLUDED
#error "tw_rx_template.h is included once per level source"
#endif
#define TW_PARSE_IMPL_INCLUDED
#ifndef TW_RX_MSG_LAYER
#error "include a message layer (e.g. tw_msg_rx.h) before tw_rx_template.h"
#endif
#ifndef TW_RX_XPORT_HDR_LEN
#error "include a transport layer (e.g. tw_mold_rx.h) before tw_rx_template.h"
#endif

#define TW_RX_CAT_(a, b) a ## b
#define TW_RX_CAT(a, b) TW_RX_CAT_(a, b)
#define TW_RX_BURST_FN TW_RX_CAT(tw_rx_burst_, TW_RX_LEVEL)

#include "tw_rx_net.h"

static inline void
rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_rx_view v;
	int reason;

	ctr->pkts++;
	ctr->bytes += len;
	reason = net_fast(ctx, frame, len, ol_flags, &v);
	if (likely(reason == TW_RX_ACCEPT)) {
		xport_hdr_check(ctx, &v, true);
	} else {
		ctr->scalar_checked++;
		reason = tw_rx_check_headers(ctx, frame, len, ol_flags, &v);
		if (reason == TW_RX_ACCEPT)
			reason = xport_hdr_check(ctx, &v, false);
	}
	if (unlikely(reason >= 0)) {
		ctr->drops[reason]++;
		return;
	}
	ctx->cur_frame = frame;
	xport_datagram(ctx, &v, now_ns);
	ctx->cur_frame = NULL;
}

/* The level's checksum kernel, exported for the differential tests. */
uint16_t
TW_RX_CAT(tw_rx_raw_cksum_, TW_RX_LEVEL)(const void *buf, uint32_t len)
{
	return lvl_raw_cksum(buf, len);
}

/*
 * Prefetch the mbuf headers of frames two steps ahead and their first
 * data line one step ahead, so neither load stalls when a frame's turn
 * comes (the l3fwd pattern).
 */
#define TW_RX_PREFETCH_AHEAD 4

void
TW_RX_BURST_FN(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_ns)
{
	uint16_t i;

	for (i = 0; i < n && i < 2 * TW_RX_PREFETCH_AHEAD; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < n && i < TW_RX_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 2 * TW_RX_PREFETCH_AHEAD < n)
			rte_prefetch0(pkts[i + 2 * TW_RX_PREFETCH_AHEAD]);
		if (i + TW_RX_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(
				pkts[i + TW_RX_PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs != 1)) {
			ctx->ctr->pkts++;
			ctx->ctr->bytes += m->pkt_len;
			ctx->ctr->drops[TW_DROP_SEGMENTED]++;
			continue;
		}
		rx_frame(ctx, rte_pktmbuf_mtod(m, const uint8_t *),
			m->data_len, m->ol_flags, now_ns);
	}
}
