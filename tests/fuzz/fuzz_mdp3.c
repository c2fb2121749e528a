/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: CME MDP 3.0 packets through the checked walk
 * (lib/mdp3, tw_mdp3_walk_*), the input being one packet.
 *
 * Invariants: the walk ends; every message it hands up lies inside the
 * packet, its root inside its MsgSize and, for a known template, every
 * group's entries inside its MsgSize, one after the other; a framing
 * verdict is the walk's last; the counts add up to the messages seen.
 * Every field of every entry of a known message is read (so ASan sees
 * a read past the packet), written back with the writer in the same
 * block lengths, and that copy walks OK with the same shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_mdp3.h"

#include "fuzz_check.h"

static uint8_t copy[1 << 17];

/* Reads every entry of group g and writes it into the copy's group. */
static void
copy_group(struct tw_mdp3_writer *w, const struct tw_mdp3_msg *m,
		unsigned int g, bool dim8)
{
	const struct tw_mdp3_group *grp = &m->group[g];
	unsigned int i;

	FZ_CHECK(tw_mdp3_group_begin(w, dim8, grp->block_len), "group");
	for (i = 0; i < grp->count; i++) {
		const uint8_t *e = tw_mdp3_entry(grp, i);
		uint8_t *o = tw_mdp3_entry_add(w);

		FZ_CHECK(o != NULL, "entry %u", i);
		memcpy(o, e, grp->block_len);
	}
}

static void
check_msg(const uint8_t *pkt, size_t len, const struct tw_mdp3_msg *m)
{
	const uint8_t *end = m->p + m->size;
	const uint8_t *at = m->root + m->block_len;
	union {
		struct tw_mdp3_book_entry b;
		struct tw_mdp3_order_entry o;
		struct tw_mdp3_trade_entry t;
		struct tw_mdp3_trade_order to;
		struct tw_mdp3_volume_entry v;
		struct tw_mdp3_snapshot s;
		struct tw_mdp3_snap_entry se;
		struct tw_mdp3_instrument in;
		struct tw_mdp3_inst_event ie;
		struct tw_mdp3_feed_type f;
		struct tw_mdp3_lot_rule l;
		struct tw_mdp3_status st;
		struct tw_mdp3_event ev;
	} u;
	unsigned int g, i;

	FZ_CHECK(m->p >= pkt + TW_MDP3_PKT_HDR_LEN && end <= pkt + len,
		"message outside the packet");
	FZ_CHECK(at <= end, "root past MsgSize");
	for (g = 0; g < m->n_groups; g++) {
		const struct tw_mdp3_group *grp = &m->group[g];

		FZ_CHECK(grp->first >= at, "group %u overlaps", g);
		FZ_CHECK(grp->first + (size_t)grp->block_len * grp->count <=
			end, "group %u past MsgSize", g);
		at = grp->first + (size_t)grp->block_len * grp->count;
		for (i = 0; i < grp->count; i++) {
			const uint8_t *e = tw_mdp3_entry(grp, i);

			switch (m->template_id * 4 + g) {
			case TW_MDP3_CHANNEL_RESET * 4:
				(void)tw_mdp3_get_reset_entry(e);
				break;
			case TW_MDP3_VOLUME * 4:
				tw_mdp3_get_volume_entry(e, &u.v);
				break;
			case TW_MDP3_BOOK * 4:
				tw_mdp3_get_book_entry(e, &u.b);
				break;
			case TW_MDP3_BOOK * 4 + 1:
				tw_mdp3_get_order_entry(e, &u.o);
				break;
			case TW_MDP3_TRADE_SUMMARY * 4:
				tw_mdp3_get_trade_entry(e, &u.t);
				break;
			case TW_MDP3_TRADE_SUMMARY * 4 + 1:
				tw_mdp3_get_trade_order(e, &u.to);
				break;
			case TW_MDP3_SNAPSHOT * 4:
				tw_mdp3_get_snap_entry(e, &u.se);
				break;
			case TW_MDP3_INSTRUMENT_FUT * 4:
				tw_mdp3_get_inst_event(e, &u.ie);
				break;
			case TW_MDP3_INSTRUMENT_FUT * 4 + 1:
				tw_mdp3_get_feed_type(e, &u.f);
				break;
			case TW_MDP3_INSTRUMENT_FUT * 4 + 2:
				(void)tw_mdp3_get_inst_attrib(e);
				break;
			case TW_MDP3_INSTRUMENT_FUT * 4 + 3:
				tw_mdp3_get_lot_rule(e, &u.l);
				break;
			default:
				FZ_CHECK(0, "template %u group %u",
					m->template_id, g);
			}
		}
	}
	switch (m->template_id) {
	case TW_MDP3_SECURITY_STATUS:
		tw_mdp3_get_status(m->root, &u.st);
		break;
	case TW_MDP3_SNAPSHOT:
		tw_mdp3_get_snapshot(m->root, &u.s);
		break;
	case TW_MDP3_INSTRUMENT_FUT:
		tw_mdp3_get_instrument(m->root, &u.in);
		break;
	case TW_MDP3_HEARTBEAT:
		break;
	default:
		tw_mdp3_get_event(m->root, &u.ev);
	}
}

