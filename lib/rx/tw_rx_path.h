/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX poll step, written once: a received burst stamped at poll,
 * validated and applied to the cache by the protocol's kernel at the
 * chosen SIMD level, stamped again, and its latency samples recorded.
 * The RX lcores, tickwire-bench and tickwire-sockrx all call it.
 *
 * Owns: one receiver's parse context, counters, latency histograms
 * (one per span), the burst's send stamps and the quotes that asked for
 * an order, set up once; the NIC timestamp samples (wire->poll); with
 * a loop's interruption record (lib/noise), the stamps it is given and
 * the samples of packets that waited through an interruption.
 * Never touches: ports, queues, mempools: the caller polls, frees the
 * burst and answers the orders (path->ctx.nb_replies of path->replies).
 */
#ifndef TW_RX_PATH_H
#define TW_RX_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "tw_clock.h"
#include "tw_hist.h"
#include "tw_noise.h"
#include "tw_order.h"
#include "tw_parse.h"
#include "tw_protocol.h"

/* Most frames (or datagrams) one step takes. */
#define TW_RX_BURST_MAX 512

struct tw_rx_path {
	struct tw_rx_ctx ctx;
	struct tw_rx_counters ctr;
	const struct tw_protocol *proto;
	const struct tw_clock *clock;
	const struct tw_clock *devclk;  /* NIC clock of the port, or NULL */
	int ts_offset;                  /* RX timestamp dynamic field */
	uint64_t ts_flag;
	struct tw_hist lat[TW_SPAN_MAX]; /* enum tw_lat_span */
	/*
	 * The poller's interruptions (NULL: not recorded). A packet due
	 * before the end of the last one (quiet_ns) may have waited
	 * through it: its send->poll, send->cache and actual->cache
	 * samples go into touched too, so that lat - touched is the
	 * samples polled without an interruption in between.
	 */
	struct tw_noise *noise;
	uint64_t quiet_ns;
	struct tw_hist touched[TW_SPAN_MAX];
	uint64_t sent[TW_RX_BURST_MAX]; /* a burst's packets' send_ns */
	uint16_t late[TW_RX_BURST_MAX]; /* and their lateness */
	struct tw_order_reply replies[TW_RX_BURST_MAX];
} __rte_cache_aligned;

/*
 * Set up a path (its memory zeroed or not) for one receiver: the
 * protocol's context over cache and channels at SIMD level simd, stamps
 * from clock. With replies, quotes that ask for an order are collected
 * for the caller to answer. 0, or -ENOTSUP for a level not built in.
 */
int tw_rx_path_init(struct tw_rx_path *p, const struct tw_protocol *proto,
		const struct tw_rx_feed *feed, struct tw_cache *cache,
		struct tw_channel_state *channels, enum tw_simd simd,
		const struct tw_clock *clock, bool replies);

/* Take wire->poll samples from the port's RX timestamps. */
void tw_rx_path_wire_clock(struct tw_rx_path *p, const struct tw_clock *devclk,
		int ts_offset, uint64_t ts_flag);

/*
 * After a burst is applied (done_ns), record its samples collected in
 * ctx->sent / ctx->late into lat (TW_SPAN_MAX histograms): send->cache
 * and actual->cache per packet, poll->cache once; resets nb_sent. With
 * touched, the packets due before quiet_ns are recorded there too
 * (send->poll, send->cache, actual->cache).
 */
void tw_rx_record_burst(struct tw_rx_ctx *ctx, struct tw_hist *lat,
		uint64_t poll_ns, uint64_t done_ns, struct tw_hist *touched,
		uint64_t quiet_ns);

static inline void
tw_rx_path_record(struct tw_rx_path *p, uint64_t poll_ns, uint64_t done_ns)
{
	tw_rx_record_burst(&p->ctx, p->lat, poll_ns, done_ns,
		p->noise != NULL ? p->touched : NULL, p->quiet_ns);
}

/* Record the poller's interruptions in n (NULL: stop); zeroes touched. */
void tw_rx_path_noise(struct tw_rx_path *p, struct tw_noise *n);

/*
 * A stamp (TSC) of the poller's own, at an iteration that polled and
 * found nothing: an interruption ends here when the gap since its last
 * stamp is over the threshold.
 */
static inline void
tw_rx_path_idle_stamp(struct tw_rx_path *p, uint64_t tsc)
{
	if (p->noise != NULL && unlikely(tw_noise_tick(p->noise, tsc)))
		p->quiet_ns = tw_clock_ns(p->clock, tsc);
}

/* NIC RX timestamps of the burst, mapped to our clock: wire->poll. */
void tw_rx_path_wire_samples(struct tw_rx_path *p, struct rte_mbuf **pkts,
		uint16_t n, uint64_t poll_ns);

/*
 * n datagrams a kernel socket delivered for channel (payloads bufs[i],
 * lens[i] bytes), as one burst polled at poll_ns.
 */
void tw_rx_path_datagrams(struct tw_rx_path *p, uint16_t channel,
		uint8_t *const *bufs, const uint32_t *lens, unsigned int n,
		uint64_t poll_ns);

/*
 * One burst of frames: stamp, wire samples, validate and apply, stamp,
 * record. Does not free the mbufs.
 */
static inline void
tw_rx_path_frames(struct tw_rx_path *p, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t tsc = rte_rdtsc();
	uint64_t poll_ns = tw_clock_ns(p->clock, tsc);

	/* The poll's stamp is the loop's: a gap before it, an interruption. */
	if (p->noise != NULL && unlikely(tw_noise_tick(p->noise, tsc)))
		p->quiet_ns = poll_ns;
	if (p->devclk != NULL)
		tw_rx_path_wire_samples(p, pkts, n, poll_ns);
	tw_rx_burst(&p->ctx, pkts, n, poll_ns);
	/* One more stamp per burst: the cache is updated. The work up to
	 * here is the loop's own, not a gap. */
	tsc = rte_rdtsc();
	tw_rx_path_record(p, poll_ns, tw_clock_ns(p->clock, tsc));
	if (p->noise != NULL)
		tw_noise_mark(p->noise, tsc);
}

#endif /* TW_RX_PATH_H */
