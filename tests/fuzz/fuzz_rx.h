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

#include "tw_rx_frame.h"
#include "tw_test_rx.h"

#define FZ_SYMBOLS TT_SYMBOLS
#define FZ_MAX_RECORDS 64
#define FZ_FRAME_MAX TT_FRAME_MAX

#include "fuzz_check.h"

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
#define FZ_OPT_SERVER_MAC 0x20   /* [recovery] server_mac set too */
#define FZ_OPT_MTU       0x40    /* [feed] mtu 1500 (else none) */

/* Where the recovery frames of the fuzzed feed come from and go to. */
#define FZ_REQUEST_PORT 30100
#define FZ_SNAPSHOT_PORT 30300
#define FZ_UNICAST_IP TW_IPV4(192, 0, 2, 3)
/* The request and snapshot server: the feed's own source (tt_frame_params). */
#define FZ_SERVER_IP TW_IPV4(192, 0, 2, 1)
static const uint8_t fz_server_mac[6] = { 0x02, 0, 0, 0, 0, 1 };
#define FZ_MTU 1500

static inline void
fz_world_init(struct fz_world *w, uint8_t opts, enum tw_simd level)
{
	tt_rx_fini(&w->rx);
	FZ_CHECK(tt_rx_init(&w->rx, (opts & FZ_OPT_VLAN) ? 7 : 0, FZ_SYMBOLS,
		level) == 0, "level %s", tw_simd_name(level));
	w->rx.feed.session_any = (opts & FZ_OPT_AUTO) != 0;
	w->rx.feed.max_gap = 64;
	w->rx.feed.session_idle_ns = 1000;
	/* Recovery traffic is taken from the server only. */
	w->rx.feed.server_ip = FZ_SERVER_IP;
	if (opts & FZ_OPT_SERVER_MAC) {
		memcpy(w->rx.feed.server_mac, fz_server_mac, 6);
		w->rx.feed.server_mac_set = true;
	}
	if (opts & FZ_OPT_MTU)
		w->rx.feed.max_ip_len = FZ_MTU;
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
	int gi;

	(void)arg;
	FZ_CHECK(channel < TT_CHANNELS, "request for channel %u", channel);
	if (snapshot) {
		FZ_CHECK(ch->snap_state != 0, "a snapshot asked for channel %u, "
			"which wants none", channel);
		return 0;
	}
	FZ_CHECK(first >= 1 && count >= 1 && count <= 100,
		"request [%lu, +%u)", (unsigned long)first, count);
	/* Only what is missing is asked for: the front of an open gap. */
	gi = tw_gaps_find(ch, first);
	FZ_CHECK(gi >= 0 && ch->missing[gi].first == first &&
		first + count <= ch->missing[gi].end, "request [%lu, +%u) of "
		"channel %u is no gap's front", (unsigned long)first, count,
		channel);
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

/*
 * The receiver's state before a frame, beside the cache bytes the caller
 * keeps: what the recovery invariants compare against.
 */
struct fz_state {
	struct tw_rx_counters ctr;
	struct tw_channel_state ch[TT_CHANNELS];
	struct tw_rx_side side[FZ_SYMBOLS];
};

static inline void
fz_state_save(const struct fz_world *w, struct fz_state *s)
{
	memcpy(&s->ctr, &w->rx.ctr, sizeof(s->ctr));
	memcpy(s->ch, w->rx.ch, sizeof(s->ch));
	memcpy(s->side, w->side, sizeof(s->side));
}

/* What a frame claims to be, read from its bytes where the parser reads
 * them (nothing checked but what places it). */
enum fz_kind {
	FZ_OTHER,               /* no channel's: not subscribed, or unreadable */
	FZ_LIVE,                /* to a channel's group (line A or B) */
	FZ_RETRANS,             /* unicast from a request port */
	FZ_SNAPSHOT,            /* unicast from a snapshot port */
};

struct fz_class {
	enum fz_kind kind;
	int channel;            /* -1: none */
	bool forged;            /* recovery traffic not from the server */
	bool has_mold;          /* seq and count read */
	uint64_t seq;
	uint16_t count;
	uint16_t ip_len;        /* IPv4 total length, 0 when unreadable */
};

static inline void
fz_classify(const struct tw_rx_feed *feed, const uint8_t *f, uint32_t len,
		struct fz_class *k)
{
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	const struct tw_mold_hdr *mold;
	uint32_t l2 = feed->l2_len, ihl, dst;
	uint16_t sport, dport;

	memset(k, 0, sizeof(*k));
	k->channel = -1;
	if (len < l2 + TW_IPV4_HDR_LEN)
		return;
	ip = (const struct rte_ipv4_hdr *)(f + l2);
	k->ip_len = rte_be_to_cpu_16(ip->total_length);
	ihl = (ip->version_ihl & 0xfu) * 4u;
	if (ihl < TW_IPV4_HDR_LEN || len < l2 + ihl + TW_UDP_HDR_LEN)
		return;
	udp = (const struct rte_udp_hdr *)(f + l2 + ihl);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	sport = rte_be_to_cpu_16(udp->src_port);
	dport = rte_be_to_cpu_16(udp->dst_port);
	if (dport != feed->udp_port)
		return;
	if (dst - feed->group_base < feed->nb_channels) {
		k->kind = FZ_LIVE;
		k->channel = (int)(dst - feed->group_base);
	} else if (feed->lines == 2 && dst - feed->group_b < feed->nb_channels) {
		k->kind = FZ_LIVE;
		k->channel = (int)(dst - feed->group_b);
	} else if (dst == feed->unicast_ip && feed->request_port != 0) {
		if (sport >= feed->request_port &&
		    sport - feed->request_port < feed->nb_channels) {
			k->kind = FZ_RETRANS;
			k->channel = sport - feed->request_port;
		} else if (feed->snapshot_port != 0 &&
			   sport >= feed->snapshot_port &&
			   sport - feed->snapshot_port < feed->nb_channels) {
			k->kind = FZ_SNAPSHOT;
			k->channel = sport - feed->snapshot_port;
		} else {
			return;
		}
		k->forged = rte_be_to_cpu_32(ip->src_addr) != feed->server_ip ||
			(feed->server_mac_set && memcmp(f + RTE_ETHER_ADDR_LEN,
				feed->server_mac, RTE_ETHER_ADDR_LEN) != 0);
	} else {
		return;
	}
	if (len >= l2 + ihl + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN) {
		mold = (const struct tw_mold_hdr *)((const uint8_t *)udp +
			TW_UDP_HDR_LEN);
		k->has_mold = true;
		k->seq = rte_be_to_cpu_64(mold->seq);
		k->count = rte_be_to_cpu_16(mold->count);
	}
}

/* Reasons the parser gives before it reads a byte of MoldUDP64. */
static inline bool
fz_header_reason(int reason)
{
	switch (reason) {
	case TW_DROP_RUNT: case TW_DROP_NOT_IPV4: case TW_DROP_BAD_VLAN:
	case TW_DROP_BAD_ETH_DST: case TW_DROP_BAD_IP_VERSION:
	case TW_DROP_BAD_IP_HDR_LEN: case TW_DROP_BAD_IP_TOTAL_LEN:
	case TW_DROP_IP_FRAGMENT: case TW_DROP_BAD_IP_CSUM:
	case TW_DROP_NOT_UDP: case TW_DROP_BAD_UDP_LEN:
	case TW_DROP_NOT_SUBSCRIBED: case TW_DROP_OVER_MTU:
	case TW_DROP_RECOVERY_SOURCE:
		return true;
	default:
		return false;
	}
}

/*
 * The frame changed nothing: one drop counted (its reason returned), the
 * frame itself counted, every other counter, every channel state, the
 * side table and the cache bytes as they were.
 */
static inline int
fz_check_unchanged(const struct fz_world *w, const struct fz_state *b,
		const void *cache_before, const char *what)
{
	struct tw_rx_counters c;
	int reason = -1;
	unsigned int i;

	memcpy(&c, &w->rx.ctr, sizeof(c));
	c.pkts = b->ctr.pkts;
	c.bytes = b->ctr.bytes;
	c.scalar_checked = b->ctr.scalar_checked;
	for (i = 0; i < TW_DROP_MAX; i++) {
		if (c.drops[i] == b->ctr.drops[i])
			continue;
		FZ_CHECK(reason < 0 && c.drops[i] == b->ctr.drops[i] + 1,
			"%s: drops %s and %s", what, tw_rx_drop_name(reason),
			tw_rx_drop_name(i));
		reason = (int)i;
		c.drops[i]--;
	}
	FZ_CHECK(reason >= 0, "%s: taken (no drop)", what);
	FZ_CHECK(memcmp(&c, &b->ctr, sizeof(c)) == 0,
		"%s: dropped (%s), other counters moved", what,
		tw_rx_drop_name(reason));
	for (i = 0; i < TT_CHANNELS; i++)
		FZ_CHECK(memcmp(&w->rx.ch[i], &b->ch[i], sizeof(b->ch[i])) == 0,
			"%s: dropped (%s), channel %u changed (expected %lu -> "
			"%lu)", what, tw_rx_drop_name(reason), i,
			(unsigned long)b->ch[i].expected,
			(unsigned long)w->rx.ch[i].expected);
	FZ_CHECK(memcmp(w->side, b->side, sizeof(b->side)) == 0,
		"%s: dropped (%s), side table changed", what,
		tw_rx_drop_name(reason));
	FZ_CHECK(memcmp(w->rx.cache_mem, cache_before, w->rx.cache_size) == 0,
		"%s: dropped (%s), the cache changed", what,
		tw_rx_drop_name(reason));
	return reason;
}

/*
 * Whom the receiver trusts, frame by frame (frame f, len bytes, taken
 * after the state b and cache bytes cache_before):
 * - a frame touches its own channel only: every other channel's state,
 *   and the cache entries, directory and side entries of every other
 *   channel's symbols, stay as they were;
 * - recovery traffic (to our unicast address from a request or snapshot
 *   port) not from [recovery] server_ip / server_mac changes nothing and
 *   is refused on its headers (recovery_bad_source or before);
 * - from the server: a snapshot for a channel that wants none, or one
 *   more than max_gap ahead of what the channel has seen, changes
 *   nothing; an applied one moves the channel at most max_gap ahead;
 *   a retransmission for a channel that asked for nothing and misses
 *   nothing changes nothing; one moves the channel's sequence only by
 *   bringing the tail it was missing (a gap from its expected sequence);
 * - a datagram over the MTU changes nothing;
 * - a channel's sequence goes back only when a new session starts;
 * - retransmissions are counted taken (retrans_packets) only when the
 *   frame was accepted.
 */
static inline void
fz_check_recovery(const struct fz_world *w, const struct fz_state *b,
		const uint8_t *cache_before, const uint8_t *f, uint32_t len)
{
	const struct tw_rx_feed *feed = &w->rx.feed;
	const struct tw_cache *cache = w->rx.cache;
	const uint8_t *base = w->rx.cache_mem;
	const struct tw_channel_state *cb, *ca;
	struct fz_class k;
	unsigned int i;
	int reason;

	fz_classify(feed, f, len, &k);
	for (i = 0; i < TT_CHANNELS; i++)
		if ((int)i != k.channel)
			FZ_CHECK(memcmp(&w->rx.ch[i], &b->ch[i],
				sizeof(b->ch[i])) == 0, "a frame of channel %d "
				"(kind %d) changed channel %u", k.channel, k.kind,
				i);
	for (i = 0; i < cache->nb_symbols && i < FZ_SYMBOLS; i++) {
		size_t eo = (const uint8_t *)&cache->entries[i] - base;
		size_t io = (const uint8_t *)&cache->info[i] - base;

		if ((int)(i % feed->nb_channels) == k.channel)
			continue;
		FZ_CHECK(memcmp(base + eo, cache_before + eo,
			sizeof(cache->entries[i])) == 0 &&
			memcmp(base + io, cache_before + io,
			sizeof(cache->info[i])) == 0 &&
			memcmp(&w->side[i], &b->side[i], sizeof(b->side[i])) == 0,
			"a frame of channel %d (kind %d) changed symbol %u",
			k.channel, k.kind, i);
	}
	FZ_CHECK(w->rx.ctr.retrans_pkts - b->ctr.retrans_pkts <=
		w->rx.ctr.pkts_accepted - b->ctr.pkts_accepted,
		"a retransmission counted taken, the frame not accepted "
		"(drops +%lu)", (unsigned long)(fz_drops(&w->rx.ctr) -
			fz_drops(&b->ctr)));
	if (k.ip_len > feed->max_ip_len) {
		reason = fz_check_unchanged(w, b, cache_before, "over the MTU");
		FZ_CHECK(fz_header_reason(reason), "over the MTU: %s",
			tw_rx_drop_name(reason));
		return;
	}
	if (k.channel < 0)
		return;
	cb = &b->ch[k.channel];
	ca = &w->rx.ch[k.channel];
	if (ca->expected < cb->expected)
		FZ_CHECK(ca->sessions > cb->sessions, "channel %d went back "
			"from %lu to %lu without a new session", k.channel,
			(unsigned long)cb->expected,
			(unsigned long)ca->expected);
	if (k.kind == FZ_LIVE)
		return;
	if (k.forged) {
		reason = fz_check_unchanged(w, b, cache_before,
			"forged recovery source");
		FZ_CHECK(fz_header_reason(reason), "forged recovery source "
			"dropped as %s, past the headers",
			tw_rx_drop_name(reason));
		return;
	}
	if (k.kind == FZ_SNAPSHOT) {
		if (cb->snap_state == 0)
			fz_check_unchanged(w, b, cache_before,
				"snapshot for a channel not waiting");
		else if (k.has_mold && k.seq > cb->expected &&
			 k.seq - cb->expected > feed->max_gap)
			fz_check_unchanged(w, b, cache_before,
				"snapshot far ahead");
		FZ_CHECK(ca->expected - cb->expected <= feed->max_gap,
			"a snapshot moved channel %d from %lu to %lu", k.channel,
			(unsigned long)cb->expected,
			(unsigned long)ca->expected);
		return;
	}
	/* A retransmission from the server. */
	if (cb->ctr.requests == 0 && cb->nb_gaps == 0 && cb->snap_state == 0)
		fz_check_unchanged(w, b, cache_before, "unasked fill");
	if (ca->expected != cb->expected)
		FZ_CHECK(k.seq == cb->expected &&
			tw_gaps_find(cb, cb->expected) >= 0,
			"a retransmission [%lu, +%u) moved channel %d from %lu "
			"to %lu, missing no tail there", (unsigned long)k.seq,
			k.count, k.channel, (unsigned long)cb->expected,
			(unsigned long)ca->expected);
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
