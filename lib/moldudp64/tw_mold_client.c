/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MoldUDP64 transport's recovery client, on the receiver: each
 * channel's gaps, from the jump that opens one to the fill that closes
 * it or the time and tries that give it up; the requests the lcore's
 * timer sends; A/B arbitration's record. Compiled into each library
 * that composes the transport's receive layer (tw_mold_rx.h, whose fill
 * takes runs of a gap and hands their messages to the message layer's
 * merge). Owns the gap list and its timers; never touches the frame's
 * header checks (tw_parse.c), what a message means, or a snapshot's
 * staging (tw_rx_snapshot.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "tw_rx_frame.h"

/*
 * Requests go to the configured server (feed->server_ip); its MAC is the
 * one configured, else learnt from the channel's own frames when they
 * come from that address (a frame from elsewhere teaches nothing).
 */
void
tw_rx_learn_server(const struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		const uint8_t *f)
{
	const struct tw_rx_feed *feed = ctx->feed;
	const struct rte_ipv4_hdr *ip;

	ch->server_ip = feed->server_ip;
	if (feed->server_mac_set) {
		memcpy(ch->server_mac, feed->server_mac, RTE_ETHER_ADDR_LEN);
		return;
	}
	if (f == NULL)
		return;
	ip = (const struct rte_ipv4_hdr *)(f + feed->l2_len);
	if (rte_be_to_cpu_32(ip->src_addr) == feed->server_ip)
		memcpy(ch->server_mac, f + RTE_ETHER_ADDR_LEN,
			RTE_ETHER_ADDR_LEN);
}

void
tw_rx_gap_open(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t first,
		uint64_t end, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	const uint8_t *f = ctx->cur_frame;
	struct tw_gap lost;

	tw_rx_learn_server(ctx, ch, f);
	tw_gaps_add(ch, first, end, now_ns, &lost);
	/* Two lines: the other may still bring it; ask only after. */
	if (ctx->feed->lines == 2)
		ch->missing[ch->nb_gaps - 1].next_req_ns = now_ns +
			ctx->feed->ab_wait_ns;
	if (lost.end != 0)
		tw_rx_gap_lost(ctx, channel, &lost);
	else
		ctx->ctr->gaps_open++;
	ctx->ctr->asks_now++;
}

void
tw_rx_gap_lost(struct tw_rx_ctx *ctx, uint32_t channel,
		const struct tw_gap *g)
{
	struct tw_channel_state *ch = &ctx->channels[channel];

	ch->ctr.gaps_unrecovered++;
	ch->ctr.msgs_unrecovered += g->end - g->first;
	/* Held back at it: what came after it applies from now on. */
	if (ctx->feed->hold_back && g->first <= ch->expected &&
	    g->end > ch->expected)
		ch->expected = g->end;
	if (g->tail) {
		ch->ctr.gaps++;
		ch->ctr.gap_msgs += g->tail_msgs;
		/* The end of session was seen past it and will not come
		 * again (no server repeats it): the channel ends there,
		 * what it lacked counted above. */
		if (ch->expected >= g->first && ch->expected < g->end) {
			ch->expected = g->end;
			ch->end_pending = g->end;
		}
	}
	/* Which symbols the lost messages touched is not known: all of the
	 * channel's may be wrong now, and say so. */
	tw_rx_channel_stale(ctx, channel);
	/* Its whole state, from the snapshot server, puts that right. */
	if (ctx->feed->snapshot_port != 0 && ctx->feed->rerequest)
		tw_rx_want_snapshot(ctx, channel, g->detected_ns);
}

void
tw_rx_line_frame(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t line, uint64_t seq, bool won, uint64_t now_ns)
{
	unsigned int i;

	if (won) {
		ctx->ctr->line_won[line]++;
		ch->won[ch->won_next % RTE_DIM(ch->won)].seq = seq;
		ch->won[ch->won_next % RTE_DIM(ch->won)].ns = now_ns;
		ch->won[ch->won_next % RTE_DIM(ch->won)].line = line;
		ch->won_next++;
		return;
	}
	ctx->ctr->line_dups[line]++;
	for (i = 0; i < RTE_DIM(ch->won); i++)
		if (ch->won[i].seq == seq && ch->won[i].line != line &&
		    now_ns >= ch->won[i].ns) {
			ctx->ctr->line_led[ch->won[i].line]++;
			if (ctx->skew_hist != NULL)
				tw_hist_record(ctx->skew_hist,
					now_ns - ch->won[i].ns);
			ch->won[i].seq = 0;
			return;
		}
}

void
tw_rx_end_if_complete(struct tw_rx_ctx *ctx, struct tw_channel_state *ch)
{
	if (ch->end_pending == 0 || ch->nb_gaps != 0 ||
	    ch->snap_state != 0 || ch->expected != ch->end_pending)
		return;
	ch->end_pending = 0;
	ctx->ctr->end_of_session++;
	__atomic_store_n(&ch->ended, 1, __ATOMIC_RELEASE);
}

void
tw_rx_tail_gap(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t end,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i;

	for (i = 0; i < ch->nb_gaps; i++)
		if (ch->missing[i].first >= ch->expected) {
			if (end > ch->missing[i].end) {
				ch->missing[i].tail_msgs +=
					end - ch->missing[i].end;
				ch->missing[i].end = end;
			}
			return;
		}
	tw_rx_gap_open(ctx, channel, ch->expected, end, now_ns);
	if (ch->nb_gaps > 0 && ch->missing[ch->nb_gaps - 1].end == end) {
		ch->missing[ch->nb_gaps - 1].tail = 1;
		ch->missing[ch->nb_gaps - 1].tail_msgs = end - ch->expected;
	}
}

void
tw_rx_gaps_from(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t seq)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i = 0;

	while (i < ch->nb_gaps) {
		if (ch->missing[i].first >= seq) {
			tw_gaps_remove(ch, i);
			ctx->ctr->gaps_open--;
		} else {
			i++;
		}
	}
}

