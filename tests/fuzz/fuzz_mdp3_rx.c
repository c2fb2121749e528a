/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: CME MDP 3.0's receiver whole (tw_mdp3_rx_frame:
 * the L2-L4 layer, MDP 3.0's transport and its message layer over a
 * state of books), fed frames whose payloads are the input's.
 *
 * Input: one options byte (bit 0: instruments 0..15 defined first, by a
 * definition packet at sequence 1 on each channel's incremental feed;
 * the others stay undefined),
 * then records: a selector byte (bits 0-1: line A, line B, the snapshot
 * loop, the definition loop; bits 2-3: the channel), a 2-byte
 * big-endian length, the UDP payload (an MDP 3.0 packet, or not).
 *
 * Invariants after every frame: each book's sides hold levels 1..n
 * strictly sorted (bids falling, offers rising) with quantities above 0
 * and orders not below 0, zeros past n, n within the depth; a channel's
 * counts of stale and waiting instruments are the sums of its
 * instruments' (none both); a stale or waiting instrument's cache entry
 * says stale, a defined live one's does not;
 * every defined instrument's cache entry shows its book's top, last
 * trade and volume; a dropped frame changes no book and no
 * instrument's state (but the end of a wait for line B its time
 * brought).
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz_rx.h"
#include "tw_mdp3_msg_rx.h"

#define LINE_B_GROUP (TT_GROUP + 0x100)
#define SNAP_GROUP (TT_GROUP + 0x200)
#define DEF_GROUP (TT_GROUP + 0x300)

static struct tt_rx rx;
static void *st_mem;
static void *before_mem;
static struct tw_mdp3_rx_state *st;
static uint8_t frame[FZ_FRAME_MAX];
static uint8_t payload[FZ_FRAME_MAX];

static void
world_init(void)
{
	size_t size = tw_mdp3_rx_state_memsize(FZ_SYMBOLS, TT_CHANNELS);

	tt_rx_fini(&rx);
	FZ_CHECK(tt_rx_init(&rx, 0, FZ_SYMBOLS, TW_SIMD_SCALAR) == 0, "rx");
	rx.feed.lines = 2;
	rx.feed.group_b = LINE_B_GROUP;
	rx.feed.snap_group = SNAP_GROUP;
	rx.feed.def_group = DEF_GROUP;
	rx.feed.ab_wait_ns = 2500;      /* two frames later: lost */
	FZ_CHECK(tw_rx_feed_prepare(&rx.feed) == 0, "feed");
	FZ_CHECK(tw_mdp3_rx_init(&rx.ctx, &rx.feed, rx.cache, rx.ch, &rx.ctr,
		TW_SIMD_SCALAR) == 0, "mdp3 rx");
	if (st_mem == NULL) {
		st_mem = aligned_alloc(64, size);
		before_mem = aligned_alloc(64, size);
	}
	st = tw_mdp3_rx_state_init(st_mem, FZ_SYMBOLS, TT_CHANNELS);
	FZ_CHECK(st != NULL, "state");
	rx.ctx.proto_state = st;
}

/* Payload p of len bytes on channel ch's feed f (0..3), at now_ns. */
static void
put(const uint8_t *p, uint16_t len, uint16_t ch, unsigned int f,
		uint64_t now_ns)
{
	static const uint32_t base[] = { TT_GROUP, LINE_B_GROUP, SNAP_GROUP,
		DEF_GROUP };

	tw_mdp3_rx_frame(&rx.ctx, frame, tt_group_frame(frame, p, len, ch,
		base[f] + ch), 0, now_ns);
}

/* Instruments 0..DEFINED-1 defined, at sequence 1 of their channel. */
#define DEFINED 16

static void
define_all(uint64_t now_ns)
{
	uint16_t ch;

	for (ch = 0; ch < TT_CHANNELS; ch++) {
		struct tw_mdp3_writer w;
		uint32_t l;

		tw_mdp3_writer_init(&w, payload, sizeof(payload), 1, now_ns);
		for (l = ch; l < DEFINED; l += TT_CHANNELS) {
			struct tw_mdp3_instrument in = {
				.security_id = (int32_t)(TW_MDP3_SECID_BASE +
					l),
				.min_price_increment = 1,
				.display_factor = 1,
			};
			uint8_t *root = tw_mdp3_msg_begin(&w,
				TW_MDP3_INSTRUMENT_FUT, TW_MDP3_INST_ROOT);
			unsigned int g;

			FZ_CHECK(root != NULL, "definitions fit");
			snprintf(in.symbol, sizeof(in.symbol), "S%u", l);
			tw_mdp3_put_instrument(root, &in);
			for (g = 0; g < 4; g++)
				tw_mdp3_group_begin(&w, false, 9);
			tw_mdp3_msg_end(&w);
		}
		FZ_CHECK(!w.full, "definitions fit");
		put(payload, (uint16_t)w.len, ch, 0, now_ns);
	}
}

