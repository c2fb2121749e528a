/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-itch: an ITCH 5.0 day file (NASDAQ's framing: a 2-byte
 * big-endian length, then the message; gzip or not) through the same
 * decoder and books the RX lcores use (tw_itch_apply), on one core, no
 * ports, no EAL. What it prints and writes: messages by type, what the
 * books refused and why, the books at the end (--dump-books, the cache
 * as the RX lcores show it with --dump-cache), and the time decode +
 * book took, on average and per packet of --batch messages.
 *
 * --generate N decodes a synthetic day instead: tickwire's own market
 * model (lib/itch) makes N ticks in memory, chunk by chunk, and only the
 * decoding is timed. --write FILE also writes that day as a day file.
 *
 * Exit status, as tickwire's: 0 every message applied, 1 it could not
 * run (a file that cannot be read or is no ITCH 5.0 day file, no
 * memory), 2 a usage error, 3 it ran but the data is not whole (book
 * operations refused, messages of a wrong length or unknown type, a
 * message cut at the end); --accept-loss makes 3 a 0.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "tw_book.h"
#include "tw_cache.h"
#include "tw_clock.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_itch.h"
#include "tw_outfile.h"
#include "tw_itch_apply.h"
#include "tw_itch_gen.h"
#include "tw_stats.h"

struct opts {
	const char *file;
	uint64_t generate;
	uint32_t symbols;
	uint32_t orders_per_symbol;
	uint64_t seed;
	uint64_t max_orders;
	uint32_t levels;
	uint32_t batch;
	bool accept_loss;
	const char *dump_cache, *dump_books, *json, *write;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: tickwire-itch [options] FILE\n"
		"       tickwire-itch [options] --generate TICKS\n"
		"Decodes an ITCH 5.0 day file (2-byte length + message, plain or "
		"gzip)\nthrough tickwire's decoder and order books, on one "
		"core.\n\n"
		"  --generate N           a synthetic day of N ticks from "
		"tickwire's model\n"
		"  --symbols N            its symbols (1000); also the books' "
		"size for a file\n"
		"                         (a file's stock locates must be at "
		"most N)\n"
		"  --orders-per-symbol K  its resting orders a symbol (64)\n"
		"  --seed S               its seed (1)\n"
		"  --write FILE           write the synthetic day as a day file\n"
		"  --max-orders N         the books' order store (2^22)\n"
		"  --levels N             the books' price levels (2^22)\n"
		"  --batch N              messages a timed packet (32)\n"
		"  --dump-cache FILE      top of book per symbol, as tickwire's "
		"--dump-cache\n"
		"  --dump-books FILE      every book, as tickwire's "
		"--dump-books\n"
		"  --json FILE            the figures as JSON\n"
		"  --accept-loss          exit 0, not 3, when the data is not "
		"whole\n"
		"  --version, --help\n"
		"Exit status: 0 every message applied, 1 could not run (a file "
		"that is no\nITCH 5.0 day file), 2 usage, 3 the data is not "
		"whole (book operations\nrefused, wrong lengths, unknown "
		"types, a message cut at the end).\n");
}

/*
 * Memory for the books: anonymous, in transparent huge pages where the
 * kernel gives them (an order table of millions of slots on 4 KB pages
 * costs a TLB miss a lookup). NULL when there is none.
 */
static void *
big_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);
	return p;
}

/* ---- the decoder, timed per batch ---- */

struct run {
	struct tw_itch_sink sink;
	struct tw_rx_counters ctr;
	struct tw_hist per_batch;       /* ns a batch */
	struct tw_clock clk;
	uint64_t msgs, by_type[256], bad_len, cycles;
	uint64_t cut_bytes;     /* at the end, no whole message */
	uint64_t seq;
	uint32_t batch;
};

/*
 * Messages of a buffer in day-file framing: each checked against its
 * type's size (a wrong one is counted and skipped), applied, timed by
 * batch. Returns the bytes used (a message cut at the end stays).
 */
/* How many messages ahead of the one applied their lines are asked for. */
#define AHEAD 8

static size_t
decode(struct run *r, const uint8_t *buf, size_t len)
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

static int
decode_file(struct run *r, const char *path)
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
		used = decode(r, buf, have);
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

/* ---- a synthetic day from tickwire's model ---- */

