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
 *
 * This unit is the command line, the memory and the exit status; the
 * decoder and the day file are itch_decode.c's, the synthetic day
 * itch_generate.c's, the report and its files itch_report.c's (shared:
 * itch.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "itch.h"
#include "tw_book.h"
#include "tw_cache.h"
#include "tw_stats.h"

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
		"  --orders-per-symbol K  its resting orders a symbol, on average "
		"(256)\n"
		"  --seed S               its seed (1)\n"
		"  --write FILE           write the synthetic day as a day file\n"
		"  --max-orders N         the books' order store (2^22)\n"
		"  --levels N             the books' price levels (2^22)\n"
		"  --window N             order references indexed directly "
		"(4 x max-orders)\n"
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

#define PAGE_2M ((size_t)2 << 20)

/*
 * Whether n 2 MB pages can be had from the reserved hugepages leaving
 * at least half of the reserve free for others (DPDK processes: tickwire,
 * the tests), from /proc/meminfo.
 */
static bool
reserve_room(size_t n)
{
	unsigned long total = 0, avail = 0, kb = 0, v;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "HugePages_Total: %lu", &v) == 1)
			total = v;
		else if (sscanf(line, "HugePages_Free: %lu", &v) == 1)
			avail = v;
		else if (sscanf(line, "Hugepagesize: %lu kB", &v) == 1)
			kb = v;
	}
	fclose(f);
	return kb == PAGE_2M >> 10 && avail >= n && avail - n >= total / 2;
}

/*
 * Memory of size bytes, zero: its first hot bytes on 2 MB pages (an
 * order table of millions of slots on 4 KB pages costs a TLB miss a
 * lookup), the rest on 4 KB pages (touched a slot at a time: only the
 * pages used cost). The 2 MB pages come from the reserved hugepages
 * when there is room (reserve_room): already backed by the host, they
 * are zeroed at memory speed as first touched, where fresh transparent
 * huge pages cost 30-380 ms a 256 MB here (compaction, the host backing
 * them); else transparent huge pages. NULL when there is no memory.
 */
void *
itch_big_alloc(size_t size, size_t hot)
{
	/* Whole pages: hugetlb maps whole 2 MB pages, MAP_FIXED must not
	 * reach past the range reserved. */
	size_t huge = RTE_ALIGN_CEIL(hot, PAGE_2M);
	size_t span = RTE_MAX(RTE_ALIGN_CEIL(size, (size_t)4096), huge);
	uint8_t *res, *p;

	/* An address range, 2 MB aligned, to map the parts into. */
	res = mmap(NULL, span + PAGE_2M, PROT_NONE, MAP_PRIVATE |
		MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return NULL;
	p = (uint8_t *)RTE_ALIGN_CEIL((uintptr_t)res, (uintptr_t)PAGE_2M);
	if (huge != 0 && reserve_room(huge / PAGE_2M) &&
	    mmap(p, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_HUGETLB | MAP_FIXED, -1, 0) != MAP_FAILED) {
		if (span == huge || mmap(p + huge, span - huge, PROT_READ |
		    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		    0) != MAP_FAILED)
			return p;
	}
	if (mmap(p, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_FIXED, -1, 0) == MAP_FAILED) {
		munmap(res, span + PAGE_2M);
		return NULL;
	}
	if (huge != 0)
		madvise(p, huge, MADV_HUGEPAGE);
	if (span > huge)
		madvise(p + huge, span - huge, MADV_NOHUGEPAGE);
	return p;
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
		{ "window", required_argument, NULL, 'W' },
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
		.symbols = 1000, .orders_per_symbol = 256, .seed = 1,
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
		if (strchr("gskSmlWb", opt) != NULL &&
		    parse_u64(optarg, &v) != 0) {
			const struct option *e = lo;

			while (e->val != opt)
				e++;
			fprintf(stderr, "tickwire-itch: --%s: '%s' is not an "
				"unsigned integer\n", e->name, optarg);
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
		case 'W': o.window = v; break;
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
		rc = itch_open_outs(paths);
		if (rc != 0)
			return rc == -EINVAL ? 2 : 1;
	}
	bp = (struct tw_book_params){
		.nb_symbols = o.symbols, .max_orders = o.max_orders,
		.pool_levels = o.levels, .hash_key = rte_rdtsc() ^ o.seed,
		/* References run ahead of the orders resting: a window of
		 * 4 x max-orders keeps all but the longest-resting in it
		 * (its pages cost only once touched). */
		.window = o.window != 0 ? o.window : 4 * o.max_orders,
		/* Fresh anonymous memory (itch_big_alloc): the kernel zeroes
		 * a page when it is first touched, so a small day pays only
		 * for the pages it uses. */
		.zeroed = true,
	};
	r = calloc(1, sizeof(*r));
	bmem = itch_big_alloc(tw_books_memsize(&bp), tw_books_hot_size(&bp));
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
	/* The TSC's rate over 1 ms for the packets' histogram as they
	 * come (good to about 1e-4 here), then over the whole run for the
	 * average: a start-up the user waits for costs no 50 ms. */
	tw_clock_init(&r->clk, 1);
	rc = o.generate != 0 ? itch_decode_generated(r, &o) :
		itch_decode_file(r, o.file);
	tw_clock_refresh(&r->clk);
	if (rc != 0) {
		itch_discard_outs();
		return 1;
	}
	itch_report(r, r->sink.books, stdout, false);
	if (itch_write_outs(r) != 0)
		return 1;
	return itch_whole(r) || o.accept_loss ? 0 : 3;
}
