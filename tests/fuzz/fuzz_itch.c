/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: ITCH 5.0 messages into order books, the way the
 * offline decoder takes a day file (tw_itch_apply, one message at a
 * time) or the way an RX lcore takes frames (tw_itch_rx_frame: the
 * messages of the input in one MoldUDP64 frame).
 *
 * Input: one options byte (bit 0: as frames; bits 1-2: their channel;
 * bit 3: recovery on, holding back past gaps), then records: 2-byte
 * big-endian length, message bytes (NASDAQ's day file framing). As
 * frames, a record of length 0 ends a frame and the byte after it moves
 * the next frame's first sequence number (-8 .. +247 from where the
 * last one ended), so gaps, duplicates and overlaps come in; the
 * recovery timers run after each frame (requests checked for sanity).
 *
 * Invariants: a message a book refuses leaves that symbol's book and
 * cache entry as they were; after every few messages and at the end,
 * every invariant of the books holds (tw_books_check: each order where
 * its hash says, each level the sum of its orders, levels sorted, the
 * counts agreeing). The books are small (32 orders, 256 levels) so
 * capacity is reached.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz_rx.h"
#include "tw_itch_apply.h"
#include "tw_itch_rx.h"

#define MAX_MSGS 256

static struct tt_rx rx;
static void *book_mem;
static struct tw_books *books;
static uint8_t frame[FZ_FRAME_MAX];

static struct tw_rx_side side[FZ_SYMBOLS];

/* A request the timers send: within what the channel has not seen. */
static int
fake_send(void *arg, uint32_t channel, const struct tw_channel_state *ch,
		uint64_t first, uint16_t count, bool snapshot)
{
	(void)arg;
	FZ_CHECK(!snapshot, "an ITCH feed asked for a snapshot");
	FZ_CHECK(channel < TT_CHANNELS, "channel %u", channel);
	FZ_CHECK(count > 0 && first >= ch->expected, "request %lu+%u behind "
		"%lu", (unsigned long)first, count,
		(unsigned long)ch->expected);
	return 0;
}

static void
check_books(void)
{
	char why[160];

	FZ_CHECK(tw_books_check(books, why, sizeof(why)) == 0, "%s", why);
}

static void
world_init(void)
{
	rx.ctx.side = NULL;
	static const struct tw_book_params bp = { .nb_symbols = FZ_SYMBOLS,
		.max_orders = 32, .pool_levels = 256, .hash_key = 5 };

	tt_rx_fini(&rx);
	FZ_CHECK(tt_rx_init(&rx, 0, FZ_SYMBOLS, TW_SIMD_SCALAR) == 0, "rx");
	FZ_CHECK(tw_itch_rx_init(&rx.ctx, &rx.feed, rx.cache, rx.ch, &rx.ctr,
		TW_SIMD_SCALAR) == 0, "itch rx");
	if (book_mem == NULL)
		book_mem = aligned_alloc(64, (tw_books_memsize(&bp) + 63) /
			64 * 64);
	books = tw_books_init(book_mem, &bp);
	FZ_CHECK(books != NULL, "books");
	rx.ctx.proto_state = books;
}

/* Recovery on: gaps tracked and asked for, what follows held back. */
static void
recovery_on(void)
{
	memset(side, 0, sizeof(side));
	rx.ctx.side = side;
	rx.feed.rerequest = true;
	rx.feed.hold_back = true;
	rx.feed.request_port = 30100;
	rx.feed.unicast_ip = TW_IPV4(192, 0, 2, 3);
	rx.feed.gap_timeout_ns = 100;
	rx.feed.gap_retries = 2;
	rx.feed.request_max = 50;
	rx.feed.max_gap = 64;
	FZ_CHECK(tw_rx_feed_prepare(&rx.feed) == 0, "feed");
}

