/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator lcore: price ticks, encode them straight into the open mbuf
 * of their channel, close packets when full or due, send in bursts.
 * No allocation but mbufs from the mempool, no locks, no printing.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "tickwire.h"

#define GEN_BATCH 32

/*
 * Hand pending frames to the port. With wait, keep trying until
 * everything is sent or the retry budget is spent; what is left then is
 * dropped and counted.
 */
/* The mirror copy is best effort: what its port refuses is counted. */
static void
mirror_flush(struct tw_gen_lcore *g)
{
	uint16_t sent;

	if (g->nb_mirror == 0)
		return;
	sent = rte_eth_tx_burst(g->mirror_port, 0, g->mirror_buf,
		g->nb_mirror);
	g->ctr.mirror_pkts += sent;
	if (sent < g->nb_mirror) {
		g->ctr.mirror_dropped += g->nb_mirror - sent;
		rte_pktmbuf_free_bulk(g->mirror_buf + sent,
			g->nb_mirror - sent);
	}
	g->nb_mirror = 0;
}

static void
tx_flush(struct tw_gen_lcore *g, bool wait)
{
	uint64_t deadline = 0;
	uint16_t sent, i;

	while (g->nb_tx > 0) {
		sent = rte_eth_tx_burst(g->port_id, 0, g->txbuf, g->nb_tx);
		if (sent < g->nb_tx) {
			memmove(g->txbuf, g->txbuf + sent,
				(g->nb_tx - sent) * sizeof(g->txbuf[0]));
			memmove(g->txmsgs, g->txmsgs + sent,
				(g->nb_tx - sent) * sizeof(g->txmsgs[0]));
		}
		g->nb_tx -= sent;
		/* The DPDK port first; the mirror (a syscall a frame on
		 * net_tap) after, so it does not delay the other receiver. */
		mirror_flush(g);
		if (g->nb_tx == 0 || (!wait && g->nb_tx < TW_GEN_TXBUF / 2))
			return;
		g->ctr.tx_retries++;
		if (deadline == 0)
			deadline = rte_rdtsc() + g->tx_retry_tsc;
		else if (rte_rdtsc() > deadline || tw_force_quit)
			break;
		rte_pause();
	}
	for (i = 0; i < g->nb_tx; i++) {
		g->ctr.tx_dropped++;
		g->ctr.msgs_dropped += g->txmsgs[i];
	}
	rte_pktmbuf_free_bulk(g->txbuf, g->nb_tx);
	g->nb_tx = 0;
}

static void
queue_frame(struct tw_gen_lcore *g, struct rte_mbuf *m, uint16_t len,
		uint16_t msgs, uint16_t ch, uint64_t now)
{
	m->data_len = len;
	m->pkt_len = len;
	if (g->csum == TW_CSUM_OFFLOAD) {
		m->l2_len = g->tmpl[ch].l2_len;
		m->l3_len = TW_IPV4_HDR_LEN;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_UDP_CKSUM;
	}
	if (g->mirror) {
		/* The same mbuf goes out twice: one reference per port. */
		rte_mbuf_refcnt_update(m, 1);
		g->mirror_buf[g->nb_mirror++] = m;
	}
	g->txbuf[g->nb_tx] = m;
	g->txmsgs[g->nb_tx] = msgs;
	g->nb_tx++;
	g->ctr.pkts++;
	g->ctr.bytes += len;
	g->last_tx_tsc[ch] = now;
	if (g->nb_tx >= g->burst)
		tx_flush(g, g->nb_tx == TW_GEN_TXBUF);
}

/* An mbuf for a new frame; waits for the port to return some if empty. */
static struct rte_mbuf *
frame_alloc(struct tw_gen_lcore *g)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);

	if (likely(m != NULL))
		return m;
	tx_flush(g, true);
	m = rte_pktmbuf_alloc(g->pool);
	if (m == NULL)
		g->ctr.mbuf_alloc_failed++;
	return m;
}

static int
open_frame(struct tw_gen_lcore *g, uint16_t ch, uint64_t now)
{
	struct rte_mbuf *m = frame_alloc(g);

	if (unlikely(m == NULL))
		return -ENOBUFS;
	g->open_mbuf[ch] = m;
	tw_pkt_open(&g->open[ch], &g->tmpl[ch],
		rte_pktmbuf_mtod(m, uint8_t *), g->next_seq[ch], now);
	return 0;
}

static void
close_frame(struct tw_gen_lcore *g, uint16_t ch, uint64_t now)
{
	struct tw_pkt_builder *b = &g->open[ch];
	uint16_t count = b->count;
	uint16_t len = tw_pkt_close(b, &g->tmpl[ch], count, g->csum);

	g->next_seq[ch] += count;
	queue_frame(g, g->open_mbuf[ch], len, count, ch, now);
	g->open_mbuf[ch] = NULL;
}

