/* SPDX-License-Identifier: BSD-3-Clause */
/* tickwire's messages through the framer (tw_tickwire_gen.h). */
#include <errno.h>
#include <string.h>

#include "tw_tickwire_gen.h"


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