static void
check_side(const struct tw_mdp3_book *b, enum tw_mdp3_side s)
{
	const struct tw_mdp3_level *lv = tw_mdp3_book_clevels(b, s);
	unsigned int n = tw_mdp3_book_count(b, s), i;

	FZ_CHECK(n <= TW_MDP3_DEPTH, "book %u side %d: %u levels", b->l, s, n);
	for (i = 0; i < TW_MDP3_DEPTH; i++) {
		if (i >= n) {
			FZ_CHECK(lv[i].px == 0 && lv[i].qty == 0 &&
				lv[i].orders == 0, "book %u side %d level %u "
				"past %u not empty", b->l, s, i + 1, n);
			continue;
		}
		FZ_CHECK(lv[i].qty > 0 && lv[i].orders >= 0 &&
			lv[i].px != TW_MDP3_PRICE_NULL, "book %u side %d "
			"level %u: qty %d orders %d", b->l, s, i + 1,
			lv[i].qty, lv[i].orders);
		if (i > 0)
			FZ_CHECK(s == TW_MDP3_SIDE_BID ?
				lv[i - 1].px > lv[i].px :
				lv[i - 1].px < lv[i].px,
				"book %u side %d levels %u, %u out of order",
				b->l, s, i, i + 1);
	}
}

static void
check_world(void)
{
	uint32_t stale[TT_CHANNELS] = { 0 }, waiting[TT_CHANNELS] = { 0 };
	uint32_t l, c;

	for (l = 0; l < FZ_SYMBOLS; l++) {
		const struct tw_mdp3_book *b = &st->books[l];
		const struct tw_cache_entry *e = &rx.cache->entries[l];
		bool cstale = rx.cache->info[l].stale != 0;

		check_side(b, TW_MDP3_SIDE_BID);
		check_side(b, TW_MDP3_SIDE_ASK);
		FZ_CHECK(!(st->inst[l].stale && st->inst[l].waiting),
			"%u stale and waiting", l);
		if (st->inst[l].stale || st->inst[l].waiting) {
			FZ_CHECK(b->defined, "%u stale, never defined", l);
			stale[l % TT_CHANNELS] += st->inst[l].stale;
			waiting[l % TT_CHANNELS] += st->inst[l].waiting;
		}
		if (!b->defined)
			continue;
		FZ_CHECK(cstale == (st->inst[l].stale || st->inst[l].waiting),
			"%u: cache stale %d, book stale %d waiting %d", l,
			cstale, st->inst[l].stale, st->inst[l].waiting);
		FZ_CHECK(e->bid_px == tw_mdp3_cache_px(b->bid[0].px) &&
			e->bid_sz == (uint32_t)b->bid[0].qty &&
			e->ask_px == tw_mdp3_cache_px(b->ask[0].px) &&
			e->ask_sz == (uint32_t)b->ask[0].qty &&
			e->last_px == tw_mdp3_cache_px(b->last_px) &&
			e->last_sz == (uint32_t)b->last_qty &&
			e->volume == b->volume, "%u: the cache is not the "
			"book's top", l);
	}
	for (c = 0; c < TT_CHANNELS; c++) {
		FZ_CHECK(stale[c] == st->chan[c].stale, "channel %u: %u stale,"
			" counted %u", c, stale[c], st->chan[c].stale);
		FZ_CHECK(waiting[c] == st->chan[c].waiting, "channel %u: %u "
			"waiting, counted %u", c, waiting[c],
			st->chan[c].waiting);
		FZ_CHECK(st->chan[c].n_gaps <= TW_MDP3_GAPS_MAX, "channel %u:"
			" %u gaps", c, st->chan[c].n_gaps);
	}
}

/* Gaps given up so far (waits over), over the channels. */
static uint64_t
unrecovered(void)
{
	uint64_t n = 0;
	unsigned int c;

	for (c = 0; c < TT_CHANNELS; c++)
		n += rx.ch[c].ctr.gaps_unrecovered;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = { data, size };
	uint8_t opts = fz_u8(&r);
	uint64_t now = 1000000000000ULL;
	unsigned int k;

	world_init();
	if (opts & 1)
		define_all(now);
	check_world();
	for (k = 0; k < FZ_MAX_RECORDS && r.left > 0; k++) {
		uint8_t sel = fz_u8(&r);
		uint16_t want = fz_u16(&r), len;
		uint64_t drops = fz_drops(&rx.ctr), expired;
		/* The books and the instruments' states, laid out after
		 * one another. */
		size_t bytes = FZ_SYMBOLS * (sizeof(struct tw_mdp3_book) +
			sizeof(struct tw_mdp3_inst));

		if (want > sizeof(payload) - 64)
			want = sizeof(payload) - 64;
		len = (uint16_t)fz_bytes(&r, payload, want);
		expired = unrecovered();
		memcpy(before_mem, st->books, bytes);
		put(payload, len, (sel >> 2) & 3, sel & 3, now += 1000);
		/* A frame's time may end a wait (a timer), and each line's
		 * progress is noted; its bytes change nothing when it is
		 * dropped. */
		if (fz_drops(&rx.ctr) != drops && unrecovered() == expired)
			FZ_CHECK(memcmp(before_mem, st->books, bytes) == 0,
				"a dropped frame changed a book or an "
				"instrument's state");
		check_world();
	}
	return 0;
}