void
tw_rx_gap_filled(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t gi, uint64_t now_ns)
{
	const struct tw_gap *g = &ch->missing[gi];

	ch->ctr.gaps_filled++;
	if (g->tail) {          /* a lost tail after all: a gap */
		ch->ctr.gaps++;
		ch->ctr.gap_msgs += g->tail_msgs;
	}
	if (ctx->feed->lines == 2 && g->requests == 0)
		ch->ctr.gaps_covered++;
	if (g->requests > ch->ctr.requests_per_gap_max)
		ch->ctr.requests_per_gap_max = g->requests;
	if (ctx->fill_hist != NULL && now_ns >= g->detected_ns)
		tw_hist_record(ctx->fill_hist, now_ns - g->detected_ns);
	tw_gaps_remove(ch, gi);
	ctx->ctr->gaps_open--;
	tw_rx_end_if_complete(ctx, ch);
}

void
tw_rx_fill_progress(struct tw_rx_ctx *ctx, struct tw_gap *g, uint64_t now_ns)
{
	g->tries = 0;
	g->progress_ns = now_ns;
	if (++g->reply_pkts >= ctx->feed->reply_max_pkts ||
	    g->first >= g->asked_end) {
		g->next_req_ns = now_ns;
		ctx->ctr->asks_now++;
	}
}

void
tw_rx_gaps_passed(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i = 0;

	while (i < ch->nb_gaps) {
		struct tw_gap *g = &ch->missing[i];

		if (g->first < before || g->first >= ch->expected) {
			i++;
			continue;
		}
		/* The messages it held came in order: recovered. */
		ch->ctr.msgs_recovered += RTE_MIN(g->end, ch->expected) - g->first;
		if (g->end <= ch->expected) {
			tw_rx_gap_filled(ctx, ch, i, now_ns);
			continue;
		}
		g->first = ch->expected;
		/* The feed moves through it: not a gap to give up on time
		 * (a forged end of session ahead is passed, never kept). */
		g->progress_ns = now_ns;
		g->tries = 0;
		if (ctx->feed->hold_back) {
			/*
			 * Held back, a gap grows with the live feed and is
			 * filled a request's worth at a time: progress
			 * starts its retries again, and once what was
			 * asked for is in, the rest is asked for at once.
			 */
			if (g->requests > ch->ctr.requests_per_gap_max)
				ch->ctr.requests_per_gap_max = g->requests;
			g->requests = 0;
			tw_rx_fill_progress(ctx, g, now_ns);
		}
		i++;
	}
}


