/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "tw_verdict.h"

void
tw_verdict_add_stale(struct tw_verdict *v, uint32_t locate,
		const char *ticker)
{
	if (v->stale_symbols < TW_VERDICT_STALE_LISTED) {
		v->stale[v->stale_symbols] = locate;
		snprintf(v->stale_tickers[v->stale_symbols],
			sizeof(v->stale_tickers[0]), "%s",
			ticker != NULL ? ticker : "");
	}
	v->stale_symbols++;
}

void
tw_verdict_judge(struct tw_verdict *v, const struct tw_stats *s,
		bool stopped_early, bool accept_loss)
{
	unsigned int i;

	v->stopped_early = stopped_early;
	v->accept_loss = accept_loss;
	v->nb_channels = s->nb_channels;
	v->msgs_unreceived = s->receiving ? s->unreceived : 0;
	v->gaps_given_up = s->rec.gaps_unrecovered;
	v->msgs_given_up = s->rec.msgs_unrecovered;
	v->gaps_open = s->rec.gaps_open;
	v->channels_not_ended = s->receiving ? s->channels_not_ended : 0;
	v->book_refused = 0;
	for (i = 1; i < TW_RX_BOOK_REASONS; i++)
		v->book_refused += s->rx.book_refused[i];
	/*
	 * A gap given up marks its channel's symbols stale until a snapshot
	 * restores them: the marks, not the gaps, say what is missing now.
	 */
	v->whole = v->msgs_unreceived == 0 && v->gaps_open == 0 &&
		v->stale_symbols == 0 &&
		v->book_refused == 0 &&
		(v->channels_not_ended == 0 || stopped_early);
	v->exit_status = v->whole || accept_loss ? TW_EXIT_WHOLE :
		TW_EXIT_NOT_WHOLE;
}

void
tw_verdict_print(FILE *f, const struct tw_verdict *v)
{
	char a[32], b[32];
	uint32_t i, n;

	if (v->msgs_unreceived != 0 || v->gaps_given_up != 0 ||
	    v->gaps_open != 0) {
		fprintf(f, "  LOSS:");
		if (v->gaps_given_up != 0)
			fprintf(f, " %s messages in %s gaps given up%s;",
				tw_grouped(a, sizeof(a), v->msgs_given_up),
				tw_grouped(b, sizeof(b), v->gaps_given_up),
				v->stale_symbols == 0 ? " (every symbol's state "
				"restored since by snapshots)" : "");
		if (v->gaps_open != 0)
			fprintf(f, " %s gaps still open at the end;",
				tw_grouped(a, sizeof(a), v->gaps_open));
		if (v->msgs_unreceived != 0)
			fprintf(f, " %s messages sent and never received;",
				tw_grouped(a, sizeof(a), v->msgs_unreceived));
		fputc('\n', f);
	}
	if (v->channels_not_ended != 0 && v->stopped_early)
		fprintf(f, "  stopped by %s before the end of the session: %u "
			"of %u channels had not ended (not a loss)\n",
			v->stop_reason != NULL ? v->stop_reason : "request",
			v->channels_not_ended, v->nb_channels);
	else if (v->channels_not_ended != 0)
		fprintf(f, "  NOT ENDED: %u of %u channels did not see the end "
			"of their session\n", v->channels_not_ended,
			v->nb_channels);
	else if (v->stopped_early)
		fprintf(f, "  stopped by %s: the session was ended there\n",
			v->stop_reason != NULL ? v->stop_reason : "request");
	if (v->book_refused != 0)
		fprintf(f, "  BOOKS: %s book operations refused\n",
			tw_grouped(a, sizeof(a), v->book_refused));
	if (v->stale_symbols != 0) {
		fprintf(f, "  STALE: %s of %s symbols may miss updates:",
			tw_grouped(a, sizeof(a), v->stale_symbols),
			tw_grouped(b, sizeof(b), v->nb_symbols));
		n = v->stale_symbols < TW_VERDICT_STALE_LISTED ?
			v->stale_symbols : TW_VERDICT_STALE_LISTED;
		for (i = 0; i < n && i < 16; i++)
			fprintf(f, " %u%s%s%s", v->stale[i],
				v->stale_tickers[i][0] ? " (" : "",
				v->stale_tickers[i],
				v->stale_tickers[i][0] ? ")" : "");
		fprintf(f, "%s\n", v->stale_symbols > i ? " ..." : "");
	}
	if (v->whole)
		fprintf(f, "  verdict: whole (exit %d)\n", v->exit_status);
	else
		fprintf(f, "  verdict: the data is NOT whole (exit %d%s)\n",
			v->exit_status, v->accept_loss ?
			": accepted by --accept-loss" : "");
}

void
tw_verdict_write_json(FILE *f, const struct tw_verdict *v)
{
	uint32_t i, n;

	fprintf(f, "  \"verdict\": { \"whole\": %s, \"exit_status\": %d, "
		"\"accept_loss\": %s, \"stopped_early\": %s, "
		"\"stopped_by\": \"%s\", "
		"\"messages_unreceived\": %" PRIu64 ", \"gaps_given_up\": %"
		PRIu64 ", \"messages_given_up\": %" PRIu64 ", \"gaps_open\": %"
		PRIu64 ", \"channels_not_ended\": %u, "
		"\"book_operations_refused\": %" PRIu64 ", "
		"\"stale_symbols\": %u, \"stale_listed\": [",
		v->whole ? "true" : "false", v->exit_status,
		v->accept_loss ? "true" : "false",
		v->stopped_early ? "true" : "false",
		v->stopped_early && v->stop_reason != NULL ? v->stop_reason :
		"", v->msgs_unreceived,
		v->gaps_given_up, v->msgs_given_up, v->gaps_open,
		v->channels_not_ended, v->book_refused, v->stale_symbols);
	n = v->stale_symbols < TW_VERDICT_STALE_LISTED ? v->stale_symbols :
		TW_VERDICT_STALE_LISTED;
	for (i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? ", " : "", v->stale[i]);
	fprintf(f, "] }");
}
