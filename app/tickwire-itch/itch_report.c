/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-itch's report: what a run counted (messages by type, what the
 * books refused and why, orders resting, decode + book time) as text or
 * JSON, whether the data was whole, and the report files (--json,
 * --dump-books, --dump-cache) opened before the work and written after
 * by tickwire's rules (lib/stats). Never decodes; reads the run only.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "itch.h"
#include "tw_book.h"
#include "tw_cache.h"
#include "tw_outfile.h"
#include "tw_stats.h"

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
bool
itch_whole(const struct run *r)
{
	return refused_total(r) == 0 && r->bad_len == 0 &&
		r->ctr.unknown_msgs == 0 && r->cut_bytes == 0;
}

void
itch_report(const struct run *r, const struct tw_books *b, FILE *f, bool json)
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
		fprintf(f, "), %s with a wrong length, %s stamped earlier "
			"than the message before\n", tw_grp(r->bad_len),
			tw_grp(r->ts_back));
		fprintf(f, "books: %s messages applied, %s other types, %s "
			"unknown types; refused:", tw_grp(r->ctr.book_msgs),
			tw_grp(r->ctr.other_msgs), tw_grp(r->ctr.unknown_msgs));
		for (v = 1; v < TW_BOOK_VERDICTS; v++)
			fprintf(f, " %s %s", tw_book_verdict_name(v),
				tw_grp(r->ctr.book_refused[v]));
		fprintf(f, "\norders resting: %s at the end, %s at the peak; "
			"kept out of the direct window: %s added, %s moved as it "
			"slid\n", tw_grp(b->live), tw_grp(b->peak),
			tw_grp(b->fallback_adds), tw_grp(b->evicted));
		fprintf(f, "price levels: %s kept out of the ladders (in a "
			"side's overflow), %s ladders grown\n",
			tw_grp(b->ovf_levels), tw_grp(b->lad_grown));
		fprintf(f, "decode + book: %.2f ns a message on average; per "
			"packet of %u: p50 %" PRIu64 " ns, p99 %" PRIu64
			" ns, max %" PRIu64 " ns (%s packets)\n",
			ns_msg, r->batch, s.p50, s.p99, s.max, tw_grp(s.count));
		if (!itch_whole(r))
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
	fprintf(f, "},\n  \"wrong_length\": %" PRIu64 ",\n"
		"  \"timestamps_back\": %" PRIu64 ",\n  \"book_messages\": "
		"%" PRIu64 ",\n  \"other_messages\": %" PRIu64 ",\n"
		"  \"unknown_messages\": %" PRIu64 ",\n  \"refused\": {",
		r->bad_len, r->ts_back, r->ctr.book_msgs, r->ctr.other_msgs,
		r->ctr.unknown_msgs);
	for (v = 1; v < TW_BOOK_VERDICTS; v++)
		fprintf(f, "%s\"%s\": %" PRIu64, v > 1 ? ", " : "",
			tw_book_verdict_name(v), r->ctr.book_refused[v]);
	fprintf(f, "},\n  \"refused_total\": %" PRIu64 ",\n"
		"  \"bytes_cut_at_end\": %" PRIu64 ",\n  \"whole\": %s,\n",
		refused_total(r), r->cut_bytes, itch_whole(r) ? "true" : "false");
	fprintf(f, "  \"orders_resting_end\": %" PRIu64 ",\n"
		"  \"orders_resting_peak\": %" PRIu64 ",\n"
		"  \"orders_fallback_added\": %" PRIu64 ",\n"
		"  \"orders_fallback_moved\": %" PRIu64 ",\n"
		"  \"levels_overflow\": %" PRIu64 ",\n"
		"  \"ladders_grown\": %" PRIu64 ",\n"
		"  \"ns_per_message\": %.3f,\n  \"batch\": %u,\n"
		"  \"per_packet_ns\": { \"count\": %" PRIu64 ", \"p50\": %" PRIu64
		", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p99_9\": %"
		PRIu64 ", \"max\": %" PRIu64 ", \"mean\": %.1f }\n}\n",
		b->live, b->peak, b->fallback_adds, b->evicted,
		b->ovf_levels, b->lad_grown, ns_msg,
		r->batch, s.count, s.p50, s.p90,
		s.p99, s.p999, s.max, s.mean);
}

/* The report files, opened (checked) before the work, written after. */
static struct tw_outfile outs[OUT_MAX];

int
itch_open_outs(const char *const *paths)
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

	itch_report(r, r->sink.books, f, true);
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

void
itch_discard_outs(void)
{
	unsigned int i;

	for (i = 0; i < OUT_MAX; i++)
		tw_outfile_discard(&outs[i]);
}

int
itch_write_outs(const struct run *r)
{
	int rc;

	rc = write_out(OUT_JSON, json_out, r);
	rc |= write_out(OUT_BOOKS, books_csv, r->sink.books);
	rc |= write_out(OUT_CACHE, cache_csv, r->sink.cache);
	return rc;
}