static uint8_t frame_buf[TW_FRAME_HDR_MAX + 9000];

static uint8_t *
frame_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	*handle = frame_buf;
	return frame_buf;
}

static void
frame_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(handle);
	RTE_SET_USED(ch);
	RTE_SET_USED(len);
	RTE_SET_USED(msgs);
}

static int
decode_generated(struct run *r, const struct opts *o)
{
	const uint16_t nb_ch = 8;
	struct tw_gen_params gp = {
		.nb_symbols = o->symbols, .nb_channels = nb_ch,
		.seed = o->seed, .quote_pct = 70,
		.activity = TW_ACTIVITY_UNIFORM, .drift = 0.05,
		.volatility = 0.2, .dt = 1.0 / (252.0 * 23400.0),
		.init_price = 100.0, .price_decimals = 4, .zipf_s = 1,
	};
	struct tw_itch_gen_params ip = {
		.nb_symbols = o->symbols, .nb_channels = nb_ch,
		.orders_per_symbol = o->orders_per_symbol, .depth = 10,
		.mix = { 50, 30, 6, 8, 4, 2 }, .hash_key = o->seed,
	};
	struct tw_frame_params fp = {
		.group_base = 0xef010101, .src_port = 30000,
		.dst_port = 30001, .mtu = 1500, .ttl = 1,
		.session = "TWITCHDAY ",
	};
	const struct tw_frame_src src = {
		.get = frame_get, .put = frame_put,
	};
	struct tw_pkt_tmpl *tmpl = calloc(nb_ch, sizeof(*tmpl));
	struct tw_framer_chan *chans = calloc(nb_ch, sizeof(*chans));
	struct tw_gen_sched *sched = malloc(sizeof(*sched));
	void *gmem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_gen_memsize(&gp), 64));
	void *imem = big_alloc(tw_itch_gen_memsize(&ip));
	struct tw_gen_counters gctr = { 0 };
	uint16_t all[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, c;
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_itch_gen *ig;
	static struct tw_outfile wout;
	char err[PATH_MAX + 128];
	FILE *mem, *out = NULL;
	char *chunk = NULL;
	size_t chunk_len = 0, used;
	uint64_t done = 0, ns = UINT64_C(9) * 3600 * 1000000000;

	if (tmpl == NULL || chans == NULL || sched == NULL || gmem == NULL ||
	    imem == NULL)
		return -1;
	ig = tw_itch_gen_init(imem, &ip);
	em = (struct tw_emitter){
		.fr = &fr, .gen = tw_gen_init(gmem, &gp), .sched = sched,
		.ctr = &gctr, .proto_state = ig,
	};
	if (ig == NULL || em.gen == NULL) {
		fprintf(stderr, "tickwire-itch: --symbols %u, "
			"--orders-per-symbol %u: unusable\n", o->symbols,
			o->orders_per_symbol);
		return -1;
	}
	{
		char err[128];
		bool capped;
		int level = tw_simd_resolve(TW_SIMD_AUTO, 0, &capped, err,
			sizeof(err));

		if (level >= 0)
			tw_gen_set_simd(em.gen, (enum tw_simd)level);
	}
	for (c = 0; c < nb_ch; c++)
		tw_pkt_tmpl_init(&tmpl[c], &fp, c);
	tw_gen_sched_init(sched, em.gen, all, nb_ch, o->generate);
	tw_framer_init(&fr, tmpl, chans, nb_ch, TW_CSUM_OFFLOAD, &src, &gctr);
	if (o->write != NULL) {
		/* tickwire's rules for a report file (lib/stats). */
		if (tw_outfile_open(&wout, o->write, err, sizeof(err)) != 0) {
			fprintf(stderr, "tickwire-itch: --write %s\n", err);
			return -1;
		}
		out = wout.f;
	}
	mem = open_memstream(&chunk, &chunk_len);
	if (mem == NULL)
		return -1;
	ig->out = mem;
	tw_itch_emit_open(&em, 0, ns);
	for (;;) {
		uint64_t n = RTE_MIN(o->generate - done, (uint64_t)1 << 20);

		while (n > 0) {
			unsigned int k = (unsigned int)RTE_MIN(n,
				(uint64_t)TW_GEN_BATCH);

			tw_itch_emit_ticks(&em, k, 0, 0, ns, 1000);
			ns += 1000 * (uint64_t)k;
			n -= k;
		}
		done = gctr.ticks;
		if (done >= o->generate)
			tw_itch_emit_close(&em, 0, ns);
		fflush(mem);
		if (out != NULL && fwrite(chunk, 1, chunk_len, out) !=
		    chunk_len) {
			tw_outfile_discard(&wout);
			return -1;
		}
		used = decode(r, (const uint8_t *)chunk, chunk_len);
		if (used != chunk_len)
			return -1;
		rewind(mem);
		if (done >= o->generate)
			break;
	}
	fclose(mem);
	free(chunk);
	if (out != NULL && tw_outfile_close(&wout, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-itch: --write %s\n", err);
		return -1;
	}
	printf("generated: %s ticks on %s symbols (at most %s orders "
		"resting a symbol), peak %s orders resting\n", tw_grp(gctr.ticks),
		tw_grp(o->symbols), tw_grp(o->orders_per_symbol),
		tw_grp(ig->books->peak));
	return 0;
}

/* ---- report ---- */

static uint64_t
refused_total(const struct run *r)
{
	uint64_t n = 0;
	unsigned int v;

	for (v = 1; v < TW_BOOK_VERDICTS; v++)
		n += r->ctr.book_refused[v];
	return n;
}

/* Every message of the input applied as it came: nothing refused,
 * skipped or cut. */
static bool
whole(const struct run *r)
{
	return refused_total(r) == 0 && r->bad_len == 0 &&
		r->ctr.unknown_msgs == 0 && r->cut_bytes == 0;
}

static void
report(const struct run *r, const struct tw_books *b, FILE *f, bool json)
{
	struct tw_hist_summary s;
	double ns_msg = r->msgs ? (double)tw_clock_cycles_ns(&r->clk,
		r->cycles) / (double)r->msgs : 0;
	unsigned int t, v;
	bool first = true;

	tw_hist_summarize(&r->per_batch, &s);
	if (!json) {
		fprintf(f, "messages: %s (", tw_grp(r->msgs));
		for (t = 0; t < 256; t++)
			if (r->by_type[t] != 0) {
				fprintf(f, "%s%c %s", first ? "" : ", ", t,
					tw_grp(r->by_type[t]));
				first = false;
			}
		fprintf(f, "), %s with a wrong length\n", tw_grp(r->bad_len));
		fprintf(f, "books: %s messages applied, %s other types, %s "
			"unknown types; refused:", tw_grp(r->ctr.book_msgs),
			tw_grp(r->ctr.other_msgs), tw_grp(r->ctr.unknown_msgs));
		for (v = 1; v < TW_BOOK_VERDICTS; v++)
			fprintf(f, " %s %s", tw_book_verdict_name(v),
				tw_grp(r->ctr.book_refused[v]));
		fprintf(f, "\norders resting: %s at the end, %s at the peak\n",
			tw_grp(b->live), tw_grp(b->peak));
		fprintf(f, "decode + book: %.2f ns a message on average; per "
			"packet of %u: p50 %" PRIu64 " ns, p99 %" PRIu64
			" ns, max %" PRIu64 " ns (%s packets)\n",
			ns_msg, r->batch, s.p50, s.p99, s.max, tw_grp(s.count));
		if (!whole(r))
			fprintf(f, "NOT WHOLE: %s book operations refused, %s "
				"messages of a wrong length, %s of unknown "
				"types, %s bytes cut at the end\n",
				tw_grp(refused_total(r)), tw_grp(r->bad_len),
				tw_grp(r->ctr.unknown_msgs), tw_grp(r->cut_bytes));
		return;
	}
	fprintf(f, "{\n  \"messages\": %" PRIu64 ",\n  \"by_type\": {",
		r->msgs);
	for (t = 0; t < 256; t++)
		if (r->by_type[t] != 0) {
			fprintf(f, "%s\"%c\": %" PRIu64, first ? "" : ", ", t,
				r->by_type[t]);
			first = false;
		}
	fprintf(f, "},\n  \"wrong_length\": %" PRIu64 ",\n  \"book_messages\": "
		"%" PRIu64 ",\n  \"other_messages\": %" PRIu64 ",\n"
		"  \"unknown_messages\": %" PRIu64 ",\n  \"refused\": {",
		r->bad_len, r->ctr.book_msgs, r->ctr.other_msgs,
		r->ctr.unknown_msgs);
	for (v = 1; v < TW_BOOK_VERDICTS; v++)
		fprintf(f, "%s\"%s\": %" PRIu64, v > 1 ? ", " : "",
			tw_book_verdict_name(v), r->ctr.book_refused[v]);
	fprintf(f, "},\n  \"refused_total\": %" PRIu64 ",\n"
		"  \"bytes_cut_at_end\": %" PRIu64 ",\n  \"whole\": %s,\n",
		refused_total(r), r->cut_bytes, whole(r) ? "true" : "false");
	fprintf(f, "  \"orders_resting_end\": %" PRIu64 ",\n"
		"  \"orders_resting_peak\": %" PRIu64 ",\n"
		"  \"ns_per_message\": %.3f,\n  \"batch\": %u,\n"
		"  \"per_packet_ns\": { \"count\": %" PRIu64 ", \"p50\": %" PRIu64
		", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p99_9\": %"
		PRIu64 ", \"max\": %" PRIu64 ", \"mean\": %.1f }\n}\n",
		b->live, b->peak, ns_msg, r->batch, s.count, s.p50, s.p90,
		s.p99, s.p999, s.max, s.mean);
}

/* The report files, opened (checked) before the work, written after. */
enum { OUT_JSON, OUT_BOOKS, OUT_CACHE, OUT_MAX };
static struct tw_outfile outs[OUT_MAX];

static int
open_outs(const char *const *paths)
{
	char err[PATH_MAX + 128];
	unsigned int i, dash = 0;

	for (i = 0; i < OUT_MAX; i++)
		dash += tw_outfile_is_stdout(paths[i]);
	if (dash > 1) {
		fprintf(stderr, "tickwire-itch: '-' (standard output) names "
			"more than one report\n");
		return -EINVAL;
	}
	/* A report on standard output: everything else to stderr. */
	if (dash == 1 && tw_outfile_claim_stdout() != 0)
		return -1;
	for (i = 0; i < OUT_MAX; i++)
		if (tw_outfile_open(&outs[i], paths[i], err,
				sizeof(err)) != 0) {
			fprintf(stderr, "tickwire-itch: %s\n", err);
			while (i-- > 0)
				tw_outfile_discard(&outs[i]);
			return -1;
		}
	return 0;
}

static int
write_out(unsigned int i, int (*fn)(const void *, FILE *), const void *x)
{
	char err[PATH_MAX + 128];

	if (outs[i].f == NULL)
		return 0;
	/* tickwire's rules for a report file (lib/stats). */
	if (tw_outfile_close(&outs[i], fn(x, outs[i].f), err,
			sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-itch: %s\n", err);
		return -1;
	}
	return 0;
}

static int
json_out(const void *x, FILE *f)
{
	const struct run *r = x;

	report(r, r->sink.books, f, true);
	return ferror(f) ? -EIO : 0;
}

static int
books_csv(const void *b, FILE *f)
{
	return tw_books_dump_csv(b, f);
}

static int
cache_csv(const void *c, FILE *f)
{
	struct tw_cache *cache = (struct tw_cache *)(uintptr_t)c;

	return tw_cache_dump_csv(&cache, 1, f);
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno != 0 || end == s || *end != '\0' || s[0] == '-' ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "generate", required_argument, NULL, 'g' },
		{ "symbols", required_argument, NULL, 's' },
		{ "orders-per-symbol", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 'S' },
		{ "write", required_argument, NULL, 'w' },
		{ "max-orders", required_argument, NULL, 'm' },
		{ "levels", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'b' },
		{ "dump-cache", required_argument, NULL, 'c' },
		{ "dump-books", required_argument, NULL, 'B' },
		{ "json", required_argument, NULL, 'j' },
		{ "accept-loss", no_argument, NULL, 'a' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.symbols = 1000, .orders_per_symbol = 64, .seed = 1,
		.max_orders = UINT64_C(1) << 22, .levels = 1u << 22,
		.batch = 32,
	};
	struct tw_book_params bp;
	struct run *r;
	void *bmem, *cmem;
	uint64_t v = 0;
	int opt, rc;

	opterr = 0;     /* one line of ours instead */
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == 'V') {
			printf("tickwire-itch %s\n", TW_VERSION);
			return 0;
		}
		if (opt == '?') {
			fprintf(stderr, "tickwire-itch: %s: unknown option, or "
				"its value is missing (--help for usage)\n",
				argv[optind - 1]);
			return 2;
		}
		if (strchr("gskSmlb", opt) != NULL &&
		    parse_u64(optarg, &v) != 0) {
			fprintf(stderr, "tickwire-itch: --%s: '%s' is not an "
				"unsigned integer\n", lo[opt == 'g' ? 0 :
				opt == 's' ? 1 : opt == 'k' ? 2 : opt == 'S' ?
				3 : opt == 'm' ? 5 : opt == 'l' ? 6 : 7].name,
				optarg);
			return 2;
		}
		switch (opt) {
		case 'g': o.generate = v; break;
		case 's': o.symbols = (uint32_t)RTE_MIN(v, (uint64_t)65534);
			break;
		case 'k': o.orders_per_symbol = (uint32_t)RTE_MIN(v,
				(uint64_t)65536);
			break;
		case 'S': o.seed = v; break;
		case 'm': o.max_orders = v; break;
		case 'l': o.levels = (uint32_t)RTE_MIN(v, (uint64_t)1 << 30);
			break;
		case 'b': o.batch = (uint32_t)RTE_MAX(RTE_MIN(v,
				(uint64_t)65536), (uint64_t)1);
			break;
		case 'w': o.write = optarg; break;
		case 'c': o.dump_cache = optarg; break;
		case 'B': o.dump_books = optarg; break;
		case 'j': o.json = optarg; break;
		case 'a': o.accept_loss = true; break;
		}
	}
	if (optind < argc)
		o.file = argv[optind++];
	if ((o.file == NULL) == (o.generate == 0) || optind < argc) {
		fprintf(stderr, "tickwire-itch: give a day file or --generate "
			"N (one of them)\n");
		usage(stderr);
		return 2;
	}
	if (o.write != NULL && o.generate == 0) {
		fprintf(stderr, "tickwire-itch: --write goes with --generate\n");
		return 2;
	}
	{
		const char *const paths[OUT_MAX] = { o.json, o.dump_books,
			o.dump_cache };

		/* A path that cannot be written stops it before any work. */
		rc = open_outs(paths);
		if (rc != 0)
			return rc == -EINVAL ? 2 : 1;
	}
	bp = (struct tw_book_params){
		.nb_symbols = o.symbols, .max_orders = o.max_orders,
		.pool_levels = o.levels, .hash_key = rte_rdtsc() ^ o.seed,
	};
	r = calloc(1, sizeof(*r));
	bmem = big_alloc(tw_books_memsize(&bp));
	cmem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_cache_memsize(o.symbols),
		64));
	if (r == NULL || bmem == NULL || cmem == NULL) {
		fprintf(stderr, "tickwire-itch: no memory for %s orders and "
			"%u levels\n", tw_grp(o.max_orders), o.levels);
		return 1;
	}
	r->sink.books = tw_books_init(bmem, &bp);
	r->sink.cache = tw_cache_init(cmem, o.symbols, 0);
	r->sink.ctr = &r->ctr;
	r->batch = o.batch;
	if (r->sink.books == NULL || r->sink.cache == NULL) {
		fprintf(stderr, "tickwire-itch: --max-orders, --levels: "
			"unusable\n");
		return 2;
	}
	tw_hist_init(&r->per_batch);
	tw_clock_init(&r->clk, 50);
	rc = o.generate != 0 ? decode_generated(r, &o) :
		decode_file(r, o.file);
	if (rc != 0) {
		for (rc = 0; rc < OUT_MAX; rc++)
			tw_outfile_discard(&outs[rc]);
		return 1;
	}
	report(r, r->sink.books, stdout, false);
	rc = write_out(OUT_JSON, json_out, r);
	rc |= write_out(OUT_BOOKS, books_csv, r->sink.books);
	rc |= write_out(OUT_CACHE, cache_csv, r->sink.cache);
	if (rc != 0)
		return 1;
	return whole(r) || o.accept_loss ? 0 : 3;
}