/* A frame with no messages: heartbeat or end of session. */
static void
send_control(struct tw_gen_lcore *g, uint16_t ch, uint16_t mold_count,
		uint64_t now)
{
	uint16_t len;

	if (g->open[ch].buf != NULL)
		close_frame(g, ch, now);
	if (open_frame(g, ch, now) != 0)
		return;
	len = tw_pkt_close(&g->open[ch], &g->tmpl[ch], mold_count, g->csum);
	queue_frame(g, g->open_mbuf[ch], len, 0, ch, now);
	g->open_mbuf[ch] = NULL;
}

/*
 * Space for one message on channel ch, closing the open frame when it
 * is full. Returns NULL (counted) only when no mbuf can be had.
 */
static uint8_t *
reserve(struct tw_gen_lcore *g, uint16_t ch, uint16_t len, uint64_t now,
		uint64_t *seq)
{
	struct tw_pkt_builder *b = &g->open[ch];
	uint8_t *p;

	if (b->buf != NULL) {
		p = tw_pkt_reserve(b, &g->tmpl[ch], len);
		if (likely(p != NULL))
			goto done;
		close_frame(g, ch, now);
	}
	if (unlikely(open_frame(g, ch, now) != 0))
		return NULL;
	p = tw_pkt_reserve(b, &g->tmpl[ch], len);
done:
	*seq = b->first_seq + b->count - 1;
	return p;
}

static void
send_directory(struct tw_gen_lcore *g, uint64_t now)
{
	uint64_t send_ns = tw_clock_ns(g->clock, now);
	uint32_t locate;

	for (locate = 0; locate < g->gen->p.nb_symbols && !tw_force_quit;
	     locate++) {
		uint16_t ch = tw_gen_channel_of(g->gen, locate);
		struct tw_directory d;
		uint64_t seq;
		uint8_t *p = reserve(g, ch, TW_MSG_DIRECTORY_LEN, now, &seq);

		if (p == NULL)
			continue;
		tw_gen_directory(g->gen, locate, &d);
		d.send_ns = send_ns;
		tw_encode_directory(p, &d);
		if (g->truth != NULL)
			tw_cache_set_directory(g->truth, &d);
		g->ctr.directories++;
	}
}

/*
 * send_ns is when the tick was due (paced) or priced (unpaced); late is
 * how far behind send_ns it is actually sent, in TW_LATE_UNIT_NS.
 */
static void
emit_tick(struct tw_gen_lcore *g, struct tw_tick *t, uint64_t now,
		uint64_t send_ns, uint16_t late)
{
	uint64_t seq;
	uint8_t *p;

	if (t->type == TW_MSG_QUOTE) {
		p = reserve(g, t->channel, TW_MSG_QUOTE_LEN, now, &seq);
		if (unlikely(p == NULL))
			return;
		t->quote.send_ns = send_ns;
		t->quote.late = late;
		if (g->reply_every != 0 && --g->quotes_to_request == 0) {
			g->quotes_to_request = g->reply_every;
			t->quote.reply_id = tw_reply_request(&g->replies,
				t->channel, seq, now);
		}
		tw_encode_quote(p, &t->quote);
		if (g->truth != NULL)
			tw_cache_update_quote(g->truth, &t->quote, seq, 0);
		g->ctr.quotes++;
	} else {
		p = reserve(g, t->channel, TW_MSG_TRADE_LEN, now, &seq);
		if (unlikely(p == NULL))
			return;
		t->trade.send_ns = send_ns;
		t->trade.late = late;
		tw_encode_trade(p, &t->trade);
		if (g->truth != NULL)
			tw_cache_update_trade(g->truth, &t->trade, seq, 0);
		g->ctr.trades++;
	}
	g->ctr.ticks++;
}

static void
reply_counters(struct tw_gen_lcore *g)
{
	g->ctr.orders_requested = g->replies.requested;
	g->ctr.orders_matched = g->replies.matched;
	g->ctr.orders_duplicate = g->replies.duplicate;
	g->ctr.orders_stale = g->replies.stale;
	g->ctr.orders_lost = g->replies.lost;
}

/* Orders back from the receivers: match each, time the round trip. */
static void
poll_orders(struct tw_gen_lcore *g)
{
	struct rte_mbuf *m[32];
	uint16_t n, i;
	uint64_t now;

	n = rte_eth_rx_burst(g->port_id, g->reply_rxq, m, RTE_DIM(m));
	if (n == 0)
		return;
	now = rte_rdtsc();
	for (i = 0; i < n; i++) {
		struct tw_order o;
		uint64_t rtt;

		if (tw_order_from_frame(rte_pktmbuf_mtod(m[i], uint8_t *),
				m[i]->data_len, &o) != 0) {
			g->ctr.orders_invalid++;
			continue;
		}
		if (tw_reply_match(&g->replies, o.reply_id, o.channel, o.seq,
				now, &rtt))
			tw_hist_record(&g->rtt, tw_clock_cycles_ns(g->clock,
				rtt));
	}
	rte_pktmbuf_free_bulk(m, n);
	reply_counters(g);
}

