/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "tw_rx_path.h"

int
tw_rx_path_init(struct tw_rx_path *p, const struct tw_protocol *proto,
		const struct tw_rx_feed *feed, struct tw_cache *cache,
		struct tw_channel_state *channels, enum tw_simd simd,
		const struct tw_clock *clock, bool replies)
{
	unsigned int i;
	int rc;

	memset(&p->ctr, 0, sizeof(p->ctr));
	rc = proto->rx_init(&p->ctx, feed, cache, channels, &p->ctr, simd);
	if (rc != 0)
		return rc;
	p->proto = proto;
	p->clock = clock;
	p->devclk = NULL;
	p->noise = NULL;
	p->quiet_ns = 0;
	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_init(&p->lat[i]);
	p->ctx.lat = &p->lat[TW_SPAN_SEND_POLL];
	p->ctx.fill_hist = &p->lat[TW_SPAN_GAP_FILL];
	p->ctx.skew_hist = &p->lat[TW_SPAN_AB_SKEW];
	p->ctx.sent = p->sent;
	p->ctx.late = p->late;
	p->ctx.sent_cap = TW_RX_BURST_MAX;
	if (replies) {
		p->ctx.replies = p->replies;
		p->ctx.reply_cap = TW_RX_BURST_MAX;
	}
	return 0;
}

void
tw_rx_path_wire_clock(struct tw_rx_path *p, const struct tw_clock *devclk,
		int ts_offset, uint64_t ts_flag)
{
	p->devclk = devclk;
	p->ts_offset = ts_offset;
	p->ts_flag = ts_flag;
}

void
tw_rx_path_wire_samples(struct tw_rx_path *p, struct rte_mbuf **pkts,
		uint16_t n, uint64_t poll_ns)
{
	uint16_t i;

	if (!tw_clock_ready(p->devclk))
		return;         /* the mapping needs its second pair */
	for (i = 0; i < n; i++) {
		uint64_t wire;

		if (!(pkts[i]->ol_flags & p->ts_flag))
			continue;
		wire = tw_clock_ns(p->devclk, *RTE_MBUF_DYNFIELD(pkts[i],
			p->ts_offset, rte_mbuf_timestamp_t *));
		if (poll_ns >= wire)
			tw_hist_record(&p->lat[TW_SPAN_WIRE_POLL],
				poll_ns - wire);
	}
}

void
tw_rx_path_noise(struct tw_rx_path *p, struct tw_noise *n)
{
	unsigned int i;

	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_init(&p->touched[i]);
	p->quiet_ns = 0;
	p->noise = n;
}

/* A packet due before the last interruption ended may have waited in it. */
static void
record_touched(struct tw_hist *touched, uint64_t due, uint16_t late,
		uint64_t poll_ns, uint64_t done_ns)
{
	if (poll_ns >= due)
		tw_hist_record(&touched[TW_SPAN_SEND_POLL], poll_ns - due);
	if (done_ns >= due)
		tw_hist_record(&touched[TW_SPAN_SEND_CACHE], done_ns - due);
	if (late == TW_LATE_SATURATED)
		return;
	due += (uint64_t)late * TW_LATE_UNIT_NS;
	if (done_ns >= due)
		tw_hist_record(&touched[TW_SPAN_ACTUAL_CACHE], done_ns - due);
}

void
tw_rx_record_burst(struct tw_rx_ctx *ctx, struct tw_hist *lat,
		uint64_t poll_ns, uint64_t done_ns, struct tw_hist *touched,
		uint64_t quiet_ns)
{
	uint16_t k;

	/* A re-anchored clock may step back between two stamps. */
	if (likely(done_ns >= poll_ns))
		tw_hist_record(&lat[TW_SPAN_POLL_CACHE], done_ns - poll_ns);
	for (k = 0; k < ctx->nb_sent; k++) {
		uint64_t due = ctx->sent[k];

		if (unlikely(due < quiet_ns) && touched != NULL)
			record_touched(touched, due, ctx->late[k], poll_ns,
				done_ns);

		if (likely(done_ns >= due))
			tw_hist_record(&lat[TW_SPAN_SEND_CACHE], done_ns - due);
		if (unlikely(ctx->late[k] == TW_LATE_SATURATED)) {
			ctx->ctr->late_saturated++;
			continue;
		}
		due += (uint64_t)ctx->late[k] * TW_LATE_UNIT_NS;
		if (likely(done_ns >= due))
			tw_hist_record(&lat[TW_SPAN_ACTUAL_CACHE],
				done_ns - due);
	}
	ctx->nb_sent = 0;
}

void
tw_rx_path_datagrams(struct tw_rx_path *p, uint16_t channel,
		uint8_t *const *bufs, const uint32_t *lens, unsigned int n,
		uint64_t poll_ns)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p->proto->rx_datagram(&p->ctx, channel, bufs[i], lens[i],
			poll_ns);
	tw_rx_path_record(p, poll_ns, tw_clock_ns(p->clock, rte_rdtsc()));
}