/* The message again through the writer: the same shape walks OK. */
static void
rewrite(const struct tw_mdp3_msg *m)
{
	struct tw_mdp3_writer w;
	struct tw_mdp3_walk wk;
	struct tw_mdp3_msg c;
	uint8_t *r;
	unsigned int g;

	tw_mdp3_writer_init(&w, copy, sizeof(copy), 1, 2);
	r = tw_mdp3_msg_begin(&w, m->template_id, m->block_len);
	FZ_CHECK(r != NULL, "root");
	memcpy(r, m->root, m->block_len);
	for (g = 0; g < m->n_groups; g++)
		copy_group(&w, m, g, (m->template_id == TW_MDP3_BOOK ||
			m->template_id == TW_MDP3_TRADE_SUMMARY) && g == 1);
	tw_mdp3_msg_end(&w);
	FZ_CHECK(!w.full, "copy full");
	FZ_CHECK(tw_mdp3_walk_init(&wk, copy, w.len) == TW_MDP3_OK, "init");
	FZ_CHECK(tw_mdp3_walk_next(&wk, &c) == TW_MDP3_OK, "copy verdict");
	FZ_CHECK(c.template_id == m->template_id && c.n_groups == m->n_groups &&
		c.block_len == m->block_len, "copy shape");
	for (g = 0; g < m->n_groups; g++)
		FZ_CHECK(c.group[g].count == m->group[g].count &&
			c.group[g].block_len == m->group[g].block_len &&
			memcmp(c.group[g].first, m->group[g].first,
			(size_t)c.group[g].count * c.group[g].block_len) == 0,
			"copy group %u", g);
	FZ_CHECK(tw_mdp3_walk_next(&wk, &c) == TW_MDP3_END, "copy end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	enum tw_mdp3_verdict v;
	unsigned int seen = 0, steps = 0;

	v = tw_mdp3_walk_init(&w, data, size);
	if (v != TW_MDP3_OK) {
		FZ_CHECK(tw_mdp3_walk_next(&w, &m) == TW_MDP3_END, "after %s",
			tw_mdp3_verdict_name(v));
		return 0;
	}
	while ((v = tw_mdp3_walk_next(&w, &m)) != TW_MDP3_END) {
		FZ_CHECK(++steps <= size, "the walk does not end");
		FZ_CHECK(v < TW_MDP3_VERDICTS, "verdict %d", v);
		if (tw_mdp3_verdict_ends(v)) {
			FZ_CHECK(tw_mdp3_walk_next(&w, &m) == TW_MDP3_END,
				"a message after %s", tw_mdp3_verdict_name(v));
			break;
		}
		seen++;
		if (v == TW_MDP3_OK) {
			check_msg(data, size, &m);
			rewrite(&m);
		} else {
			FZ_CHECK(m.p + m.size <= data + size, "skipped past");
		}
	}
	FZ_CHECK(w.known + w.unknown + w.bad == seen, "counts %u+%u+%u != %u",
		w.known, w.unknown, w.bad, seen);
	return 0;
}