/* Close frames past their flush deadline; heartbeat idle channels. */
static void
housekeeping(struct tw_gen_lcore *g, uint64_t now)
{
	uint16_t ch;

	for (ch = 0; ch < g->nb_channels; ch++) {
		if (g->open[ch].buf != NULL) {
			if (now - g->open[ch].open_tsc >= g->flush_tsc)
				close_frame(g, ch, now);
		} else if (now - g->last_tx_tsc[ch] >= g->heartbeat_tsc) {
			send_control(g, ch, TW_MOLD_COUNT_HEARTBEAT, now);
			g->ctr.heartbeats++;
		}
	}
}

static void
end_session(struct tw_gen_lcore *g)
{
	uint64_t now = rte_rdtsc();
	uint16_t ch;

	for (ch = 0; ch < g->nb_channels; ch++) {
		send_control(g, ch, TW_MOLD_COUNT_END_OF_SESSION, now);
		g->ctr.end_of_session++;
	}
	tx_flush(g, true);
}

/* How far behind its due time a tick goes out, in TW_LATE_UNIT_NS. */
static inline uint16_t
lateness(uint64_t now_ns, uint64_t due_ns)
{
	uint64_t units;

	if (now_ns <= due_ns)
		return 0;
	units = (now_ns - due_ns) / TW_LATE_UNIT_NS;
	return units >= TW_LATE_SATURATED ? TW_LATE_SATURATED :
		(uint16_t)units;
}

int
tw_gen_lcore_main(void *arg)
{
	struct tw_gen_lcore *g = arg;
	uint64_t hz = tw_clock_hz(g->clock);
	uint64_t now = rte_rdtsc(), next_house = now;
	uint64_t house_period = RTE_MAX(g->flush_tsc / 2, hz / 1000000);
	struct tw_pace pace;
	struct tw_tick t;

	TW_LOG(gen, INFO, "lcore %u: %u symbols on %u channels, rate %s\n",
		g->lcore_id, g->gen->p.nb_symbols, g->nb_channels,
		g->rate ? "paced" : "unlimited");
	send_directory(g, now);
	tw_pace_init(&pace, rte_rdtsc(),
		g->rate ? RTE_MAX(hz / g->rate, UINT64_C(1)) : 1);

	while (!tw_force_quit) {
		unsigned int n = GEN_BATCH, i;
		uint64_t now_ns, due_ns = 0, step_ns = 0, first_due, behind;

		now = rte_rdtsc();
		now_ns = tw_clock_ns(g->clock, now);
		if (g->rate != 0) {
			n = tw_pace_due(&pace, now, GEN_BATCH, &first_due,
				&behind);
			/* Behind by more than a batch: these are late. */
			if (behind > 0)
				g->ctr.late_ticks += n;
			due_ns = tw_clock_ns(g->clock, first_due);
			step_ns = tw_clock_cycles_ns(g->clock, pace.period);
		}
		if (g->count != 0 && g->ctr.ticks + n > g->count)
			n = (unsigned int)(g->count - g->ctr.ticks);
		for (i = 0; i < n; i++) {
			tw_gen_next(g->gen, &t);
			if (g->rate != 0)
				emit_tick(g, &t, now, due_ns + i * step_ns,
					lateness(now_ns, due_ns + i * step_ns));
			else
				emit_tick(g, &t, now, now_ns, 0);
		}
		if (g->reply_every != 0)
			poll_orders(g);
		/* Paced: send what is ready now; unlimited: in bursts. */
		if (now >= next_house) {
			housekeeping(g, now);
			next_house = now + house_period;
			if (g->nb_tx > 0)
				tx_flush(g, false);
		} else if (g->rate != 0 && g->nb_tx > 0) {
			tx_flush(g, false);
		}
		if (g->count != 0 && g->ctr.ticks >= g->count)
			break;
	}
	end_session(g);
	if (g->reply_every != 0) {
		/* The last orders are in flight: wait for them, briefly. */
		uint64_t until = rte_rdtsc() + hz / 5;

		while (rte_rdtsc() < until && !tw_force_quit &&
		       g->replies.matched + g->replies.lost <
				g->replies.requested)
			poll_orders(g);
		tw_reply_finish(&g->replies);
		reply_counters(g);
	}
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
	TW_LOG(gen, INFO, "lcore %u: session ended after %" PRIu64
		" ticks\n", g->lcore_id, g->ctr.ticks);
	return 0;
}