void
tw_rx_recovery_poll(struct tw_rx_ctx *ctx, uint64_t now_ns,
		tw_rx_request_t send, void *arg)
{
	const struct tw_rx_feed *feed = ctx->feed;
	bool asking = feed->rerequest && send != NULL;
	uint32_t c, i;

	if ((ctx->ctr->gaps_open == 0 && ctx->ctr->snaps_wanted == 0) ||
	    ctx->side == NULL)
		return;
	for (c = 0; c < feed->nb_channels; c++) {
		struct tw_channel_state *ch = &ctx->channels[c];

		if ((ch->nb_gaps == 0 && ch->snap_state == 0) ||
		    !((ctx->owned[c / 64] >> (c % 64)) & 1))
			continue;
		if (ch->snap_state != 0 && now_ns >= ch->snap_next_ns) {
			/*
			 * Given up on tries, sent or not (a port that
			 * refuses them must not keep the channel waiting),
			 * and on time. The live feed applied meanwhile; the
			 * channel's symbols stay marked.
			 */
			if (!asking || ch->snap_tries > feed->gap_retries ||
			    now_ns - ch->snap_since_ns >= 4 *
				    feed->gap_timeout_ns *
				    (feed->gap_retries + 1)) {
				ch->snap_state = 0;
				ch->ctr.snapshots_failed++;
				ctx->ctr->snaps_wanted--;
				tw_rx_end_if_complete(ctx, ch);
			} else {
				/* What is staged stays: the same snapshot
				 * again completes it, another restarts. */
				ch->snap_tries++;
				if (send(arg, c, ch, 0, 0, true) == 0)
					ch->snap_requests++;
				/* A snapshot is many frames: more time. */
				ch->snap_next_ns = now_ns + 4 *
					feed->gap_timeout_ns;
			}
		}
		/* A snapshot wanted supersedes the gaps: not asked for
		 * meanwhile (their fills would be thrown away). */
		for (i = 0; ch->snap_state == 0 && i < ch->nb_gaps; ) {
			struct tw_gap *g = &ch->missing[i];
			bool held_too_long = feed->hold_back &&
				(now_ns - g->detected_ns >= feed->hold_max_ns ||
				 g->held_pkts >= feed->hold_max_pkts);

			if (now_ns < g->next_req_ns && !held_too_long) {
				i++;
				continue;
			}
			/* Tries and time since it last moved, whether its
			 * requests could be sent or not; held-back data is
			 * bounded on its own. */
			if (held_too_long ||
			    (asking && g->tries > feed->gap_retries) ||
			    now_ns - g->progress_ns >= feed->gap_timeout_ns *
				    (feed->gap_retries + 1)) {
				tw_rx_gap_lost(ctx, c, g);
				tw_gaps_remove(ch, i);
				ctx->ctr->gaps_open--;
				tw_rx_end_if_complete(ctx, ch);
				continue;
			}
			if (asking)
				g->tries++;
			if (asking && send(arg, c, ch, g->first,
				    (uint16_t)RTE_MIN(g->end - g->first,
				    (uint64_t)feed->request_max), false) == 0) {
				g->requests++;
				ch->ctr.requests++;
				g->asked_end = g->first + RTE_MIN(g->end -
					g->first, (uint64_t)feed->request_max);
				g->reply_pkts = 0;
			}
			g->next_req_ns = now_ns + feed->gap_timeout_ns;
			i++;
		}
	}
}
