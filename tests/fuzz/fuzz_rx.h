/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the RX fuzz harnesses share: a receiver ("world") over a small
 * feed with its own cache, channel states and counters, built exactly as
 * an RX lcore builds its own; the byte reader that turns a fuzz input
 * into records; the invariants and the differential comparisons. Any
 * failure aborts, which libFuzzer reports as a finding with its input.
 */
#ifndef TW_FUZZ_RX_H
#define TW_FUZZ_RX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_parse_private.h"
#include "tw_test_rx.h"

#define FZ_SYMBOLS TT_SYMBOLS
#define FZ_MAX_RECORDS 64
#define FZ_FRAME_MAX TT_FRAME_MAX

#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz invariant failed: %s: ", #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

struct fz_world {
	struct tt_rx rx;
	struct tw_order_reply replies[FZ_MAX_RECORDS];
	struct tw_rx_side side[FZ_SYMBOLS];
};

/* Feed options from the input's first byte. */
#define FZ_OPT_VLAN      0x01    /* the feed is VLAN 7 tagged */
#define FZ_OPT_AUTO      0x02    /* session = auto */
#define FZ_OPT_SHARE     0x04    /* the cache shared: own channels 0, 2 */
#define FZ_OPT_RECOVERY  0x08    /* gaps tracked, re-requests, snapshots */
#define FZ_OPT_LINES     0x10    /* two lines (line B: 239.1.2.1 + c) */

/* Where the recovery frames of the fuzzed feed come from and go to. */
#define FZ_REQUEST_PORT 30100
#define FZ_SNAPSHOT_PORT 30300
#define FZ_UNICAST_IP TW_IPV4(192, 0, 2, 3)

static inline void
fz_world_init(struct fz_world *w, uint8_t opts, enum tw_simd level)
{
	tt_rx_fini(&w->rx);
	FZ_CHECK(tt_rx_init(&w->rx, (opts & FZ_OPT_VLAN) ? 7 : 0, FZ_SYMBOLS,
		level) == 0, "level %s", tw_simd_name(level));
	w->rx.feed.session_any = (opts & FZ_OPT_AUTO) != 0;
	w->rx.feed.max_gap = 64;
	w->rx.feed.session_idle_ns = 1000;
	memset(w->side, 0, sizeof(w->side));
	if (opts & FZ_OPT_RECOVERY) {
		w->rx.ctx.side = w->side;
		w->rx.feed.rerequest = true;
		w->rx.feed.request_port = FZ_REQUEST_PORT;
		w->rx.feed.snapshot_port = FZ_SNAPSHOT_PORT;
		w->rx.feed.unicast_ip = FZ_UNICAST_IP;
		w->rx.feed.gap_timeout_ns = 1000;
		w->rx.feed.gap_retries = 2;
		w->rx.feed.request_max = 100;
		w->rx.feed.ab_wait_ns = 500;
	}
	if (opts & FZ_OPT_LINES) {
		w->rx.feed.lines = 2;
		w->rx.feed.group_b = TW_IPV4(239, 1, 2, 1);
	}
	FZ_CHECK(tw_rx_feed_prepare(&w->rx.feed) == 0, "feed");
	if (opts & FZ_OPT_SHARE) {
		static const bool own[TT_CHANNELS] = { true, false, true };

		tw_rx_ctx_own_channels(&w->rx.ctx, own, TT_CHANNELS);
	}
	memset(w->replies, 0, sizeof(w->replies));
	w->rx.ctx.replies = w->replies;
	w->rx.ctx.reply_cap = FZ_MAX_RECORDS;
	w->rx.ctx.nb_replies = 0;
}

static inline void
fz_world_fini(struct fz_world *w)
{
	tt_rx_fini(&w->rx);
}

/* A re-request or snapshot request, as the RX lcore would send it. */
static inline int
fz_send(void *arg, uint32_t channel, const struct tw_channel_state *ch,
		uint64_t first, uint16_t count, bool snapshot)
{
	(void)arg;
	(void)ch;
	FZ_CHECK(channel < TT_CHANNELS, "request for channel %u", channel);
	if (!snapshot)
		FZ_CHECK(first >= 1 && count >= 1 && count <= 100,
			"request [%lu, +%u)", (unsigned long)first, count);
	return 0;
}

/* The recovery timers at now_ns (after each burst): asks and give-ups. */
static inline void
fz_recovery_tick(struct fz_world *w, uint64_t now_ns)
{
	uint32_t c, open = 0;

	tw_rx_recovery_poll(&w->rx.ctx, now_ns, fz_send, NULL);
	for (c = 0; c < TT_CHANNELS; c++) {
		const struct tw_channel_state *ch = &w->rx.ch[c];
		uint32_t i;

		FZ_CHECK(ch->nb_gaps <= TW_GAPS_MAX, "gaps %u", ch->nb_gaps);
		for (i = 0; i < ch->nb_gaps; i++)
			FZ_CHECK(ch->missing[i].first < ch->missing[i].end,
				"empty gap on channel %u", c);
		open += ch->nb_gaps;
	}
	FZ_CHECK(open == w->rx.ctr.gaps_open, "%u gaps open, counted %lu",
		open, (unsigned long)w->rx.ctr.gaps_open);
}

