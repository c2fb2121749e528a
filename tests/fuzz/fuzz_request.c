/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: what reaches the generator's request server from
 * the network, frame by frame, served as gen_serve.c serves it:
 * tw_request_from_frame (the request ports, then the snapshot ports),
 * the server's rules (tw_request_judge, tw_request_judge_snapshot: the
 * client subnet, a rate per source and over all sources), and for a
 * request served, the store's fill into at most max_packets reply
 * frames, each spent from the reply byte budget (tw_reply_budget_take).
 * A small store holds channel c's messages [40, 104).
 *
 * Input: a set-up of SETUP_LEN bytes (all zeros: a 1 MHz clock, 1,000
 * requests a second a source in bursts of 4, no total, no reply budget,
 * max_count 10, one reply packet, any source): clock, rate, burst,
 * total rate, reply bytes a second, reply burst, max_count,
 * max_packets, client prefix (each an index into a table of values, or
 * the value itself). Then records: a 2-byte header, bit 15: recompute
 * the IPv4 and UDP checksums (so mutations reach the MoldUDP64 header);
 * bit 14: a clock byte follows (else the clock moves 500 cycles); bits
 * 12-13: the source, 0 the frame's own, 1 one of SOURCES (sources that
 * share rate slots with 192.0.2.3 or with 0.0.0.0) picked by a byte that
 * follows, 2 a new source each time (a rotating flood), 3 192.0.2.x, x
 * a byte that follows (a rewritten source gets its checksums anew);
 * bits 0-11 the frame's length (mod FZ_FRAME_MAX + 1). Then the frame.
 *
 * Invariants: a request is recognised only on ports 30100..30103 (or
 * the snapshot ports) and read only inside the frame; what is served
 * lies inside the store's window and the count asked, never over
 * max_count, in at most max_packets frames that each fit the MTU and
 * carry the stored messages of their sequence numbers; a source outside
 * the client subnet is refused before the rate counts it. Against exact
 * models (rational arithmetic, not the limiter's own): no source is let
 * through more than burst + rate x elapsed requests, nor all of them
 * together more than burst + rate_total x elapsed; reply bytes never
 * exceed reply_burst_bytes + reply_bytes_per_s x elapsed; a source still
 * spending its budget keeps its slot (never refused no_slot).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_rx.h"
#include "tw_request.h"
#include "tw_store.h"

#define CHANNELS 4
#define FIRST 40
#define STORED 64
#define SETUP_LEN 9
#define SOURCES 16
#define MAX_TRACKED 4096

typedef unsigned __int128 u128;

static struct tw_store *store;
static struct tw_pkt_tmpl tmpl[CHANNELS];
static struct tw_rate_limit rl;
static uint32_t sources[SOURCES];
static const uint32_t client = TW_IPV4(192, 0, 2, 3);

/* The server's set-up, from the input's first bytes. */
struct setup {
	uint64_t hz;
	uint32_t rate, burst, rate_total;
	uint64_t reply_bps, reply_burst;
	struct tw_request_rules rules;
};

/* The exact model of one rate (GCRA in units of 1 / (hz * rate) s). */
struct model {
	u128 tat;
};

/* Sources seen in this input, with their model. */
static struct {
	uint32_t ip;
	struct model m;
} seen[MAX_TRACKED];
static unsigned int nb_seen;

/* The limiter's slot hash (lib/moldudp64/tw_request.c rate_slot). */
static unsigned int
slot_of(uint32_t ip)
{
	return (uint32_t)(ip * UINT32_C(2654435769)) >> 22;
}

/* Channel c's messages FIRST.. in the store: quotes, one to a frame;
 * the sources that share slots with the client's and with 0.0.0.0. */
static void
setup_once(void)
{
	static uint8_t f[FZ_FRAME_MAX];
	struct tw_frame_params fp;
	void *mem = aligned_alloc(64, tw_store_memsize(CHANNELS, STORED));
	unsigned int n = 0;
	uint32_t ip;
	uint16_t c;
	uint64_t s;

	store = tw_store_init(mem, CHANNELS, STORED);
	tt_frame_params(&fp, 0);
	for (c = 0; c < CHANNELS; c++) {
		tw_pkt_tmpl_init(&tmpl[c], &fp, c);
		for (s = FIRST; s < FIRST + STORED; s++) {
			uint16_t len = tt_quote_frame(f, 0, c, s, 1, (int64_t)s);

			(void)len;
			tw_store_put(store, c, s, f + tmpl[c].hdr_len, 1);
		}
	}
	sources[n++] = client;
	sources[n++] = 0;
	for (ip = TW_IPV4(10, 0, 0, 1); n < SOURCES; ip++)
		if (slot_of(ip) == slot_of(n < 10 ? client : 0))
			sources[n++] = ip;
}

static struct model *
model_of(uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < nb_seen; i++)
		if (seen[i].ip == ip)
			return &seen[i].m;
	if (nb_seen == MAX_TRACKED)
		return NULL;
	seen[nb_seen].ip = ip;
	seen[nb_seen].m.tat = 0;
	return &seen[nb_seen++].m;
}

