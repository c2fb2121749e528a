/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verdict of a run: whether what was sent is what the receiver
 * holds, and the exit status that says so. A script reads tickwire
 * through its exit status, so the rules live here once, beside the
 * counters they read, for every binary that receives a feed:
 *
 *   0  TW_EXIT_WHOLE      the run ended as asked and the data is whole
 *   1  TW_EXIT_FAILED     it could not run, or failed (set-up, a report)
 *   2  TW_EXIT_USAGE      a usage or profile error
 *   3  TW_EXIT_NOT_WHOLE  it ran, but the data is not whole
 *
 * Whole: every message sent (in one process) was received or recovered,
 * no gap is still open, no symbol is stale (a gap given up marks its
 * channel's symbols until a snapshot restores them), no book
 * operation was refused, and every channel ended, unless the run was
 * asked to stop before the end of its session (a signal, --duration),
 * which the verdict says. accept_loss turns "not whole" into 0 and
 * changes nothing else of what is reported.
 *
 * Owns: those rules, the verdict's lines in the summary and its object
 * in the stats JSON. Never touches: counters (it reads a struct
 * tw_stats), the cache (the caller lists stale symbols).
 */
#ifndef TW_VERDICT_H
#define TW_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_stats.h"

#define TW_EXIT_WHOLE 0
#define TW_EXIT_FAILED 1
#define TW_EXIT_USAGE 2
#define TW_EXIT_NOT_WHOLE 3

/* Stale symbols a verdict names, at most (all are counted). */
#define TW_VERDICT_STALE_LISTED 64

struct tw_verdict {
	bool whole;
	bool stopped_early;     /* asked to stop before the session's end */
	bool accept_loss;
	const char *stop_reason; /* "--duration", "a signal"; NULL: unsaid */
	int exit_status;
	uint64_t msgs_unreceived;   /* sent here, never received */
	uint64_t gaps_given_up;
	uint64_t msgs_given_up;     /* in the gaps given up */
	uint64_t gaps_open;         /* still being recovered at the end */
	uint32_t channels_not_ended;
	uint32_t nb_channels;
	uint64_t book_refused;      /* book operations refused */
	uint32_t stale_symbols;     /* of nb_symbols */
	uint32_t nb_symbols;
	uint32_t stale[TW_VERDICT_STALE_LISTED]; /* the first ones' locates */
	char stale_tickers[TW_VERDICT_STALE_LISTED][9];
};

/*
 * The verdict on s. The caller has set v->stale_symbols, nb_symbols and
 * the first stale locates (and tickers, "" when unknown) beforehand;
 * everything else is derived here.
 */
void tw_verdict_judge(struct tw_verdict *v, const struct tw_stats *s,
		bool stopped_early, bool accept_loss);

/* Add one stale symbol (counted; listed while there is room). */
void tw_verdict_add_stale(struct tw_verdict *v, uint32_t locate,
		const char *ticker);

/* The LOSS / stop / verdict lines of the summary. */
void tw_verdict_print(FILE *f, const struct tw_verdict *v);

/* "verdict": { ... } as one member of the stats JSON (no comma). */
void tw_verdict_write_json(FILE *f, const struct tw_verdict *v);

#endif /* TW_VERDICT_H */
