/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MDP 3.0's loops and ChannelReset (tw_mdp3_gen.h). Each channel's
 * snapshot loop sends one full cycle every [mdp3] snapshot_interval_ms:
 * a SnapshotFullRefresh (52) of each of its instruments, taken when
 * the channel's open incremental packet has just left, so its
 * LastMsgSeqNumProcessed is that packet's MsgSeqNum and its book is
 * the truth's after it; the definition loop a definition (54) of each
 * every definition_interval_ms. A loop's packets count MsgSeqNum from
 * 1 again each cycle, as CME's do. The loops go on the emitter's loops
 * framer (channel c's snapshots on its channel c, definitions on
 * channels + c), never through the incremental feed's faults.
 * Owns the loops' schedules and the reset's moment; never the bytes
 * (tw_mdp3_gen_msg.c).
 */
#include <rte_common.h>

#include "tw_clock.h"
#include "tw_mdp3.h"
#include "tw_mdp3_gen.h"

/* The send time of now, as the framer stamps its packets. */
static inline uint64_t
send_ns(const struct tw_emitter *e, uint64_t now)
{
	return e->fr->clock != NULL ? tw_clock_ns(e->fr->clock, now) : 0;
}

/* Instruments of channel ch. */
static uint32_t
chan_instruments(const struct tw_mdp3_gen *g, uint16_t ch)
{
	return (g->p.nb_symbols - ch + g->p.nb_channels - 1) /
		g->p.nb_channels;
}

static void
snapshot_cycle(struct tw_emitter *e, struct tw_mdp3_gen *g, uint16_t ch,
		uint64_t now, uint64_t send_ns)
{
	struct tw_framer *lf = e->loops;
	uint32_t tot = chan_instruments(g, ch), last, l;

	if (e->fr->ch[ch].b.buf != NULL)
		tw_framer_close(e->fr, ch, now);
	last = (uint32_t)(e->fr->ch[ch].next_seq - 1);
	lf->ch[ch].next_seq = 1;
	for (l = ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
		const struct tw_mdp3_book *b = &g->books[l];
		uint16_t len;
		uint64_t seq;
		uint8_t *p;

		if (!b->defined)
			continue;
		len = tw_mdp3_gen_snapshot_len(b);
		p = tw_framer_reserve(lf, ch, len, now, &seq);
		if (p == NULL)
			break;
		tw_mdp3_gen_snapshot_put(g, l, p, last, tot, send_ns);
		g->ctr.snapshots++;
	}
	if (lf->ch[ch].b.buf != NULL)
		tw_framer_close(lf, ch, now);
	g->ctr.snapshot_cycles++;
}

static void
definition_cycle(struct tw_emitter *e, struct tw_mdp3_gen *g, uint16_t ch,
		uint64_t now, uint64_t send_ns)
{
	struct tw_framer *lf = e->loops;
	uint16_t lc = (uint16_t)(g->p.nb_channels + ch);
	uint32_t l;

	lf->ch[lc].next_seq = 1;
	for (l = ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
		uint64_t seq;
		uint8_t *p;

		if (!g->books[l].defined)
			continue;
		p = tw_framer_reserve(lf, lc, tw_mdp3_gen_definition_len(),
			now, &seq);
		if (p == NULL)
			break;
		tw_mdp3_gen_definition_put(g, l, p, send_ns);
		g->ctr.loop_definitions++;
	}
	if (lf->ch[lc].b.buf != NULL)
		tw_framer_close(lf, lc, now);
	g->ctr.definition_cycles++;
}

void
tw_mdp3_emit_idle(struct tw_emitter *e, uint64_t now)
{
	struct tw_mdp3_gen *g = e->proto_state;
	uint16_t i;

	if (e->loops == NULL)
		return;
	for (i = 0; i < e->sched->nb; i++) {
		uint16_t ch = e->sched->ch[i];

		if (g->p.snapshot_tsc != 0 && now >= g->snap[ch].next_tsc) {
			snapshot_cycle(e, g, ch, now, send_ns(e, now));
			g->snap[ch].next_tsc = now + g->p.snapshot_tsc;
		}
		if (g->p.definition_tsc != 0 && now >= g->def[ch].next_tsc) {
			definition_cycle(e, g, ch, now, send_ns(e, now));
			g->def[ch].next_tsc = now + g->p.definition_tsc;
		}
	}
}

/*
 * Every channel: what is open leaves, a ChannelReset in a packet of
 * its own empties the books, then each is built again from its mid
 * (New entries, RptSeq from 1).
 */
void
tw_mdp3_gen_reset(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	struct tw_mdp3_gen *g = e->proto_state;
	uint16_t i;

	g->reset_done = true;
	for (i = 0; i < e->sched->nb; i++) {
		struct tw_mdp3_gen_out o = {
			.e = e, .g = g, .ch = e->sched->ch[i], .now = now,
			.send_ns = send_ns,
		};
		uint32_t l;

		if (e->fr->ch[o.ch].b.buf != NULL)
			tw_framer_close(e->fr, o.ch, now);
		tw_mdp3_gen_reset_msg(&o);
		if (e->fr->ch[o.ch].b.buf != NULL)
			tw_framer_close(e->fr, o.ch, now);
		for (l = o.ch; l < g->p.nb_symbols; l += g->p.nb_channels)
			if (g->books[l].defined)
				tw_mdp3_gen_build(&o, l, e->gen->sym[l].price);
	}
}

void
tw_mdp3_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len)
{
	uint16_t t = len >= 4 ? tw_mdp3_u16(m + 2) : 0;

	if (t == TW_MDP3_BOOK)
		ctr->quotes++;
	else if (t == TW_MDP3_TRADE_SUMMARY)
		ctr->trades++;
	else if (t == TW_MDP3_INSTRUMENT_FUT)
		ctr->directories++;
	else if (t == TW_MDP3_SECURITY_STATUS || t == TW_MDP3_CHANNEL_RESET ||
		 t == TW_MDP3_VOLUME)
		ctr->events++;
	else
		ctr->other_msgs++;
}