/*
 * A request let through at now by a rate of per_s a second in bursts
 * of burst: it must conform (at most burst + per_s x elapsed in any
 * span), counted in the model.
 */
static void
model_take(struct model *m, const struct setup *su, uint32_t per_s,
		uint64_t now, const char *what, uint32_t ip)
{
	u128 t = (u128)now * per_s;
	u128 tat = m->tat > t ? m->tat : t;

	FZ_CHECK(tat - t <= (u128)(su->burst - 1) * su->hz,
		"%s: %08x let through over burst %u + %u/s at cycle %lu "
		"(hz %lu): %.3f requests early", what, ip, su->burst, per_s,
		(unsigned long)now, (unsigned long)su->hz,
		(double)(tat - t - (u128)(su->burst - 1) * su->hz) /
		(double)su->hz);
	m->tat = tat + su->hz;
}

/* The source is still spending its budget (its next request waits). */
static bool
model_spending(const struct model *m, uint32_t per_s, uint64_t now)
{
	return m->tat > (u128)now * per_s;
}

static void
read_setup(struct fz_reader *r, struct setup *su)
{
	static const uint64_t hz[] = { 1000000, 2100000000, 2500000000,
		3000000000, 1000000000, 3193000000, 999983, 4000000000 };
	static const uint32_t rate[] = { 1000, 0, 1, 10, 10000, 33333,
		1000000, 70000000 };
	static const uint32_t total[] = { 0, 3, 100, 20000, 1000000,
		100000000, 7, 65537 };
	static const uint64_t bps[] = { 0, 16000000, 1000, 100000, 1000000000,
		UINT64_C(100000000000), 30000007, 12345 };
	static const uint64_t bburst[] = { 256 * 1024, 1500, 4000, 65536,
		UINT64_C(1) << 32, 1501, 9000, 100000 };
	uint8_t b[SETUP_LEN];
	unsigned int i;

	for (i = 0; i < SETUP_LEN; i++)
		b[i] = fz_u8(r);
	memset(su, 0, sizeof(*su));
	su->hz = hz[b[0] % RTE_DIM(hz)];
	su->rate = rate[b[1] % RTE_DIM(rate)];
	su->burst = b[2] == 0 ? 4 : b[2];
	su->rate_total = total[b[3] % RTE_DIM(total)];
	su->reply_bps = bps[b[4] % RTE_DIM(bps)];
	su->reply_burst = bburst[b[5] % RTE_DIM(bburst)];
	memcpy(su->rules.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	su->rules.max_count = b[6] == 0 ? 10 : b[6];
	su->rules.max_packets = b[7] == 0 ? 1 : b[7];
	/* A prefix of 0: any source; else the client's /prefix. */
	b[8] %= 33;
	su->rules.client_mask = b[8] == 0 ? 0 : ~UINT32_C(0) << (32 - b[8]);
	su->rules.client_net = client & su->rules.client_mask;
}

/*
 * Serve a request judged served (count messages from r->seq), as
 * gen_serve.c serve_request does: frames of the store's messages until
 * count or max_packets, each spent from the budget. Returns the frames.
 */
static unsigned int
serve(const struct setup *su, const struct tw_request *r, uint32_t count,
		struct tw_reply_budget *budget, struct model *bm,
		uint64_t *bytes, uint64_t now)
{
	static uint8_t reply[FZ_FRAME_MAX + 64];
	const struct tw_pkt_tmpl *t = &tmpl[r->channel];
	uint64_t seq = r->seq;
	unsigned int pkts = 0;

	while (count > 0 && pkts < su->rules.max_packets) {
		struct tw_pkt_builder b;
		struct tw_quote q;
		uint16_t n, rlen, i;
		u128 tn, tat;

		tw_pkt_open(&b, t, reply, seq, now);
		n = tw_store_fill(store, r->channel, seq, count, &b, t);
		FZ_CHECK(n >= 1 && n <= count, "filled %u of %u", n, count);
		rlen = tw_pkt_close(&b, t, n, TW_CSUM_SOFTWARE);
		FZ_CHECK(rlen <= t->max_len, "reply %u over %u", rlen,
			t->max_len);
		FZ_CHECK(rlen == t->hdr_len + n * (TW_MOLD_BLOCK_HDR_LEN +
			TW_MSG_QUOTE_LEN), "reply length %u", rlen);
		FZ_CHECK(rte_be_to_cpu_64(((const struct tw_mold_hdr *)
			(reply + t->hdr_len - TW_MOLD_HDR_LEN))->seq) == seq,
			"reply frame's sequence");
		/* The stored messages of exactly these sequence numbers. */
		for (i = 0; i < n; i++) {
			tw_decode_quote(reply + t->hdr_len + i *
				(TW_MOLD_BLOCK_HDR_LEN + TW_MSG_QUOTE_LEN) +
				TW_MOLD_BLOCK_HDR_LEN, &q);
			FZ_CHECK(q.locate == r->channel &&
				q.bid_px == 1000000 + (int64_t)(seq + i),
				"message %lu of channel %u is not the one stored",
				(unsigned long)(seq + i), r->channel);
		}
		if (!tw_reply_budget_take(budget, rlen, now))
			break;
		*bytes += rlen;
		FZ_CHECK(budget->bytes == *bytes, "budget bytes %lu, sent %lu",
			(unsigned long)budget->bytes, (unsigned long)*bytes);
		if (su->reply_bps != 0) {
			/* Exact: units of 1 / (hz * bytes_per_s) s. */
			tn = (u128)now * su->reply_bps;
			tat = bm->tat > tn ? bm->tat : tn;
			tat += (u128)rlen * su->hz;
			FZ_CHECK(tat - tn <= (u128)su->reply_burst * su->hz,
				"reply of %u bytes at cycle %lu over the budget "
				"(%lu B/s, burst %lu, hz %lu): %.1f bytes over",
				rlen, (unsigned long)now,
				(unsigned long)su->reply_bps,
				(unsigned long)su->reply_burst,
				(unsigned long)su->hz, (double)(tat - tn -
				(u128)su->reply_burst * su->hz) /
				(double)su->hz);
			bm->tat = tat;
		}
		seq += n;
		count -= n;
		pkts++;
	}
	FZ_CHECK(pkts <= su->rules.max_packets, "%u reply packets", pkts);
	return pkts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader in = { data, size };
	struct tw_reply_budget budget;
	struct model total = { 0 }, bmodel = { 0 };
	struct setup su;
	uint64_t now = 0, bytes = 0;
	uint32_t flood = TW_IPV4(10, 128, 0, 0);

	if (store == NULL)
		setup_once();
	read_setup(&in, &su);
	tw_rate_limit_init(&rl, su.hz, su.rate, su.burst);
	tw_rate_limit_total(&rl, su.hz, su.rate_total, su.burst);
	tw_reply_budget_init(&budget, su.hz, su.reply_bps, su.reply_burst);
	nb_seen = 0;
	while (in.left >= 2) {
		uint16_t hdr = fz_u16(&in);
		uint16_t len = (uint16_t)((hdr & 0x0fff) % (FZ_FRAME_MAX + 1));
		unsigned int mode = (hdr >> 12) & 3;
		bool fix = (hdr & 0x8000) != 0, snapshot = false, allowed;
		uint32_t src = 0, count;
		uint64_t no_slot = rl.no_slot;
		struct model *sm = NULL;
		enum tw_request_verdict v;
		struct tw_request r;
		uint8_t *f;
		int rc;

		if (mode == 1)
			src = sources[fz_u8(&in) % SOURCES];
		else if (mode == 2)
			src = flood++;
		else if (mode == 3)
			src = TW_IPV4(192, 0, 2, 0) + fz_u8(&in);
		if (hdr & 0x4000) {
			uint8_t t = fz_u8(&in);

			/* 0..63 cycles, x 256, x 65536 or x 2^24. */
			now += (uint64_t)(t & 0x3f) << ((t >> 6) * 8);
		} else {
			now += 500;
		}
		if (len > in.left)
			len = (uint16_t)in.left;
		/* Exactly len bytes: ASan sees any read past the frame. */
		f = malloc(len ? len : 1);
		fz_bytes(&in, f, len);
		if (mode != 0 && len >= TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)
				(f + TW_ETH_HDR_LEN);

			ip->src_addr = rte_cpu_to_be_32(src);
			fix = true;
		}
		if (fix && len >= TW_ETH_HDR_LEN + 28)
			tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
		rc = tw_request_from_frame(f, len, FZ_REQUEST_PORT, CHANNELS,
			&r);
		if (rc == -ENOENT) {
			rc = tw_request_from_frame(f, len, FZ_SNAPSHOT_PORT,
				CHANNELS, &r);
			snapshot = true;
		}
		free(f);
		FZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL, "rc %d", rc);
		if (rc != 0)
			continue;
		FZ_CHECK(r.channel < CHANNELS, "channel %u", r.channel);
		if (snapshot) {
			count = 0;
			v = tw_request_judge_snapshot(&su.rules, &rl, &r, now);
		} else {
			v = tw_request_judge(&su.rules, &rl, &r,
				tw_store_first(store, r.channel),
				store->end[r.channel], now, &count);
		}
		/* The source first: outside the subnet, or no one host a
		 * reply could go to (0.0.0.0, 224/4, 255.255.255.255, a
		 * group MAC), it spends no rate. */
		FZ_CHECK((v == TW_REQ_BAD_SOURCE) ==
			((r.src_ip & su.rules.client_mask) !=
			 su.rules.client_net || r.src_ip == 0 ||
			 r.src_ip == UINT32_MAX || r.src_ip >= 0xe0000000u &&
			 r.src_ip < 0xf0000000u || (r.src_mac.addr_bytes[0] &
			 1) != 0), "%08x judged %s", r.src_ip,
			tw_request_verdict_name(v));
		allowed = v != TW_REQ_BAD_SOURCE && v != TW_REQ_RATE_LIMITED;
		FZ_CHECK(rl.no_slot == no_slot || v == TW_REQ_RATE_LIMITED,
			"no slot, yet %s", tw_request_verdict_name(v));
		if (v != TW_REQ_BAD_SOURCE && su.rate != 0)
			sm = model_of(r.src_ip);
		if (sm != NULL && rl.no_slot != no_slot)
			FZ_CHECK(!model_spending(sm, su.rate, now), "%08x, still "
				"spending its budget, lost its slot", r.src_ip);
		if (allowed && sm != NULL)
			model_take(sm, &su, su.rate, now, "a source", r.src_ip);
		if (allowed && su.rate_total != 0)
			model_take(&total, &su, su.rate_total, now,
				"all sources", r.src_ip);
		if (v != TW_REQ_SERVED) {
			FZ_CHECK(count == 0, "refused with a count");
			continue;
		}
		if (snapshot)
			continue;       /* answered from the ground truth */
		FZ_CHECK(count >= 1 && count <= su.rules.max_count &&
		      count <= r.count, "count %u of %u", count, r.count);
		FZ_CHECK(r.seq >= tw_store_first(store, r.channel) &&
		      r.seq + count <= store->end[r.channel],
		      "served [%lu, +%u) outside the window",
		      (unsigned long)r.seq, count);
		serve(&su, &r, count, &budget, &bmodel, &bytes, now);
	}
	return 0;
}
