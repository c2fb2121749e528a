/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: what reaches the generator's request server from
 * the network, frame by frame: tw_request_from_frame, the server's rules
 * (tw_request_judge with a per-source rate) and, for what is served,
 * the store's fill into a reply frame.
 *
 * Input: records of a 2-byte length and the frame bytes (bit 15 of the
 * length: recompute the IPv4 and UDP checksums, so mutations reach the
 * MoldUDP64 header). A small store holds channel c's messages [40, 104).
 *
 * Invariants: a request is recognised only on ports 30100..30103 and
 * read only inside the frame; what is served lies inside the store's
 * window and the count asked, never over max_count; every reply frame
 * fits its MTU and carries as many blocks as its count says.
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

static struct tw_store *store;
static struct tw_pkt_tmpl tmpl[CHANNELS];

/* Channel c's messages FIRST.. in the store: quotes, one to a frame. */
static void
setup(void)
{
	static uint8_t f[FZ_FRAME_MAX];
	struct tw_frame_params fp;
	void *mem = aligned_alloc(64, tw_store_memsize(CHANNELS, STORED));
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t reply[FZ_FRAME_MAX + 64];
	struct tw_request_rules rules = { .max_count = 10 };
	struct tw_rate_limit rl;
	uint64_t now = 0;

	if (store == NULL)
		setup();
	memcpy(rules.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	tw_rate_limit_init(&rl, 1000000, 1000, 4);
	while (size >= 2) {
		uint16_t hdr = (uint16_t)(data[0] << 8 | data[1]);
		uint16_t len = (uint16_t)((hdr & 0x7fff) % (FZ_FRAME_MAX + 1));
		struct tw_request r;
		uint32_t count;
		int rc;

		data += 2;
		size -= 2;
		if (len > size)
			len = (uint16_t)size;
		/* Exactly len bytes: ASan sees any read past the frame. */
		uint8_t *f = malloc(len ? len : 1);

		memcpy(f, data, len);
		data += len;
		size -= len;
		if ((hdr & 0x8000) && len >= TW_ETH_HDR_LEN + 28)
			tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
		rc = tw_request_from_frame(f, len, 30100, CHANNELS, &r);
		free(f);
		FZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL, "rc %d", rc);
		now += 500;
		if (rc != 0)
			continue;
		FZ_CHECK(r.channel < CHANNELS, "channel %u", r.channel);
		if (tw_request_judge(&rules, &rl, &r, tw_store_first(store,
				r.channel), store->end[r.channel], now, &count) !=
		    TW_REQ_SERVED) {
			FZ_CHECK(count == 0, "refused with a count");
			continue;
		}
		FZ_CHECK(count >= 1 && count <= rules.max_count &&
		      count <= r.count, "count %u of %u", count, r.count);
		FZ_CHECK(r.seq >= tw_store_first(store, r.channel) &&
		      r.seq + count <= store->end[r.channel],
		      "served [%lu, +%u) outside the window",
		      (unsigned long)r.seq, count);
		{
			struct tw_pkt_builder b;
			const struct tw_pkt_tmpl *t = &tmpl[r.channel];
			uint16_t n, rlen;

			tw_pkt_open(&b, t, reply, r.seq, 0);
			n = tw_store_fill(store, r.channel, r.seq, count, &b, t);
			FZ_CHECK(n >= 1 && n <= count, "filled %u of %u", n, count);
			rlen = tw_pkt_close(&b, t, n, TW_CSUM_SOFTWARE);
			FZ_CHECK(rlen <= t->max_len, "reply %u over %u", rlen,
				t->max_len);
			FZ_CHECK(rlen == t->hdr_len + n * (TW_MOLD_BLOCK_HDR_LEN +
				TW_MSG_QUOTE_LEN), "reply length %u", rlen);
		}
	}
	return 0;
}
