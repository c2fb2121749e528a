/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's loops into books and a cache (tw_mdp3_apply.h says the
 * rules): a stale instrument's SnapshotFullRefresh (52) laid down with
 * what was held after it, and the definition loop's definitions.
 * Owns: recovery from the snapshot loop. Never touches: framing,
 * packet sequences; never allocates, locks or prints.
 */
#include <string.h>

#include "tw_mdp3_apply_private.h"
#include "tw_rx_frame.h"

/* ---- the loops ---- */

/*
 * A snapshot (52) of a stale instrument: its book laid down whole at
 * the snapshot's RptSeq and what was held past it applied (built aside,
 * so a refused level changes nothing); then the incremental feed
 * applies from there.
 */
static void
apply_snapshot(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint32_t channel, uint64_t expected, uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	const struct tw_mdp3_group *g = &m->group[0];
	enum tw_mdp3_book_verdict held_v;
	struct tw_mdp3_snapshot sn;
	struct tw_mdp3_book nb;
	struct tw_mdp3_inst *in;
	uint32_t l = 0, applied = 0;
	unsigned int i;

	tw_mdp3_get_snapshot(m->root, &sn);
	switch (instrument(st, sn.security_id, channel, &l)) {
	case INST_FOREIGN:
		s->ctr->mdp3_foreign_instrument++;
		return;
	case INST_UNDEFINED:
		s->ctr->mdp3_snap_unknown++;
		return;
	default:
		break;
	}
	in = &st->inst[l];
	if (!in->stale) {
		s->ctr->mdp3_snap_unneeded++;
		return;
	}
	if (expected == 0 || sn.last_msg_seq >= expected) {
		s->ctr->mdp3_snap_future++;
		return;
	}
	nb = st->books[l];
	tw_mdp3_book_reset(&nb);
	for (i = 0; i < g->count; i++) {
		struct tw_mdp3_snap_entry e;
		enum tw_mdp3_book_verdict v = TW_MDP3_BOOK_OK;
		unsigned int level;

		tw_mdp3_get_snap_entry(tw_mdp3_entry(g, i), &e);
		level = e.level < 1 ? 0 : (unsigned int)e.level;
		switch (e.type) {
		case TW_MDP3_BID:
		case TW_MDP3_OFFER:
			v = tw_mdp3_book_update(&nb, e.type == TW_MDP3_BID ?
				TW_MDP3_SIDE_BID : TW_MDP3_SIDE_ASK,
				TW_MDP3_NEW, level, e.px, e.size, e.orders);
			break;
		case TW_MDP3_TRADE:
			if (e.px == TW_MDP3_PRICE_NULL || e.size < 0)
				v = TW_MDP3_BOOK_BAD_FIELD;
			nb.last_px = e.px;
			nb.last_qty = e.size;
			break;
		case 'e':       /* the session's volume */
			if (e.size < 0)
				v = TW_MDP3_BOOK_BAD_FIELD;
			tw_mdp3_book_volume(&nb, (uint64_t)e.size);
			break;
		case TW_MDP3_IMPLIED_BID:
		case TW_MDP3_IMPLIED_OFFER:
			s->ctr->mdp3_implied_skipped++;
			break;
		default:        /* statistics (open, high, settle, ...) */
			break;
		}
		if (v != TW_MDP3_BOOK_OK) {
			s->ctr->mdp3_snap_refused++;
			return;
		}
	}
	nb.rpt_seq = sn.rpt_seq;
	held_v = replay(s, &nb, channel, &applied);
	if (held_v != TW_MDP3_BOOK_OK) {
		/* The feed's own entry is bad: a snapshot past it will do. */
		s->ctr->mdp3_refused[held_v]++;
		return;
	}
	if (nb.rpt_seq < in->skipped_rpt) {
		/* Older than what was skipped, and not all of it held. */
		s->ctr->mdp3_snap_old++;
		return;
	}
	st->books[l] = nb;
	s->ctr->mdp3_replayed += applied;
	recovered(s, l, true, now_ns);
	show(s, &st->books[l], sn.last_msg_seq, now_ns);
}

void
tw_mdp3_apply_loop(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		enum tw_mdp3_verdict v, uint8_t loop, uint32_t channel,
		uint64_t expected, uint64_t now_ns)
{
	if (v != TW_MDP3_OK) {
		s->ctr->unknown_msgs++;
		return;
	}
	if (loop == TW_RX_LOOP_SNAPSHOT &&
	    m->template_id == TW_MDP3_SNAPSHOT)
		apply_snapshot(s, m, channel, expected, now_ns);
	else if (loop == TW_RX_LOOP_DEFINITION &&
		 m->template_id == TW_MDP3_INSTRUMENT_FUT)
		tw_mdp3_apply_definition(s, m, channel, true, now_ns);
	else if (m->template_id == TW_MDP3_HEARTBEAT)
		s->ctr->heartbeats++;
	else
		s->ctr->other_msgs++;
}
