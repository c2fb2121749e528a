/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes the seed corpus of the RX harnesses (tests/fuzz/corpus/): a
 * few inputs in each harness's record format, built with the
 * generator's own frame builder, so fuzzing starts from frames tickwire
 * really sends (directory, quotes, trades, heartbeat, end of session)
 * and mutates from there. Run by hand when the formats change:
 *   build-fuzz/tests/fuzz/tw-fuzz-mkseeds tests/fuzz/corpus
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_rx.h"

static uint8_t out[1 << 15];
static size_t out_len;

static void
put(const void *p, size_t n)
{
	if (out_len + n > sizeof(out))
		abort();
	memcpy(out + out_len, p, n);
	out_len += n;
}

static void
put_u8(uint8_t v)
{
	put(&v, 1);
}

static void
put_u16(uint16_t v)
{
	put_u8(v >> 8);
	put_u8(v & 0xff);
}

static void
save(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(out, 1, out_len, f) != out_len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	out_len = 0;
}

/* A frame of ch at seq: a directory, a quote asking for an order and a
 * trade for symbols of the channel. */
static uint16_t
mixed_frame(uint8_t *buf, uint16_t ch, uint64_t seq)
{
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct tw_directory d = { .locate = ch, .price_decimals = 4 };
	struct tw_quote q = tt_quote(ch, 5);
	struct tw_trade tr = { .locate = ch + TT_CHANNELS, .size = 300,
		.price = 1000050, .send_ns = 900 };

	snprintf(d.ticker, sizeof(d.ticker), "S%02u     ", ch);
	q.reply_id = 3;
	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&t, &fp, ch);
	tw_pkt_open(&b, &t, buf, seq, 0);
	tw_encode_directory(tw_pkt_reserve(&b, &t, TW_MSG_DIRECTORY_LEN), &d);
	tw_encode_quote(tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN), &q);
	tw_encode_trade(tw_pkt_reserve(&b, &t, TW_MSG_TRADE_LEN), &tr);
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

static void
frame_record(const uint8_t *f, uint16_t len, uint8_t sel)
{
	put_u8(sel);
	put_u16(len);
	put(f, len);
}

/* The UDP payload of an untagged frame, as a datagram record. */
static void
datagram_record(const uint8_t *f, uint16_t len, uint16_t ch)
{
	uint16_t off = TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN;

	put_u8((uint8_t)ch);
	put_u16(len - off);
	put(f + off, len - off);
}

int
main(int argc, char **argv)
{
	static uint8_t f[FZ_FRAME_MAX];
	char dir[512];
	uint16_t len, ch;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	/* fuzz_frame: a clean session per channel, then one of each kind. */
	snprintf(dir, sizeof(dir), "%s/fuzz_frame", argv[1]);
	put_u8(0x80);
	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = mixed_frame(f, ch, 1);
		frame_record(f, len, ch == 3 ? 0x85 : 0);
		len = tt_quote_frame(f, 0, ch, 4, 3, 7);
		frame_record(f, len, 0);
		len = tt_control_frame(f, ch, 7, TW_MOLD_COUNT_HEARTBEAT);
		frame_record(f, len, 0);
		len = tt_control_frame(f, ch, 7, TW_MOLD_COUNT_END_OF_SESSION);
		frame_record(f, len, 0x90);
	}
	save(dir, "session");
	put_u8(0x80 | FZ_OPT_AUTO | FZ_OPT_SHARE);
	len = tt_quote_frame(f, 0, 1, 1, 5, 0);
	frame_record(f, len, 0);
	frame_record(f, len, 0x85);     /* a duplicate, checksums verified */
	len = tt_quote_frame(f, 0, 1, UINT64_C(1) << 40, 2, 0);
	frame_record(f, len, 0);
	save(dir, "auto-shared");
	put_u8(0x80 | FZ_OPT_VLAN);
	len = tt_quote_frame(f, 7, 2, 1, 4, 1);
	frame_record(f, len, 0);
	save(dir, "vlan");
	/* fuzz_datagram: the same payloads. */
	snprintf(dir, sizeof(dir), "%s/fuzz_datagram", argv[1]);
	put_u8(0);
	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = mixed_frame(f, ch, 1);
		datagram_record(f, len, ch);
		len = tt_control_frame(f, ch, 4, TW_MOLD_COUNT_HEARTBEAT);
		datagram_record(f, len, ch | 0x80);
		len = tt_control_frame(f, ch, 4, TW_MOLD_COUNT_END_OF_SESSION);
		datagram_record(f, len, ch);
	}
	save(dir, "session");
	return 0;
}