/* Reads fields off the input; past its end every read gives zeros. */
struct fz_reader {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t
fz_u8(struct fz_reader *r)
{
	if (r->left == 0)
		return 0;
	r->left--;
	return *r->p++;
}

static inline uint16_t
fz_u16(struct fz_reader *r)
{
	uint16_t hi = fz_u8(r);

	return (uint16_t)(hi << 8 | fz_u8(r));
}

/* Up to want bytes into out; returns how many there were. */
static inline size_t
fz_bytes(struct fz_reader *r, uint8_t *out, size_t want)
{
	size_t n = want < r->left ? want : r->left;

	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* The port's checksum verdicts, from one byte. */
static inline uint64_t
fz_ol_flags(uint8_t sel)
{
	static const uint64_t ip_v[] = { 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_NONE };
	static const uint64_t l4_v[] = { 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE };

	return ip_v[sel & 3] | l4_v[(sel >> 2) & 3];
}

static inline uint64_t
fz_drops(const struct tw_rx_counters *c)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < TW_DROP_MAX; i++)
		s += c->drops[i];
	return s;
}

/* Drops that may come on top of an accepted frame (applied message). */
static inline uint64_t
fz_message_drops(const struct tw_rx_counters *c)
{
	return c->drops[TW_DROP_DIR_INDEX_FULL] + c->drops[TW_DROP_DIR_REMAP];
}

/*
 * One frame's invariants, from the counters and cache before it: one
 * verdict (accepted, or exactly one frame drop), and a dropped frame
 * leaves the cache bytes as they were.
 */
static inline void
fz_check_verdict(const struct fz_world *w, const struct tw_rx_counters *b,
		const void *cache_before)
{
	uint64_t acc = w->rx.ctr.pkts_accepted - b->pkts_accepted;
	uint64_t drops = fz_drops(&w->rx.ctr) - fz_drops(b);
	uint64_t msg_drops = fz_message_drops(&w->rx.ctr) - fz_message_drops(b);
	/* A line's second copy, an end of session again: counted, no drop. */
	uint64_t again = w->rx.ctr.line_dups[0] - b->line_dups[0] +
		w->rx.ctr.line_dups[1] - b->line_dups[1] +
		w->rx.ctr.end_repeats - b->end_repeats;

	FZ_CHECK(w->rx.ctr.pkts - b->pkts == 1, "one frame, one count");
	FZ_CHECK(acc + again <= 1, "accepted %lu times, again %lu",
		(unsigned long)acc, (unsigned long)again);
	if (acc == 1)   /* only an applied message's own drops beside it */
		FZ_CHECK(drops == msg_drops, "accepted and dropped");
	else if (again == 1)
		FZ_CHECK(drops == 0, "a copy and dropped");
	else
		FZ_CHECK(drops == 1, "no verdict: %lu drops",
			(unsigned long)drops);
	/* A line's copy may complete a fill, and so write: not when dropped */
	if (acc == 0 && again == 0)
		FZ_CHECK(memcmp(w->rx.cache_mem, cache_before, w->rx.cache_size) == 0,
			"a dropped frame wrote the cache");
}

/* Two receivers that saw the same input must be in the same state. */
static inline void
fz_same_state(const struct fz_world *a, const struct fz_world *b,
		bool frames, const char *what)
{
	unsigned int i;

	/* Entries and directory; the ticker index is keyed per cache. */
	FZ_CHECK(memcmp(a->rx.cache->entries, b->rx.cache->entries, FZ_SYMBOLS *
		sizeof(a->rx.cache->entries[0])) == 0, "%s: cache entries differ",
		what);
	FZ_CHECK(memcmp(a->rx.cache->info, b->rx.cache->info, FZ_SYMBOLS *
		sizeof(a->rx.cache->info[0])) == 0, "%s: directory differs", what);
	FZ_CHECK(memcmp(a->rx.ch, b->rx.ch, sizeof(a->rx.ch)) == 0,
		"%s: channel states differ", what);
	for (i = 0; i < TW_DROP_MAX; i++)
		FZ_CHECK(a->rx.ctr.drops[i] == b->rx.ctr.drops[i],
			"%s: drops %s %lu vs %lu", what, tw_rx_drop_name(i),
			(unsigned long)a->rx.ctr.drops[i],
			(unsigned long)b->rx.ctr.drops[i]);
#define FZ_SAME(f) FZ_CHECK(a->rx.ctr.f == b->rx.ctr.f, "%s: " #f " %lu vs %lu", \
		what, (unsigned long)a->rx.ctr.f, (unsigned long)b->rx.ctr.f)
	FZ_SAME(pkts);
	FZ_SAME(pkts_accepted);
	FZ_SAME(msgs);
	FZ_SAME(quotes);
	FZ_SAME(trades);
	FZ_SAME(directories);
	FZ_SAME(heartbeats);
	FZ_SAME(end_of_session);
	FZ_SAME(sessions_started);
	FZ_SAME(lat_samples);
	FZ_SAME(lat_negative);
	FZ_SAME(lat_out_of_range);
	FZ_SAME(lat_sum_ns);
	FZ_SAME(lat_max_ns);
	if (frames) {
		FZ_SAME(bytes);
		FZ_CHECK(a->rx.ctx.nb_replies == b->rx.ctx.nb_replies,
			"%s: replies", what);
		FZ_CHECK(memcmp(a->replies, b->replies, a->rx.ctx.nb_replies *
			sizeof(a->replies[0])) == 0, "%s: reply bytes", what);
	}
#undef FZ_SAME
}

#endif /* TW_FUZZ_RX_H */
