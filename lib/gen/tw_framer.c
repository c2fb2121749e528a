/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "tw_framer.h"

void
tw_framer_init(struct tw_framer *fr, const struct tw_pkt_tmpl *tmpl,
		struct tw_framer_chan *chans, uint16_t nb_channels,
		enum tw_csum_mode csum, const struct tw_frame_src *src,
		struct tw_gen_counters *ctr)
{
	uint16_t c;

	*fr = (struct tw_framer){
		.tmpl = tmpl,
		.ch = chans,
		.nb_channels = nb_channels,
		.csum = csum,
		.flush_tsc = UINT64_MAX,
		.heartbeat_tsc = UINT64_MAX,
		.src = *src,
		.ctr = ctr,
	};
	for (c = 0; c < nb_channels; c++) {
		chans[c] = (struct tw_framer_chan){
			.next_seq = TW_MOLD_FIRST_SEQ,
		};
		fr->own[c] = c;
	}
	fr->nb_own = nb_channels;
}

void
tw_framer_own(struct tw_framer *fr, const uint16_t *own, uint16_t nb)
{
	memcpy(fr->own, own, nb * sizeof(own[0]));
	fr->nb_own = nb;
}

int
tw_framer_open(struct tw_framer *fr, uint16_t ch, uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t max_msgs = TW_PKT_MAX_MSGS;
	uint8_t *buf = fr->src.get(fr->src.arg, ch, &c->handle, &max_msgs);

	if (unlikely(buf == NULL))
		return -ENOBUFS;
	tw_pkt_open(&c->b, &fr->tmpl[ch], buf, c->next_seq, now);
	c->b.max_msgs = RTE_MIN(max_msgs, (uint16_t)TW_PKT_MAX_MSGS);
	return 0;
}

void
tw_framer_close(struct tw_framer *fr, uint16_t ch, uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t count = c->b.count;
	uint16_t len = tw_pkt_close(&c->b, &fr->tmpl[ch], count, fr->csum);

	c->next_seq += count;
	c->last_tx_tsc = now;
	fr->src.put(fr->src.arg, c->handle, ch, len, count);
	c->handle = NULL;
}

int
tw_framer_control(struct tw_framer *fr, uint16_t ch, uint16_t mold_count,
		uint64_t now)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint16_t len;

	if (c->b.buf != NULL)
		tw_framer_close(fr, ch, now);
	if (tw_framer_open(fr, ch, now) != 0)
		return -ENOBUFS;
	len = tw_pkt_close(&c->b, &fr->tmpl[ch], mold_count, fr->csum);
	c->last_tx_tsc = now;
	fr->src.put(fr->src.arg, c->handle, ch, len, 0);
	c->handle = NULL;
	return 0;
}

void
tw_framer_housekeeping(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++) {
		uint16_t ch = fr->own[i];
		struct tw_framer_chan *c = &fr->ch[ch];

		if (c->b.buf != NULL) {
			if (now - c->b.open_tsc >= fr->flush_tsc)
				tw_framer_close(fr, ch, now);
		} else if (now - c->last_tx_tsc >= fr->heartbeat_tsc) {
			tw_framer_control(fr, ch, TW_MOLD_COUNT_HEARTBEAT, now);
			fr->ctr->heartbeats++;
		}
	}
}

void
tw_framer_close_all(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++)
		if (fr->ch[fr->own[i]].b.buf != NULL)
			tw_framer_close(fr, fr->own[i], now);
}

void
tw_framer_end_session(struct tw_framer *fr, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < fr->nb_own; i++) {
		tw_framer_control(fr, fr->own[i], TW_MOLD_COUNT_END_OF_SESSION,
			now);
		fr->ctr->end_of_session++;
	}
}

/* ---- the tickwire protocol ---- */

void
tw_emit_directory(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	uint32_t n = e->gen->p.nb_channels;
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];
		uint32_t locate;

		for (locate = ch; locate < e->gen->p.nb_symbols; locate += n) {
			struct tw_directory d;
			uint64_t seq;
			uint8_t *p;

			if (e->quit != NULL && *e->quit)
				return;
			p = tw_framer_reserve(e->fr, ch, TW_MSG_DIRECTORY_LEN,
				now, &seq);
			if (p == NULL)
				continue;
			tw_gen_directory(e->gen, locate, &d);
			d.send_ns = send_ns;
			tw_encode_directory(p, &d);
			if (e->truth != NULL)
				tw_cache_set_directory(e->truth, &d);
			e->ctr->directories++;
		}
	}
}

void
tw_count_sent(struct tw_gen_counters *ctr, const uint8_t *m, uint16_t len)
{
	if (len == 0 || len != tw_msg_len(m[0])) {
		ctr->other_msgs++;
	} else if (m[0] == TW_MSG_DIRECTORY) {
		ctr->directories++;
	} else {
		ctr->quotes += m[0] == TW_MSG_QUOTE;
		ctr->trades += m[0] == TW_MSG_TRADE;
		ctr->ticks++;
	}
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

static inline void
emit_tick(struct tw_emitter *e, struct tw_tick *t, uint64_t now,
		uint64_t send_ns, uint16_t late)
{
	uint64_t seq;
	uint8_t *p;

	if (t->type == TW_MSG_QUOTE) {
		p = tw_framer_reserve(e->fr, t->channel, TW_MSG_QUOTE_LEN, now,
			&seq);
		if (unlikely(p == NULL))
			return;
		t->quote.send_ns = send_ns;
		t->quote.late = late;
		if (e->reply_every != 0 && --e->quotes_to_request == 0) {
			e->quotes_to_request = e->reply_every;
			t->quote.reply_id = tw_reply_request(e->replies,
				t->channel, seq, now);
		}
		tw_encode_quote(p, &t->quote);
		if (e->truth != NULL)
			tw_cache_update_quote(e->truth, &t->quote, seq, 0);
		e->ctr->quotes++;
	} else {
		p = tw_framer_reserve(e->fr, t->channel, TW_MSG_TRADE_LEN, now,
			&seq);
		if (unlikely(p == NULL))
			return;
		t->trade.send_ns = send_ns;
		t->trade.late = late;
		tw_encode_trade(p, &t->trade);
		if (e->truth != NULL)
			tw_cache_update_trade(e->truth, &t->trade, seq, 0);
		e->ctr->trades++;
	}
	e->ctr->ticks++;
}

void
tw_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns)
{
	struct tw_tick t;
	unsigned int i = 0, run, k;
	uint16_t ch;

	while (i < n && (run = tw_gen_sched_next(e->sched, n - i, &ch)) > 0) {
		for (k = 0; k < run; k++, i++) {
			uint64_t send_ns = first_ns + i * step_ns;

			tw_gen_next_on(e->gen, ch, &t);
			emit_tick(e, &t, now, send_ns,
				lateness(now_ns, send_ns));
		}
	}
}