/* One message the way tickwire-itch takes it. */
static void
apply_one(const uint8_t *m, uint16_t len, uint64_t seq)
{
	struct tw_itch_sink s = { .books = books, .cache = rx.cache,
		.ctr = &rx.ctr };
	uint32_t l = len >= 3 ? tw_itch_cache_locate(m) : 0;
	struct tw_cache_entry entry;
	struct tw_itch_ahead ahead;
	uint64_t digest = 0;
	bool watch = l < FZ_SYMBOLS;

	if (len == 0 || (tw_itch_len[m[0]] != 0 && tw_itch_len[m[0]] != len))
		return;         /* the decoder counts it a wrong length */
	if (tw_itch_len[m[0]] == 0) {
		/* Unknown: skipped, whatever its length. */
		FZ_CHECK(tw_itch_apply(&s, m, seq, seq), "unknown refused");
		return;
	}
	if (watch) {
		digest = tw_book_digest(books, l);
		entry = rx.cache->entries[l];
	}
	/* tickwire-itch's two prefetch stages read what the message and
	 * the books point at: in bounds whatever they hold. */
	tw_itch_prefetch_at(books, rx.cache, m, &ahead);
	tw_itch_prefetch_levels(books, &ahead);
	if (!tw_itch_apply(&s, m, seq, seq) && watch) {
		FZ_CHECK(tw_book_digest(books, l) == digest,
			"a refused %c changed the book of %u", m[0], l);
		FZ_CHECK(memcmp(&rx.cache->entries[l], &entry,
			sizeof(entry)) == 0, "a refused %c changed entry %u",
			m[0], l);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = { data, size };
	const uint8_t *msgs[MAX_MSGS];
	uint16_t lens[MAX_MSGS];
	unsigned int n = 0, i;
	uint8_t opts;

	world_init();
	opts = fz_u8(&r);
	while (r.left >= 2 && n < MAX_MSGS) {
		uint16_t len = fz_u16(&r);

		if (len > r.left)
			len = (uint16_t)r.left;
		msgs[n] = r.p;
		lens[n++] = len;
		r.p += len;
		r.left -= len;
	}
	if (opts & 1) {
		/* Frames of one channel, as an RX lcore takes them. */
		struct tw_frame_params fp;
		struct tw_pkt_tmpl t;
		struct tw_pkt_builder b;
		uint16_t ch = (opts >> 1) & 3;
		uint64_t seq = 1, now = 1000;
		unsigned int frames = 0;

		if (opts & 8)
			recovery_on();
		tt_frame_params(&fp, 0);
		tw_pkt_tmpl_init(&t, &fp, ch);
		tw_pkt_open(&b, &t, frame, seq, 0);
		for (i = 0; i <= n; i++) {
			uint8_t *p;

			if (i < n && lens[i] != 0) {
				p = tw_pkt_reserve(&b, &t, lens[i]);
				if (p != NULL)
					memcpy(p, msgs[i], lens[i]);
				continue;
			}
			/* The end of a frame: into the burst, then on. */
			{
				uint16_t cnt = b.count;
				uint16_t flen = tw_pkt_close(&b, &t, cnt,
					TW_CSUM_SOFTWARE);
				int d;

				tw_itch_rx_frame(&rx.ctx, frame, flen, 0, now);
				frames++;
				now += 50;
				tw_rx_recovery_poll(&rx.ctx, now, fake_send,
					NULL);
				check_books();
				if (i == n)
					break;
				/* The next record's first byte moves the
				 * next frame: -8 .. +247 from here. */
				d = (i + 1 < n && lens[i + 1] != 0 ?
					msgs[i + 1][0] : 8) - 8;
				seq = (uint64_t)RTE_MAX((int64_t)1,
					(int64_t)(seq + cnt) + d);
				tw_pkt_open(&b, &t, frame, seq, 0);
			}
		}
		FZ_CHECK(rx.ctr.pkts == frames, "every frame seen once");
		return 0;
	}
	for (i = 0; i < n; i++) {
		apply_one(msgs[i], lens[i], i + 1);
		if (i % 16 == 15)
			check_books();
	}
	check_books();
	return 0;
}
