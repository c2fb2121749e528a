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
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "itch.h"
#include "tw_itch.h"
#include "tw_itch_apply.h"

/*
 * The messages are applied a group at a time, each group's lines asked
 * for in two stages ahead of it: the first stage (the order's window
 * slot, the book, the cache entry: addresses from the message alone)
 * two groups ahead, the second (the level: an address from the order
 * and the book, in by then) one group ahead. Each stage runs over a
 * whole group at once, its prefetches a few instructions apart: one
 * that misses the TLB (every other one on a big day, the host's nested
 * paging makes a walk cost hundreds of ns) holds retirement until its
 * walk is done, and only walks close together in the instruction stream
 * overlap (one a message, between applies, were walked one at a time).
 */
#define GROUP 16
#define AHEAD1 (2 * GROUP)
#define AHEAD2 GROUP

/*
 * Messages framed at once (whole packets of --batch; a packet longer
 * than this is a span): their bytes stay in cache until applied.
 */
#define SPAN 2048
#define SPAN_MAX 65536          /* --batch at most */

/*
 * Messages of a buffer in day-file framing: each checked against its
 * type's size (a wrong one is counted and skipped), applied, timed by
 * batch. Returns the bytes used (a message cut at the end stays).
 */
size_t
itch_decode(struct run *r, const uint8_t *buf, size_t len)
{
	/* Past a span's last message, AHEAD1 of no book's (type 0): what
	 * the stages are given there, so they run with no bound check. */
	static const uint8_t no_book[1];
	static const uint8_t *msgs[SPAN_MAX + AHEAD1];
	static uint64_t seqs[SPAN_MAX];
	static struct tw_itch_ahead ahead[SPAN_MAX + AHEAD1];
	const struct tw_books *b = r->sink.books;
	const struct tw_cache *c = r->sink.cache;
	const uint32_t batch = r->batch;
	uint32_t span = batch >= SPAN ? batch : SPAN - SPAN % batch;
	/* Kept in registers across the span (r's fields would be stored
	 * and loaded again around every store through a pointer). */
	uint64_t seq = r->seq, last_ts = r->last_ts, ts_back = r->ts_back,
		bad_len = r->bad_len;
	size_t off = 0;

	while (len - off >= 2) {
		uint32_t n = 0, i, j, k, g, s1, s2 = 0, end, batches;
		uint64_t t0 = rte_rdtsc(), t1, frame;
		size_t start = off;
		bool levels;

		/* The span's whole messages (a wrong size: counted, out). */
		while (n < span && len - off >= 2) {
			uint16_t mlen = (uint16_t)((buf[off] << 8) |
				buf[off + 1]);
			const uint8_t *m = buf + off + 2;
			uint8_t want;
			uint64_t ts;

			if (len - off - 2 < mlen)
				break;
			off += 2 + (size_t)mlen;
			seq++;
			want = mlen != 0 ? tw_itch_len[m[0]] : 1;
			if (want != mlen && want != 0) {
				bad_len++;
				continue;
			}
			r->by_type[m[0]]++;
			/* A known type has its header (unknown: nothing past
			 * its type is read). */
			if (want != 0) {
				ts = tw_itch_timestamp(m);
				ts_back += ts < last_ts;
				last_ts = ts;
			}
			seqs[n] = seq;
			msgs[n++] = m;
		}
		if (n == 0) {
			if (off == start)
				break;
			continue;
		}
		for (i = n; i < n + AHEAD1; i++)
			msgs[i] = no_book;
		/* Framing is shared by the span's packets evenly. */
		batches = (n + batch - 1) / batch;
		t1 = rte_rdtsc();
		frame = (t1 - t0) / batches;
		r->cycles += t1 - t0 - frame * batches;
		/*
		 * Applied in order, a group at a time, each message's lines
		 * asked for in two stages ahead of its turn (see GROUP):
		 * its misses overlap those of the messages around it instead
		 * of waiting one at a time. Each stage goes as far as the
		 * group applied next needs (s1, s2: the first message it has
		 * not seen), so a batch's short last group (a --batch not a
		 * multiple of GROUP) asks for no line twice.
		 */
		levels = !tw_itch_books_cached(b);
		for (s1 = 0; s1 < AHEAD1; s1++)
			tw_itch_prefetch_at(b, c, msgs[s1], &ahead[s1]);
		for (s2 = 0; levels && s2 < AHEAD2; s2++)
			tw_itch_prefetch_levels(b, &ahead[s2]);
		for (i = 0; i < n; i = end) {
			uint64_t t, dt;

			end = RTE_MIN(i + batch, n);
			for (k = i; k < end; k += g) {
				g = RTE_MIN((uint32_t)GROUP, end - k);
				for (; s1 < k + g + AHEAD1; s1++)
					tw_itch_prefetch_at(b, c, msgs[s1],
						&ahead[s1]);
				for (; levels && s2 < k + g + AHEAD2; s2++)
					tw_itch_prefetch_levels(b, &ahead[s2]);
				for (j = k; j < k + g; j++)
					tw_itch_apply(&r->sink, msgs[j],
						seqs[j], 0);
			}
			t = rte_rdtsc();
			dt = t - t1 + frame;
			r->cycles += dt;
			tw_hist_record(&r->per_batch,
				tw_clock_cycles_ns(&r->clk, dt));
			t1 = t;
		}
		r->msgs += n;
	}
	r->seq = seq;
	r->last_ts = last_ts;
	r->ts_back = ts_back;
	r->bad_len = bad_len;
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

/*
 * A plain day file in a regular file: mapped and decoded in place, no
 * copy (a warm 1.5 GB file: about 0.13 s mapped against 0.26 s read).
 * 1 when it is not one (gzip, a pipe, empty: read through zlib), 0
 * done, -1 said.
 */
static int
decode_mapped(struct run *r, const char *path)
{
	static const uint8_t gz_magic[2] = { 0x1f, 0x8b };
	uint8_t head[2];
	struct stat st;
	const char *why;
	size_t used;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 1;       /* zlib says why */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 2 ||
	    pread(fd, head, 2, 0) != 2 || memcmp(head, gz_magic, 2) == 0) {
		close(fd);
		return 1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 1;
	madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	why = not_itch(p, RTE_MIN((size_t)st.st_size, (size_t)1 << 22));
	if (why != NULL) {
		fprintf(stderr, "tickwire-itch: %s: not an ITCH 5.0 day file: "
			"%s\n", path, why);
		munmap(p, (size_t)st.st_size);
		return -1;
	}
	used = itch_decode(r, p, (size_t)st.st_size);
	r->cut_bytes = (size_t)st.st_size - used;
	if (r->cut_bytes != 0)
		fprintf(stderr, "tickwire-itch: %s: %zu bytes at the end are "
			"no whole message\n", path, (size_t)r->cut_bytes);
	munmap(p, (size_t)st.st_size);
	return 0;
}

int
itch_decode_file(struct run *r, const char *path)
{
	gzFile z;
	size_t cap = 1 << 22, have = 0, used;
	bool first = true;
	uint8_t *buf;
	int n = decode_mapped(r, path);

	if (n <= 0)
		return n;
	z = gzopen(path, "rb");
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
