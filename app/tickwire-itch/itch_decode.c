/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-itch's decoder: messages in day-file framing (a 2-byte
 * big-endian length, then the message), each checked against its type's
 * size and applied to the books through tw_itch_apply, as the RX lcores
 * do, with the books' and cache's lines asked for ahead; timed per
 * batch. And a day file read through it (gzip or not), refused by name
 * first when it is no ITCH 5.0 day file. Never opens a report file and
 * never says what it counted (itch_report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "itch.h"
#include "tw_itch.h"
#include "tw_itch_apply.h"

/* How many messages ahead of the one applied their lines are asked for. */
#define AHEAD 8

/*
 * Messages of a buffer in day-file framing: each checked against its
 * type's size (a wrong one is counted and skipped), applied, timed by
 * batch. Returns the bytes used (a message cut at the end stays).
 */
size_t
itch_decode(struct run *r, const uint8_t *buf, size_t len)
{
	static const uint8_t *msgs[65536];
	static uint64_t seqs[65536];
	const struct tw_books *b = r->sink.books;
	const struct tw_cache *c = r->sink.cache;
	size_t off = 0;

	while (len - off >= 2) {
		uint32_t n = 0, i;
		uint64_t t0 = rte_rdtsc(), dt;
		size_t start = off;

		/* The batch's whole messages (a wrong size: counted, out). */
		while (n < r->batch && len - off >= 2) {
			uint16_t mlen = (uint16_t)((buf[off] << 8) |
				buf[off + 1]);
			const uint8_t *m = buf + off + 2;

			if (len - off - 2 < mlen)
				break;
			off += 2 + (size_t)mlen;
			r->seq++;
			if (mlen == 0 || (tw_itch_len[m[0]] != 0 &&
					  tw_itch_len[m[0]] != mlen)) {
				r->bad_len++;
				continue;
			}
			seqs[n] = r->seq;
			msgs[n++] = m;
		}
		/*
		 * Applied in order, each message's lines asked for AHEAD
		 * messages before its turn: enough to overlap the misses,
		 * few enough not to overrun the core's miss buffers.
		 */
		for (i = 0; i < n && i < AHEAD; i++)
			tw_itch_prefetch(b, c, msgs[i]);
		for (i = 0; i < n && i < AHEAD / 2; i++)
			tw_itch_prefetch_levels(b, c, msgs[i]);
		for (i = 0; i < n; i++) {
			/* Two stages: the order and the book first, its
			 * levels once those are in. */
			if (i + AHEAD < n)
				tw_itch_prefetch(b, c, msgs[i + AHEAD]);
			if (i + AHEAD / 2 < n)
				tw_itch_prefetch_levels(b, c,
					msgs[i + AHEAD / 2]);
			r->by_type[msgs[i][0]]++;
			tw_itch_apply(&r->sink, msgs[i], seqs[i], 0);
		}
		dt = rte_rdtsc() - t0;
		if (n == 0) {
			if (off == start)
				return start;
			continue;
		}
		r->cycles += dt;
		r->msgs += n;
		tw_hist_record(&r->per_batch, tw_clock_cycles_ns(&r->clk, dt));
	}
	return off;
}

/* Whole messages a day file must open with (or all it has). */
#define CHECKED_MSGS 16

/*
 * Why buf (a file's first bytes, decompressed) is no ITCH 5.0 day file,
 * or NULL. A day file opens with whole messages, each a 2-byte
 * big-endian length equal to its type's size; another file (a capture,
 * text, a truncated download) is refused by name before a byte is
 * decoded, not counted as thousands of wrong lengths.
 */
static const char *
not_itch(const uint8_t *buf, size_t len)
{
	static const uint8_t pcap[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },
		{ 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },
	};
	static const uint8_t pcapng[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	static char why[128];
	size_t off = 0;
	unsigned int n, i;

	if (len == 0)
		return "it is empty";
	for (i = 0; len >= 4 && i < RTE_DIM(pcap); i++)
		if (memcmp(buf, pcap[i], 4) == 0)
			return "it is a pcap capture";
	if (len >= 4 && memcmp(buf, pcapng, 4) == 0)
		return "it is a pcapng capture";
	for (n = 0; n < CHECKED_MSGS && len - off >= 2; n++) {
		uint16_t mlen = (uint16_t)((buf[off] << 8) | buf[off + 1]);
		uint8_t type;

		if (len - off - 2 < mlen)
			break;
		type = mlen != 0 ? buf[off + 2] : 0;
		if (mlen == 0 || tw_itch_len[type] != mlen) {
			if (mlen == 0)
				snprintf(why, sizeof(why), "message %u has "
					"length 0", n + 1);
			else if (tw_itch_len[type] == 0)
				snprintf(why, sizeof(why), "message %u (length "
					"%u) has type 0x%02x, no ITCH 5.0 type",
					n + 1, mlen, type);
			else
				snprintf(why, sizeof(why), "message %u, type "
					"'%c', has length %u, not %u", n + 1,
					type, mlen, tw_itch_len[type]);
			return why;
		}
		off += 2 + (size_t)mlen;
	}
	if (n == 0)
		return "it has no whole message (2-byte length, then the "
			"message)";
	return NULL;
}

int
itch_decode_file(struct run *r, const char *path)
{
	gzFile z = gzopen(path, "rb");
	size_t cap = 1 << 22, have = 0, used;
	bool first = true;
	uint8_t *buf;
	int n;

	if (z == NULL) {
		fprintf(stderr, "tickwire-itch: %s: %s\n", path,
			strerror(errno ? errno : ENOENT));
		return -1;
	}
	buf = malloc(cap);
	if (buf == NULL)
		return -1;
	gzbuffer(z, 1 << 20);
	for (;;) {
		n = gzread(z, buf + have, (unsigned int)(cap - have));
		if (n < 0)
			break;
		have += (size_t)n;
		/* The first read holds the file's first 4 MB, or all of it. */
		if (first) {
			const char *why = not_itch(buf, have);

			first = false;
			if (why != NULL) {
				fprintf(stderr, "tickwire-itch: %s: not an ITCH "
					"5.0 day file: %s\n", path, why);
				gzclose(z);
				free(buf);
				return -1;
			}
		}
		if (n == 0)
			break;
		used = itch_decode(r, buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (n < 0) {
		int e;

		fprintf(stderr, "tickwire-itch: %s: %s\n", path,
			gzerror(z, &e));
		gzclose(z);
		free(buf);
		return -1;
	}
	r->cut_bytes = have;
	if (have != 0)
		fprintf(stderr, "tickwire-itch: %s: %zu bytes at the end are "
			"no whole message\n", path, have);
	gzclose(z);
	free(buf);
	return 0;
}
