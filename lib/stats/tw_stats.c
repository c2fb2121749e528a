/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>

#include "tw_stats.h"
#include "tw_verdict.h"

#define RX(n, f) { n, offsetof(struct tw_rx_counters, f) }
static const struct tw_counter_name rx_names[] = {
	RX("packets", pkts),
	RX("bytes", bytes),
	RX("packets_accepted", pkts_accepted),
	RX("messages", msgs),
	RX("quotes", quotes),
	RX("trades", trades),
	RX("directories", directories),
	RX("heartbeats", heartbeats),
	RX("end_of_session", end_of_session),
	RX("late_saturated", late_saturated),
	RX("orders_sent", orders_sent),
	RX("orders_dropped", orders_dropped),
	RX("orders_refused", orders_refused),
	RX("scalar_checked", scalar_checked),
	RX("latency_samples", lat_samples),
	RX("latency_negative", lat_negative),
	RX("latency_out_of_range", lat_out_of_range),
	RX("sessions_started", sessions_started),
	RX("line_a_packets", line_pkts[0]),
	RX("line_b_packets", line_pkts[1]),
	RX("line_a_won", line_won[0]),
	RX("line_b_won", line_won[1]),
	RX("line_a_duplicates", line_dups[0]),
	RX("line_b_duplicates", line_dups[1]),
	RX("line_a_led", line_led[0]),
	RX("line_b_led", line_led[1]),
	RX("gaps_open", gaps_open),
	RX("retrans_packets", retrans_pkts),
	RX("end_of_session_repeats", end_repeats),
	RX("book_messages", book_msgs),
	RX("book_unknown_order", book_refused[1]),
	RX("book_too_many_shares", book_refused[2]),
	RX("book_duplicate_ref", book_refused[3]),
	RX("book_no_directory", book_refused[4]),
	RX("book_store_full", book_refused[5]),
	RX("book_levels_full", book_refused[6]),
	RX("book_wrong_locate", book_refused[7]),
	RX("book_bad_field", book_refused[8]),
	RX("other_messages", other_msgs),
	RX("messages_held_back", held_msgs),
	RX("unknown_messages", unknown_msgs),
};

#define GEN(n, f) { n, offsetof(struct tw_gen_counters, f) }
static const struct tw_counter_name gen_names[] = {
	GEN("ticks", ticks),
	GEN("quotes", quotes),
	GEN("trades", trades),
	GEN("directories", directories),
	GEN("session_events", events),
	GEN("other_messages", other_msgs),
	GEN("truth_refused", truth_refused),
	GEN("heartbeats", heartbeats),
	GEN("end_of_session", end_of_session),
	GEN("end_of_session_repeats", end_repeats),
	GEN("packets", pkts),
	GEN("bytes", bytes),
	GEN("tx_retries", tx_retries),
	GEN("tx_dropped", tx_dropped),
	GEN("messages_dropped", msgs_dropped),
	GEN("mbuf_alloc_failed", mbuf_alloc_failed),
	GEN("late_ticks", late_ticks),
	GEN("mirror_packets", mirror_pkts),
	GEN("mirror_dropped", mirror_dropped),
	GEN("orders_requested", orders_requested),
	GEN("orders_matched", orders_matched),
	GEN("orders_duplicate", orders_duplicate),
	GEN("orders_stale", orders_stale),
	GEN("orders_lost", orders_lost),
	GEN("orders_invalid", orders_invalid),
	GEN("faults_lost", faults[0].lost),
	GEN("faults_lost_messages", faults[0].lost_msgs),
	GEN("faults_dup", faults[0].dup),
	GEN("faults_reordered", faults[0].reordered),
	GEN("faults_corrupted", faults[0].corrupted),
	GEN("line_b_packets", line_b_pkts),
	GEN("faults_lost_b", faults[1].lost),
	GEN("faults_lost_messages_b", faults[1].lost_msgs),
	GEN("faults_dup_b", faults[1].dup),
	GEN("faults_reordered_b", faults[1].reordered),
	GEN("faults_corrupted_b", faults[1].corrupted),
	GEN("faults_lost_both", faults_lost_both),
	/* In the order of enum tw_request_verdict (lib/recovery). */
	GEN("requests_served", requests[0]),
	GEN("requests_malformed", requests[1]),
	GEN("requests_bad_source", requests[2]),
	GEN("requests_rate_limited", requests[3]),
	GEN("requests_bad_session", requests[4]),
	GEN("requests_bad_seq", requests[5]),
	GEN("requests_future", requests[6]),
	GEN("requests_expired", requests[7]),
	GEN("requests_no_mbuf", requests[8]),
	GEN("retrans_packets", retrans_pkts),
	GEN("retrans_messages", retrans_msgs),
	GEN("snapshots_served", snapshots_served),
	GEN("snapshot_messages", snapshot_msgs),
	GEN("request_bytes", request_bytes),
	GEN("reply_bytes", reply_bytes),
	GEN("requests_cut", requests_cut),
	GEN("requests_over_budget", requests[9]),
	GEN("requests_other_server", requests[10]),
};

#define PORT(n, f) { n, offsetof(struct tw_port_report, f) }
static const struct tw_counter_name port_names[] = {
	PORT("link_downs", link_downs),
	PORT("link_ups", link_ups),
	PORT("restarts", restarts),
	PORT("lsc_events", lsc_events),
	PORT("ipackets", ipackets),
	PORT("opackets", opackets),
	PORT("ibytes", ibytes),
	PORT("obytes", obytes),
	PORT("imissed", imissed),
	PORT("ierrors", ierrors),
	PORT("oerrors", oerrors),
	PORT("rx_nombuf", rx_nombuf),
};

const struct tw_counter_name *
tw_stats_port_names(unsigned int *n)
{
	*n = RTE_DIM(port_names);
	return port_names;
}

const struct tw_counter_name *
tw_stats_rx_names(unsigned int *n)
{
	*n = RTE_DIM(rx_names);
	return rx_names;
}

const struct tw_counter_name *
tw_stats_gen_names(unsigned int *n)
{
	*n = RTE_DIM(gen_names);
	return gen_names;
}

uint64_t
tw_counter_read(const void *counters, const struct tw_counter_name *c)
{
	return __atomic_load_n((const uint64_t *)
		((const uint8_t *)counters + c->off), __ATOMIC_RELAXED);
}

static inline uint64_t
rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint32_t
rd32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint64_t
field(const void *base, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)base + off);
}

static void
add_u64s(uint64_t *sum, const uint64_t *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sum[i] += rd(&c[i]);
}

void
tw_stats_add_rx(struct tw_rx_counters *sum, const struct tw_rx_counters *c)
{
	uint64_t max = rd(&c->lat_max_ns);

	/* Every field is a u64 summed, but the maximum. */
	add_u64s((uint64_t *)sum, (const uint64_t *)c,
		offsetof(struct tw_rx_counters, lat_max_ns) / sizeof(uint64_t));
	if (max > sum->lat_max_ns)
		sum->lat_max_ns = max;
}

void
tw_stats_add_gen(struct tw_gen_counters *sum, const struct tw_gen_counters *c)
{
	/* Every field is a u64 summed (the cache-line padding too: 0). */
	RTE_BUILD_BUG_ON(sizeof(*c) % sizeof(uint64_t) != 0);
	add_u64s((uint64_t *)sum, (const uint64_t *)c,
		sizeof(*c) / sizeof(uint64_t));
}

void
tw_stats_add_channels(struct tw_stats *s, const struct tw_channel_state *ch,
		uint32_t nb)
{
	uint32_t i;

	for (i = 0; i < nb && i < s->nb_channels; i++) {
		struct tw_channel_report *r = &s->channels[i];
		uint64_t exp = rd(&ch[i].expected);
		uint64_t last = rd(&ch[i].last_rx_ns);

		if (exp > r->expected)
			r->expected = exp;
		if (last > r->last_rx_ns)
			r->last_rx_ns = last;
		r->gaps += rd(&ch[i].gaps);
		r->gap_msgs += rd(&ch[i].gap_msgs);
		r->dup_pkts += rd(&ch[i].dup_pkts);
		r->dup_msgs += rd(&ch[i].dup_msgs);
		r->heartbeats += rd(&ch[i].heartbeats);
		r->ended |= __atomic_load_n(&ch[i].ended, __ATOMIC_ACQUIRE);
		/* A snapshot wanted is recovery under way too. */
		r->rec.gaps_open += __atomic_load_n(&ch[i].nb_gaps,
			__ATOMIC_RELAXED) + (rd32(&ch[i].snap_state) != 0);
		r->rec.late_joins += rd(&ch[i].late_joins);
		r->rec.msgs_before_join += rd(&ch[i].msgs_before_join);
		r->rec.snapshots += rd(&ch[i].snapshots);
		r->rec.snapshots_failed += rd(&ch[i].snapshots_failed);
		r->rec.live_skipped += rd(&ch[i].live_skipped);
		r->rec.gaps_filled += rd(&ch[i].gaps_filled);
		r->rec.gaps_unrecovered += rd(&ch[i].gaps_unrecovered);
		r->rec.msgs_recovered += rd(&ch[i].msgs_recovered);
		r->rec.msgs_unrecovered += rd(&ch[i].msgs_unrecovered);
		r->rec.fill_dups += rd(&ch[i].fill_dups);
		r->rec.requests += rd(&ch[i].requests);
		r->rec.gaps_covered += rd(&ch[i].gaps_covered);
		r->rec.requests_per_gap_max = RTE_MAX(
			r->rec.requests_per_gap_max,
			rd(&ch[i].requests_per_gap_max));
	}
}

void
tw_stats_finish(struct tw_stats *s)
{
	uint32_t i;

	s->drops_total = 0;
	for (i = 0; i < TW_DROP_MAX; i++)
		s->drops_total += s->rx.drops[i];
	s->gaps = s->gap_msgs = s->dup_pkts = s->dup_msgs = 0;
	memset(&s->rec, 0, sizeof(s->rec));
	s->channels_ended = 0;
	s->channels_not_ended = 0;
	s->unreceived = 0;
	for (i = 0; i < s->nb_channels; i++) {
		struct tw_channel_report *c = &s->channels[i];

		/* Sent in this process but never seen by its RX: a loss. */
		c->unreceived = c->sent_next > c->expected ?
			c->sent_next - c->expected : 0;
		s->unreceived += s->receiving ? c->unreceived : 0;
		s->channels_not_ended += s->receiving && !c->ended;
		s->gaps += s->channels[i].gaps;
		s->gap_msgs += s->channels[i].gap_msgs;
		s->dup_pkts += s->channels[i].dup_pkts;
		s->dup_msgs += s->channels[i].dup_msgs;
		s->channels_ended += s->channels[i].ended != 0;
		s->rec.gaps_open += c->rec.gaps_open;
		s->rec.gaps_filled += c->rec.gaps_filled;
		s->rec.gaps_unrecovered += c->rec.gaps_unrecovered;
		s->rec.msgs_recovered += c->rec.msgs_recovered;
		s->rec.msgs_unrecovered += c->rec.msgs_unrecovered;
		s->rec.fill_dups += c->rec.fill_dups;
		s->rec.requests += c->rec.requests;
		s->rec.gaps_covered += c->rec.gaps_covered;
		s->rec.late_joins += c->rec.late_joins;
		s->rec.msgs_before_join += c->rec.msgs_before_join;
		s->rec.snapshots += c->rec.snapshots;
		s->rec.snapshots_failed += c->rec.snapshots_failed;
		s->rec.live_skipped += c->rec.live_skipped;
		s->rec.requests_per_gap_max = RTE_MAX(
			s->rec.requests_per_gap_max,
			c->rec.requests_per_gap_max);
	}
}

/* Port problems under the periodic line: only what is not zero. */
static void
print_port_problems(FILE *f, const struct tw_stats *s)
{
	char a[32], b[32];
	unsigned int i;

	for (i = 0; i < s->nb_ports; i++) {
		const struct tw_port_report *p = &s->ports[i];

		if (p->link_up && p->imissed == 0 && p->ierrors == 0 &&
		    p->rx_nombuf == 0 && p->oerrors == 0)
			continue;
		fprintf(f, "           port %u:%s", p->port_id,
			p->link_up ? "" : " link down");
		if (p->imissed != 0)
			fprintf(f, " imissed %s", tw_grouped(a, sizeof(a),
				p->imissed));
		if (p->ierrors != 0)
			fprintf(f, " ierrors %s", tw_grouped(a, sizeof(a),
				p->ierrors));
		if (p->rx_nombuf != 0)
			fprintf(f, " rx_nombuf %s", tw_grouped(a, sizeof(a),
				p->rx_nombuf));
		if (p->oerrors != 0)
			fprintf(f, " oerrors %s", tw_grouped(b, sizeof(b),
				p->oerrors));
		fputc('\n', f);
	}
}

static double
per_s(uint64_t now, uint64_t prev, double dt)
{
	return dt > 0 ? (double)(now - prev) / dt : 0.0;
}

const char *
tw_grouped(char *buf, size_t len, uint64_t v)
{
	char digits[24];
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v);
	for (i = 0; i < n && o + 1 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
tw_grp(uint64_t v)
{
	static char ring[16][32];
	static unsigned int next;
	char *b = ring[next++ % RTE_DIM(ring)];

	return tw_grouped(b, sizeof(ring[0]), v);
}

/*
 * The poller that lost most of the period to interruptions, if one lost
 * any: "| host 2.1% rx2".
 */
static void
print_line_noise(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev)
{
	double worst = 0, sh;
	unsigned int i, at = 0;

	for (i = 0; i < now->nb_noise && i < prev->nb_noise; i++) {
		sh = tw_noise_share_between(&now->noise[i], &prev->noise[i]);
		if (sh > worst) {
			worst = sh;
			at = i;
		}
	}
	if (worst > 0)
		fprintf(f, " | host %.1f%% %s%u", worst * 100,
			now->noise[at].role, now->noise[at].lcore_id);
}

/* One poller's interruptions, as the summary says them. */
void
tw_stats_print_noise(FILE *f, const char *indent,
		const struct tw_noise_report *r)
{
	fprintf(f, "%s%s lcore %u: %.2f%% of %.2f s lost, %s gaps over %s ns",
		indent, r->role, r->lcore_id, r->lost_share * 100,
		r->elapsed_ns / 1e9, tw_grp(r->gaps), tw_grp(r->threshold_ns));
	if (r->gaps != 0)
		fprintf(f, " (us: p50 %.1f p99 %.1f p99.9 %.1f longest %.1f)",
			r->gap.p50 / 1e3, r->gap.p99 / 1e3, r->gap.p999 / 1e3,
			r->longest_ns / 1e3);
	fputc('\n', f);
}

/* The percentile a quantile is, as people write it: 99, 99.9, 98.73. */
static void
pct_name(char *buf, size_t len, double q)
{
	snprintf(buf, len, "%.4g", q * 100);
}

/*
 * What the host explains of a span: the share of its samples that
 * waited through an RX lcore's interruption, the percentile from which
 * the span is as long as a typical interruption, and the percentiles
 * of the samples polled without one in between.
 */
static void
print_attribution(FILE *f, const struct tw_stats *s, enum tw_lat_span sp)
{
	const struct tw_hist_summary *h = &s->span[sp], *c = &s->clean[sp];
	const struct tw_noise_report *worst = NULL;
	unsigned int i;
	char q[16];

	if (h->count == 0)
		return;
	for (i = 0; i < s->nb_noise; i++)
		if (strcmp(s->noise[i].role, "rx") == 0 &&
		    (worst == NULL ||
		     s->noise[i].lost_share > worst->lost_share))
			worst = &s->noise[i];
	if (worst == NULL)
		return;
	if (s->rx_gaps.count == 0 || s->touched[sp] == 0) {
		fprintf(f, "    the host: no sample waited through an "
			"interruption of an RX lcore (lcore %u lost %.2f%% of "
			"its time)\n", worst->lcore_id,
			worst->lost_share * 100);
		return;
	}
	pct_name(q, sizeof(q), s->host_from_q[sp]);
	fprintf(f, "    the host: %.2f%% of samples waited through an "
		"interruption of an RX lcore (lcore %u lost %.2f%% of its time, "
		"gaps p50 %.1f us, longest %.1f us); from p%s up the span is "
		"as long as the interruptions: ", (double)s->touched[sp] * 100 /
		(double)h->count, worst->lcore_id, worst->lost_share * 100,
		s->rx_gaps.p50 / 1e3, worst->longest_ns / 1e3, q);
	if (s->host_from_q[sp] <= 0.5)
		fprintf(f, "p50 and above are the host's\n");
	else if (s->host_from_q[sp] <= 0.9)
		fprintf(f, "p90 and above are the host's\n");
	else if (s->host_from_q[sp] <= 0.99)
		fprintf(f, "p99 and above are the host's\n");
	else if (s->host_from_q[sp] <= 0.999)
		fprintf(f, "p99.9 and above are the host's\n");
	else if (s->host_from_q[sp] <= 0.9999)
		fprintf(f, "p99.99 and above are the host's\n");
	else
		fprintf(f, "only the max is the host's\n");
	if (c->count != 0)
		fprintf(f, "    polled without an interruption in between "
			"(%s samples): p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f "
			"max %.2f\n", tw_grp(c->count), c->p50 / 1e3,
			c->p90 / 1e3, c->p99 / 1e3, c->p999 / 1e3,
			c->max / 1e3);
}

/*
 * The periodic line, by role, under 100 columns: what a generator
 * sends, what RX lcores receive (drops, gaps, latency), or both.
 * Rates per second with grouped digits; the period's latency in
 * microseconds, "last 1s" ("-" when it had no sample).
 */
void
tw_stats_print_line(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist_summary *lat)
{
	double dt = now->elapsed_s - prev->elapsed_s;
	char a[32], b[32], c[32], d[32];

	fprintf(f, "[%7.1fs]", now->elapsed_s);
	if (now->sending) {
		fprintf(f, " tx %s msg/s", tw_grouped(a, sizeof(a), (uint64_t)
			per_s(now->gen.ticks + now->gen.directories,
			      prev->gen.ticks + prev->gen.directories, dt)));
		if (!now->receiving)
			fprintf(f, " %s pkt/s | sent %s msgs, late %s",
				tw_grouped(b, sizeof(b), (uint64_t)per_s(
					now->gen.pkts, prev->gen.pkts, dt)),
				tw_grouped(c, sizeof(c), now->gen.ticks +
					now->gen.directories),
				tw_grouped(d, sizeof(d), now->gen.late_ticks));
	}
	if (now->receiving) {
		fprintf(f, "%s rx %s msg/s", now->sending ? " |" : "",
			tw_grouped(a, sizeof(a), (uint64_t)per_s(now->rx.msgs,
				prev->rx.msgs, dt)));
		if (!now->sending)
			fprintf(f, " %s pkt/s", tw_grouped(b, sizeof(b),
				(uint64_t)per_s(now->rx.pkts, prev->rx.pkts,
					dt)));
		/* The period's, as tickwire-top says it. */
		fprintf(f, " | drops %s gaps %s | last %.2gs ",
			tw_grouped(c, sizeof(c), now->drops_total),
			tw_grouped(d, sizeof(d), now->gaps), dt);
		if (lat->count != 0)
			fprintf(f, "p50 %.1f p99 %.1f us", lat->p50 / 1e3,
				lat->p99 / 1e3);
		else
			fprintf(f, "p50 - p99 - us");
	}
	print_line_noise(f, now, prev);
	fputc('\n', f);
	print_port_problems(f, now);
	fflush(f);
}

void
tw_stats_print_summary(FILE *f, const struct tw_stats *s)
{
	char a[32], b[32], c[32], d[32], e[32];
	uint64_t asked;
	unsigned int i;
	double t = s->elapsed_s > 0 ? s->elapsed_s : 1;

	fprintf(f, "summary after %.2f s:\n", s->elapsed_s);
	if (s->sending) {
		fprintf(f, "  generator: %s ticks",
			tw_grouped(a, sizeof(a), s->gen.ticks));
		if (s->gen.quotes + s->gen.trades == s->gen.ticks)
			fprintf(f, " (%s quotes, %s trades)",
				tw_grouped(b, sizeof(b), s->gen.quotes),
				tw_grouped(c, sizeof(c), s->gen.trades));
		fprintf(f, " and %s directory messages",
			tw_grouped(d, sizeof(d), s->gen.directories));
		if (s->gen.events != 0)
			fprintf(f, ", %s session events",
				tw_grouped(d, sizeof(d), s->gen.events));
		if (s->gen.other_msgs != 0)
			fprintf(f, ", %s other messages",
				tw_grouped(d, sizeof(d), s->gen.other_msgs));
		fprintf(f, " in %s packets",
			tw_grouped(e, sizeof(e), s->gen.pkts));
		if (s->gen.tx_retries != 0 || s->gen.tx_dropped != 0)
			/* A retry: a tx_burst the port took only in part. */
			fprintf(f, "; the port took %s bursts only in part, "
				"%s packets were dropped after retrying",
				tw_grouped(a, sizeof(a), s->gen.tx_retries),
				tw_grouped(b, sizeof(b), s->gen.tx_dropped));
		fputc('\n', f);
	}
	if (s->receiving) {
		fprintf(f, "  rx: %s packets, %s accepted, %s messages applied "
			"(%s msg/s, %s pkt/s on average)",
			tw_grouped(a, sizeof(a), s->rx.pkts),
			tw_grouped(b, sizeof(b), s->rx.pkts_accepted),
			tw_grouped(c, sizeof(c), s->rx.msgs),
			tw_grouped(d, sizeof(d), (uint64_t)((double)s->rx.msgs /
				t)),
			tw_grouped(e, sizeof(e), (uint64_t)((double)s->rx.pkts /
				t)));
		/* In one process: what was sent against what came. */
		if (s->sending)
			fprintf(f, "; of %s messages sent",
				tw_grouped(a, sizeof(a), s->gen.ticks +
					s->gen.directories + s->gen.events));
		fputc('\n', f);
	}
	fprintf(f, "  drops %s, gaps %s (%s msgs), duplicates %s pkts\n",
		tw_grp(s->drops_total), tw_grp(s->gaps), tw_grp(s->gap_msgs),
		tw_grp(s->dup_pkts));
	if (s->gaps != 0 || s->rec.fill_dups != 0)
		fprintf(f, "  recovery: %s gaps filled (%s msgs, %s requests, "
			"at most %s for one gap), %s still open, %s given up "
			"(%s msgs; their channels' symbols marked stale), %s "
			"msgs came again\n", tw_grp(s->rec.gaps_filled),
			tw_grp(s->rec.msgs_recovered), tw_grp(s->rec.requests),
			tw_grp(s->rec.requests_per_gap_max),
			tw_grp(s->rec.gaps_open), tw_grp(s->rec.gaps_unrecovered),
			tw_grp(s->rec.msgs_unrecovered), tw_grp(s->rec.fill_dups));
	if (s->rec.late_joins != 0 || s->rec.snapshots != 0 ||
	    s->rec.snapshots_failed != 0)
		fprintf(f, "  late joins %s (%s msgs sent before), snapshots "
			"taken in %s, failed %s\n", tw_grp(s->rec.late_joins),
			tw_grp(s->rec.msgs_before_join), tw_grp(s->rec.snapshots),
			tw_grp(s->rec.snapshots_failed));
	if (s->span[TW_SPAN_GAP_FILL].count != 0)
		fprintf(f, "  gap->fill (us): p50 %.1f p99 %.1f max %.1f over "
			"%s gaps\n",
			s->span[TW_SPAN_GAP_FILL].p50 / 1e3,
			s->span[TW_SPAN_GAP_FILL].p99 / 1e3,
			s->span[TW_SPAN_GAP_FILL].max / 1e3,
			tw_grp(s->span[TW_SPAN_GAP_FILL].count));
	if (s->gen.faults[0].lost + s->gen.faults[0].dup +
	    s->gen.faults[0].reordered + s->gen.faults[0].corrupted +
	    s->gen.line_b_pkts != 0)
		fprintf(f, "  faults done: %s frames lost (%s msgs), %s sent "
			"twice, %s reordered, %s corrupted\n",
			tw_grp(s->gen.faults[0].lost),
			tw_grp(s->gen.faults[0].lost_msgs),
			tw_grp(s->gen.faults[0].dup),
			tw_grp(s->gen.faults[0].reordered),
			tw_grp(s->gen.faults[0].corrupted));
	if (s->gen.line_b_pkts != 0)
		fprintf(f, "  line B: %s frames, faults: %s lost (%s msgs), %s "
			"sent twice, %s reordered, %s corrupted; %s frames "
			"lost on both lines\n", tw_grp(s->gen.line_b_pkts),
			tw_grp(s->gen.faults[1].lost),
			tw_grp(s->gen.faults[1].lost_msgs),
			tw_grp(s->gen.faults[1].dup),
			tw_grp(s->gen.faults[1].reordered),
			tw_grp(s->gen.faults[1].corrupted),
			tw_grp(s->gen.faults_lost_both));
	if (s->rx.line_pkts[0] + s->rx.line_pkts[1] != 0)
		fprintf(f, "  lines: A %s frames (%s first, %s second), B %s "
			"(%s first, %s second)\n", tw_grp(s->rx.line_pkts[0]),
			tw_grp(s->rx.line_won[0]), tw_grp(s->rx.line_dups[0]),
			tw_grp(s->rx.line_pkts[1]), tw_grp(s->rx.line_won[1]),
			tw_grp(s->rx.line_dups[1]));
	for (asked = 0, i = 0; i < TW_GEN_REQUEST_VERDICTS; i++)
		asked += s->gen.requests[i];
	if (asked != 0)
		fprintf(f, "  request server: %s served (%s frames, %s msgs); "
			"refused: %s malformed, %s bad source, %s over rate, "
			"%s bad session, %s bad seq, %s future, %s expired, "
			"%s no mbuf, %s over budget, %s to another server\n",
			tw_grp(s->gen.requests[0]),
			tw_grp(s->gen.retrans_pkts), tw_grp(s->gen.retrans_msgs),
			tw_grp(s->gen.requests[1]), tw_grp(s->gen.requests[2]),
			tw_grp(s->gen.requests[3]), tw_grp(s->gen.requests[4]),
			tw_grp(s->gen.requests[5]), tw_grp(s->gen.requests[6]),
			tw_grp(s->gen.requests[7]), tw_grp(s->gen.requests[8]),
			tw_grp(s->gen.requests[9]), tw_grp(s->gen.requests[10]));
	if (asked != 0)
		fprintf(f, "  request server: %s bytes of requests in, %s "
			"bytes of replies out (x%.2f), %s replies cut\n",
			tw_grp(s->gen.request_bytes),
			tw_grp(s->gen.reply_bytes),
			s->gen.request_bytes != 0 ?
			(double)s->gen.reply_bytes /
			(double)s->gen.request_bytes : 0.0,
			tw_grp(s->gen.requests_cut));
	if (s->receiving)
		for (i = 0; i < s->nb_channels; i++) {
			const struct tw_channel_report *c = &s->channels[i];

			if (c->ended && c->unreceived == 0)
				continue;
			fprintf(f, "    channel %u: %s at sequence %" PRIu64,
				i, c->ended ? "ended" : "not ended",
				c->expected);
			if (c->sent_next != 0)
				fprintf(f, ", sent up to %" PRIu64
					" (%s unreceived)", c->sent_next,
					tw_grp(c->unreceived));
			fprintf(f, "\n");
		}
	for (i = 0; i < TW_DROP_MAX; i++)
		if (s->rx.drops[i] != 0)
			fprintf(f, "    drop %-16s %s\n", tw_rx_drop_name(i),
				tw_grp(s->rx.drops[i]));
	for (i = 0; i < s->nb_ports; i++) {
		const struct tw_port_report *p = &s->ports[i];

		fprintf(f, "  port %u (%s): in %s pkts, out %s pkts, imissed "
			"%s, ierrors %s, rx_nombuf %s, oerrors %s; link %s",
			p->port_id, p->name, tw_grp(p->ipackets),
			tw_grp(p->opackets), tw_grp(p->imissed), tw_grp(p->ierrors),
			tw_grp(p->rx_nombuf), tw_grp(p->oerrors),
			p->link_up ? "up" : "down");
		if (p->link_downs != 0 || p->restarts != 0)
			fprintf(f, ", down %s times, up again %s, restarted %s",
				tw_grp(p->link_downs), tw_grp(p->link_ups),
				tw_grp(p->restarts));
		fprintf(f, "\n");
	}
	if (s->lat.count != 0 && s->latency_is_age)
		fprintf(f, "  (fed from a capture: the send times are the "
			"recording's, so the figures below are its age, not a "
			"latency)\n");
	if (s->lat.count != 0)
		fprintf(f, "  latency send->cache (us, one sample per packet, "
			"%s samples): min %.2f p50 %.2f p90 %.2f p99 %.2f "
			"p99.9 %.2f p99.99 %.2f max %.2f mean %.2f\n",
			tw_grouped(a, sizeof(a), s->lat.count), s->lat.min / 1e3,
			s->lat.p50 / 1e3, s->lat.p90 / 1e3, s->lat.p99 / 1e3,
			s->lat.p999 / 1e3, s->lat.p9999 / 1e3,
			s->lat.max / 1e3, s->lat.mean / 1e3);
	print_attribution(f, s, TW_SPAN_SEND_CACHE);
	if (s->rtt.count != 0)
		fprintf(f, "  tick to trade (us, quote sent -> order back, "
			"%s of %s answered, %s lost): p50 %.2f p99 %.2f "
			"p99.9 %.2f max %.2f\n",
			tw_grouped(a, sizeof(a), s->gen.orders_matched),
			tw_grouped(b, sizeof(b), s->gen.orders_requested),
			tw_grouped(c, sizeof(c), s->gen.orders_lost),
			s->rtt.p50 / 1e3, s->rtt.p99 / 1e3, s->rtt.p999 / 1e3,
			s->rtt.max / 1e3);
	/* Paced runs: from the actual send too, where it differs. */
	if (s->span[TW_SPAN_ACTUAL_CACHE].count != 0 &&
	    (s->span[TW_SPAN_ACTUAL_CACHE].p99 != s->lat.p99 ||
	     s->span[TW_SPAN_ACTUAL_CACHE].max != s->lat.max))
		fprintf(f, "  from the actual send (us, not corrected for "
			"coordinated omission): p50 %.2f p99 %.2f p99.9 %.2f "
			"max %.2f\n",
			s->span[TW_SPAN_ACTUAL_CACHE].p50 / 1e3,
			s->span[TW_SPAN_ACTUAL_CACHE].p99 / 1e3,
			s->span[TW_SPAN_ACTUAL_CACHE].p999 / 1e3,
			s->span[TW_SPAN_ACTUAL_CACHE].max / 1e3);
	if (s->nb_noise != 0)
		fprintf(f, "  the pollers' own interruptions (gaps in their "
			"loops; [host] stall_threshold_ns):\n");
	for (i = 0; i < s->nb_noise; i++)
		tw_stats_print_noise(f, "    ", &s->noise[i]);
}

static void json_hist(FILE *f, const char *span,
		const struct tw_hist_summary *h);

/*
 * The pollers' interruptions and what they explain of each span:
 * "interruptions" (per poller, the RX lcores' gaps merged) and
 * "latency_host" (per span: samples that waited through one, the
 * percentile from which the span is as long as they, the percentiles
 * of the rest).
 */
static void
json_noise(FILE *f, const struct tw_stats *s)
{
	unsigned int i;
	bool first = true;

	fprintf(f, "  \"interruptions\": { \"pollers\": [\n");
	for (i = 0; i < s->nb_noise; i++) {
		const struct tw_noise_report *r = &s->noise[i];

		fprintf(f, "    { \"role\": \"%s\", \"lcore\": %u, "
			"\"threshold_ns\": %" PRIu64 ", \"elapsed_ns\": %"
			PRIu64 ", \"stalls\": %" PRIu64 ", \"lost_ns\": %" PRIu64
			", \"lost_share\": %.6f, \"longest_ns\": %" PRIu64
			", \"stall_ns\": ", r->role, r->lcore_id,
			r->threshold_ns, r->elapsed_ns, r->gaps, r->lost_ns,
			r->lost_share, r->longest_ns);
		json_hist(f, "loop gap", &r->gap);
		fprintf(f, " }%s\n", i + 1 < s->nb_noise ? "," : "");
	}
	fprintf(f, "  ], \"rx_gaps_ns\": ");
	json_hist(f, "RX lcores' loop gaps", &s->rx_gaps);
	fprintf(f, " },\n  \"latency_host\": {");
	for (i = 0; i < TW_SPAN_MAX; i++) {
		if (i != TW_SPAN_SEND_CACHE && i != TW_SPAN_SEND_POLL &&
		    i != TW_SPAN_ACTUAL_CACHE)
			continue;
		fprintf(f, "%s\n    \"%s\": { \"samples\": %" PRIu64
			", \"waited_through_interruption\": %" PRIu64
			", \"host_from_percentile\": %.4f, "
			"\"uninterrupted_ns\": ", first ? "" : ",",
			tw_lat_span_name(i), s->span[i].count, s->touched[i],
			s->host_from_q[i] * 100);
		json_hist(f, tw_lat_span_name(i), &s->clean[i]);
		fprintf(f, " }");
		first = false;
	}
	fprintf(f, "\n  },\n");
}

static void
json_counters(FILE *f, const char *obj, const void *base,
		const struct tw_counter_name *names, size_t n)
{
	size_t i;

	fprintf(f, "  \"%s\": {\n", obj);
	for (i = 0; i < n; i++)
		fprintf(f, "    \"%s\": %" PRIu64 "%s\n", names[i].name,
			field(base, names[i].off), i + 1 < n ? "," : "");
	fprintf(f, "  },\n");
}

static void
json_recovery(FILE *f, const struct tw_recovery_report *r)
{
	fprintf(f, "{ \"gaps_open\": %" PRIu64 ", \"gaps_filled\": %" PRIu64
		", \"gaps_unrecovered\": %" PRIu64 ", \"messages_recovered\": %"
		PRIu64 ", \"messages_unrecovered\": %" PRIu64
		", \"messages_again\": %" PRIu64 ", \"requests\": %" PRIu64
		", \"requests_per_gap_max\": %" PRIu64 ", \"gaps_covered\": %"
		PRIu64 ", \"late_joins\": %" PRIu64 ", \"messages_before_join\": %"
		PRIu64 ", \"snapshots\": %" PRIu64 ", \"snapshots_failed\": %"
		PRIu64 ", \"messages_held_for_snapshot\": %" PRIu64 " }",
		r->gaps_open,
		r->gaps_filled, r->gaps_unrecovered, r->msgs_recovered,
		r->msgs_unrecovered, r->fill_dups, r->requests,
		r->requests_per_gap_max, r->gaps_covered, r->late_joins,
		r->msgs_before_join, r->snapshots, r->snapshots_failed,
		r->live_skipped);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void
json_str(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
json_ports(FILE *f, const struct tw_stats *s)
{
	unsigned int i, k;

	fprintf(f, "  \"ports\": [\n");
	for (i = 0; i < s->nb_ports; i++) {
		const struct tw_port_report *p = &s->ports[i];

		fprintf(f, "    { \"port\": %u, \"name\": ", p->port_id);
		json_str(f, p->name);
		fprintf(f, ", \"driver\": ");
		json_str(f, p->driver);
		fprintf(f, ", \"link_up\": %s", p->link_up ? "true" : "false");
		for (k = 0; k < RTE_DIM(port_names); k++)
			fprintf(f, ", \"%s\": %" PRIu64, port_names[k].name,
				field(p, port_names[k].off));
		fprintf(f, ", \"xstats\": {");
		for (k = 0; k < p->nb_xstats; k++) {
			fprintf(f, "%s", k > 0 ? ", " : " ");
			json_str(f, p->xstats[k].name);
			fprintf(f, ": %" PRIu64, p->xstats[k].value);
		}
		fprintf(f, "%s} }%s\n", p->nb_xstats > 0 ? " " : "",
			i + 1 < s->nb_ports ? "," : "");
	}
	fprintf(f, "  ],\n");
}

static void
json_hist(FILE *f, const char *span, const struct tw_hist_summary *h)
{
	fprintf(f, "{ \"span\": \"%s\", \"count\": %" PRIu64 ", \"min\": %"
		PRIu64 ", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64
		", \"p99\": %" PRIu64 ", \"p99_9\": %" PRIu64
		", \"p99_99\": %" PRIu64 ", \"max\": %" PRIu64
		", \"mean\": %.1f }", span, h->count, h->min, h->p50, h->p90,
		h->p99, h->p999, h->p9999, h->max, h->mean);
}

/* "name": now - prev for each counter of a names table. */
static void
json_deltas(FILE *f, const void *now, const void *prev,
		const struct tw_counter_name *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = field(now, names[i].off);
		uint64_t b = field(prev, names[i].off);

		/* A counter that went back (a port's, reset): from 0. */
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", names[i].name,
			a >= b ? a - b : a);
	}
}

void
tw_stats_write_phase(FILE *f, const struct tw_phase_report *p)
{
	const struct tw_phase_counts *a = &p->start, *b = &p->end;
	double dt = b->t_s - a->t_s;
	double per = dt > 0 ? 1.0 / dt : 0.0;
	uint64_t tx = b->gen.ticks + b->gen.directories - a->gen.ticks -
		a->gen.directories;

	fprintf(f, "{ \"index\": %u, \"name\": ", p->index);
	json_str(f, p->name);
	fprintf(f, ", \"opened_by\": \"%s\", \"open\": %s, \"paused\": %s, "
		"\"offered_rate\": %" PRIu64 ", \"start_s\": %.6f, "
		"\"end_s\": %.6f, \"duration_s\": %.6f, \"rates\": { "
		"\"tx_msgs_per_s\": %.1f, \"tx_pkts_per_s\": %.1f, "
		"\"rx_msgs_per_s\": %.1f, \"rx_pkts_per_s\": %.1f }, ",
		p->opened_by, p->open ? "true" : "false",
		p->paused ? "true" : "false", p->rate, a->t_s, b->t_s, dt,
		(double)tx * per, (double)(b->gen.pkts - a->gen.pkts) * per,
		(double)(b->rx.msgs - a->rx.msgs) * per,
		(double)(b->rx.pkts - a->rx.pkts) * per);
	fprintf(f, "\"drops_total\": %" PRIu64 ", \"gaps\": %" PRIu64
		", \"gap_messages\": %" PRIu64 ", \"duplicate_messages\": %"
		PRIu64 ", ", b->drops_total - a->drops_total, b->gaps - a->gaps,
		b->gap_msgs - a->gap_msgs, b->dup_msgs - a->dup_msgs);
	fprintf(f, "\"generator\": { ");
	json_deltas(f, &b->gen, &a->gen, gen_names, RTE_DIM(gen_names));
	fprintf(f, " }, \"rx\": { ");
	json_deltas(f, &b->rx, &a->rx, rx_names, RTE_DIM(rx_names));
	fprintf(f, " }, \"latency_ns\": ");
	json_hist(f, tw_lat_span_name(TW_SPAN_SEND_CACHE), &p->lat);
	fprintf(f, " }");
}

/*
 * "control" (the commands, in order) and "phases", last: readers that
 * take a key's first occurrence still find the run's own counters.
 */
static void
json_control(FILE *f, const struct tw_stats_meta *meta)
{
	unsigned int i;

	fprintf(f, "  \"control\": { \"commands\": %" PRIu64
		", \"refused\": %" PRIu64 ", \"log\": [",
		meta->control_commands, meta->control_refused);
	for (i = 0; i < meta->nb_control; i++) {
		const struct tw_control_event *e = &meta->control[i];

		fprintf(f, "%s\n    { \"t_s\": %.6f, \"command\": ",
			i ? "," : "", e->t_s);
		json_str(f, e->command);
		fprintf(f, ", \"params\": ");
		json_str(f, e->params);
		if (e->error[0] != '\0') {
			fprintf(f, ", \"error\": ");
			json_str(f, e->error);
		}
		fprintf(f, " }");
	}
	fprintf(f, "%s] },\n", meta->nb_control ? "\n  " : "");
	fprintf(f, "  \"phases\": [");
	for (i = 0; i < meta->nb_phases; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		tw_stats_write_phase(f, &meta->phases[i]);
	}
	fprintf(f, "%s]\n", meta->nb_phases ? "\n  " : "");
}

int
tw_stats_write_json(FILE *f, const struct tw_stats *s,
		const struct tw_stats_meta *meta)
{
	uint32_t i;

	fprintf(f, "{\n");
	/* The run record first: a file read later says what it was. */
	fprintf(f, "  \"run\": { \"started_utc\": ");
	json_str(f, meta->started_utc != NULL ? meta->started_utc : "");
	fprintf(f, ", \"host\": ");
	json_str(f, meta->host != NULL ? meta->host : "");
	fprintf(f, ", \"cpu_model\": ");
	json_str(f, meta->cpu_model != NULL ? meta->cpu_model : "");
	fprintf(f, ", \"cpu_flags\": ");
	json_str(f, meta->cpu_flags != NULL ? meta->cpu_flags : "");
	fprintf(f, ", \"version\": ");
	json_str(f, meta->version);
	fprintf(f, ", \"git\": ");
	json_str(f, meta->git != NULL ? meta->git : "unknown");
	fprintf(f, ", \"command_line\": ");
	json_str(f, meta->command_line != NULL ? meta->command_line : "");
	fprintf(f, ", \"eal_args\": ");
	json_str(f, meta->eal_args != NULL ? meta->eal_args : "");
	fprintf(f, ", \"profile\": ");
	json_str(f, meta->profile);
	fprintf(f, ", \"file_prefix\": ");
	json_str(f, meta->file_prefix != NULL ? meta->file_prefix : "");
	fprintf(f, ", \"rate\": %" PRIu64 ", \"count\": %" PRIu64
		", \"duration_s\": %g, \"seed\": %" PRIu64, meta->rate,
		meta->count, meta->duration_s, meta->seed);
	if (meta->replay_file != NULL && meta->replay_file[0] != '\0') {
		/* A replay: and what its latency means. */
		fprintf(f, ", \"replay\": { \"file\": ");
		json_str(f, meta->replay_file);
		fprintf(f, ", \"speed\": %g, \"rate\": %" PRIu64
			", \"latency_from\": \"%s\" }", meta->replay_speed,
			meta->replay_rate, meta->replay_restamp ?
			"replay" : "recording (its age, not a latency)");
	}
	fprintf(f, " },\n");
	fprintf(f, "  \"version\": \"%s\",\n", meta->version);
	fprintf(f, "  \"profile\": ");
	json_str(f, meta->profile);
	fprintf(f, ",\n");
	fprintf(f, "  \"simd\": \"%s\",\n", meta->simd);
	if (meta->verdict != NULL) {
		tw_verdict_write_json(f, meta->verdict);
		fprintf(f, ",\n");
	}
	if (meta->host_check != NULL)
		fprintf(f, "  \"host_check\": %s,\n", meta->host_check);
	fprintf(f, "  \"elapsed_s\": %.6f,\n", s->elapsed_s);
	json_counters(f, "generator", &s->gen, gen_names, RTE_DIM(gen_names));
	json_counters(f, "rx", &s->rx, rx_names, RTE_DIM(rx_names));
	fprintf(f, "  \"latency_ns\": ");
	json_hist(f, tw_lat_span_name(TW_SPAN_SEND_CACHE), &s->lat);
	fprintf(f, ",\n  \"latency_spans_ns\": {\n");
	for (i = 0; i < TW_SPAN_MAX; i++) {
		fprintf(f, "    \"%s\": ", tw_lat_span_name(i));
		json_hist(f, tw_lat_span_name(i), &s->span[i]);
		fprintf(f, "%s\n", i + 1 < TW_SPAN_MAX ? "," : "");
	}
	fprintf(f, "  },\n");
	json_noise(f, s);
	fprintf(f, "  \"tick_to_trade_ns\": ");
	json_hist(f, "quote sent -> order back", &s->rtt);
	fprintf(f, ",\n");
	fprintf(f, "  \"drops_total\": %" PRIu64 ",\n", s->drops_total);
	fprintf(f, "  \"drops\": {\n");
	for (i = 0; i < TW_DROP_MAX; i++)
		fprintf(f, "    \"%s\": %" PRIu64 "%s\n", tw_rx_drop_name(i),
			s->rx.drops[i], i + 1 < TW_DROP_MAX ? "," : "");
	fprintf(f, "  },\n");
	json_ports(f, s);
	fprintf(f, "  \"gaps\": %" PRIu64 ",\n", s->gaps);
	fprintf(f, "  \"gap_messages\": %" PRIu64 ",\n", s->gap_msgs);
	fprintf(f, "  \"duplicate_packets\": %" PRIu64 ",\n", s->dup_pkts);
	fprintf(f, "  \"duplicate_messages\": %" PRIu64 ",\n", s->dup_msgs);
	fprintf(f, "  \"channels_ended\": %" PRIu32 ",\n", s->channels_ended);
	fprintf(f, "  \"channels_not_ended\": %" PRIu32 ",\n",
		s->channels_not_ended);
	fprintf(f, "  \"messages_unreceived\": %" PRIu64 ",\n",
		s->unreceived);
	fprintf(f, "  \"recovery\": ");
	json_recovery(f, &s->rec);
	fprintf(f, ",\n");
	fprintf(f, "  \"channels\": [\n");
	for (i = 0; i < s->nb_channels; i++) {
		const struct tw_channel_report *c = &s->channels[i];
		struct in_addr a = { .s_addr = htonl(c->group) };
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		fprintf(f, "    { \"channel\": %" PRIu32 ", \"group\": \"%s\", "
			"\"port\": %u, \"expected_seq\": %" PRIu64 ", "
			"\"gaps\": %" PRIu64 ", \"gap_messages\": %" PRIu64
			", \"duplicate_packets\": %" PRIu64 ", \"ended\": %s"
			", \"end_seq\": %" PRIu64 ", \"sent_seq\": %" PRIu64
			", \"unreceived\": %" PRIu64 ", \"recovering\": %s, "
			"\"recovery\": ", i, ip,
			c->udp_port, c->expected, c->gaps, c->gap_msgs,
			c->dup_pkts, c->ended ? "true" : "false",
			c->ended ? c->expected : 0, c->sent_next,
			c->unreceived, c->rec.gaps_open ? "true" : "false");
		json_recovery(f, &c->rec);
		fprintf(f, " }%s\n", i + 1 < s->nb_channels ? "," : "");
	}
	fprintf(f, "  ],\n");
	json_control(f, meta);
	fprintf(f, "}\n");
	return ferror(f) ? -EIO : 0;
}

int
tw_stats_write_period(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_stats_lcore *lc,
		const struct tw_stats_lcore *lc_prev, unsigned int nb_lcores,
		const struct tw_hist_summary *lat, bool final,
		const char *phase)
{
	double dt = now->elapsed_s - prev->elapsed_s;
	double per = dt > 0 ? 1.0 / dt : 0.0;
	unsigned int i, first = 1;

	fprintf(f, "{\"t_s\": %.3f, \"interval_s\": %.3f, \"final\": %s, "
		"\"rates\": {\"tx_msgs_per_s\": %.0f, \"tx_pkts_per_s\": "
		"%.0f, \"rx_msgs_per_s\": %.0f, \"rx_pkts_per_s\": %.0f}, ",
		now->elapsed_s, dt, final ? "true" : "false",
		(double)(now->gen.ticks + now->gen.directories -
			 prev->gen.ticks - prev->gen.directories) * per,
		(double)(now->gen.pkts - prev->gen.pkts) * per,
		(double)(now->rx.msgs - prev->rx.msgs) * per,
		(double)(now->rx.pkts - prev->rx.pkts) * per);
	if (phase != NULL) {
		fprintf(f, "\"phase\": ");
		json_str(f, phase);
		fprintf(f, ", ");
	}
	fprintf(f, "\"generator\": {");
	json_deltas(f, &now->gen, &prev->gen, gen_names, RTE_DIM(gen_names));
	fprintf(f, "}, \"rx\": {");
	json_deltas(f, &now->rx, &prev->rx, rx_names, RTE_DIM(rx_names));
	fprintf(f, "}, \"drops\": {");
	for (i = 0; i < TW_DROP_MAX; i++) {
		uint64_t d = now->rx.drops[i] - prev->rx.drops[i];

		if (d == 0)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ",
			tw_rx_drop_name(i), d);
		first = 0;
	}
	fprintf(f, "}, \"rx_lcores\": [");
	for (i = 0; i < nb_lcores; i++)
		fprintf(f, "%s{\"lcore\": %u, \"packets\": %" PRIu64
			", \"messages\": %" PRIu64 ", \"drops\": %" PRIu64
			", \"msgs_per_s\": %.0f}", i ? ", " : "", lc[i].lcore_id,
			lc[i].pkts - lc_prev[i].pkts,
			lc[i].msgs - lc_prev[i].msgs,
			lc[i].drops - lc_prev[i].drops,
			(double)(lc[i].msgs - lc_prev[i].msgs) * per);
	fprintf(f, "], \"ports\": [");
	for (i = 0; i < now->nb_ports; i++) {
		const struct tw_port_report *a = &now->ports[i];
		const struct tw_port_report *b = &prev->ports[i];

		fprintf(f, "%s{\"port\": %u, ", i ? ", " : "", a->port_id);
		json_deltas(f, a, i < prev->nb_ports ? (const void *)b :
			(const void *)a, port_names, RTE_DIM(port_names));
		fprintf(f, ", \"link_up\": %s}", a->link_up ? "true" : "false");
	}
	fprintf(f, "], \"interruptions\": [");
	for (i = 0; i < now->nb_noise; i++) {
		const struct tw_noise_report *a = &now->noise[i];
		const struct tw_noise_report *b = i < prev->nb_noise ?
			&prev->noise[i] : a;

		fprintf(f, "%s{\"role\": \"%s\", \"lcore\": %u, \"stalls\": %"
			PRIu64 ", \"lost_ns\": %" PRIu64 ", \"lost_share\": "
			"%.6f, \"longest_ns\": %" PRIu64 "}", i ? ", " : "",
			a->role, a->lcore_id, a->gaps - (b != a ? b->gaps : 0),
			a->lost_ns - (b != a ? b->lost_ns : 0),
			b != a ? tw_noise_share_between(a, b) : a->lost_share,
			a->longest_ns);
	}
	fprintf(f, "], \"latency_ns\": {\"span\": \"send->cache\", "
		"\"count\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p99\": %"
		PRIu64 ", \"p99_9\": %" PRIu64 ", \"max\": %" PRIu64 "}}\n",
		lat->count, lat->p50, lat->p99, lat->p999, lat->max);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* --stats-csv's counter columns: the header's name, where it sits. */
#define CSV_GEN(n, f) { "generator_" n, offsetof(struct tw_stats, gen) + \
	offsetof(struct tw_gen_counters, f) }
#define CSV_RX(n, f) { "rx_" n, offsetof(struct tw_stats, rx) + \
	offsetof(struct tw_rx_counters, f) }
#define CSV_ST(n, f) { n, offsetof(struct tw_stats, f) }
static const struct tw_counter_name csv_counters[] = {
	CSV_GEN("ticks", ticks),
	CSV_GEN("directories", directories),
	CSV_GEN("packets", pkts),
	CSV_GEN("bytes", bytes),
	CSV_GEN("tx_dropped", tx_dropped),
	CSV_GEN("messages_dropped", msgs_dropped),
	CSV_GEN("end_of_session", end_of_session),
	CSV_RX("packets", pkts),
	CSV_RX("bytes", bytes),
	CSV_RX("messages", msgs),
	CSV_RX("quotes", quotes),
	CSV_RX("trades", trades),
	CSV_RX("heartbeats", heartbeats),
	CSV_RX("end_of_session", end_of_session),
	CSV_ST("drops", drops_total),
	CSV_ST("gaps", gaps),
	CSV_ST("gap_messages", gap_msgs),
	CSV_ST("duplicate_messages", dup_msgs),
};

int
tw_stats_write_period_csv_header(FILE *f)
{
	unsigned int i;

	fprintf(f, "t_s,interval_s,final,phase,tx_msgs_per_s,tx_pkts_per_s,"
		"rx_msgs_per_s,rx_pkts_per_s");
	for (i = 0; i < RTE_DIM(csv_counters); i++)
		fprintf(f, ",%s", csv_counters[i].name);
	fprintf(f, ",latency_count,latency_p50_ns,latency_p99_ns,"
		"latency_p99_9_ns,latency_max_ns\n");
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

int
tw_stats_write_period_csv(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist_summary *lat,
		bool final, const char *phase)
{
	double dt = now->elapsed_s - prev->elapsed_s;
	double per = dt > 0 ? 1.0 / dt : 0.0;
	unsigned int i;

	/* A phase name has no comma, quote or space (control_cmds.c). */
	fprintf(f, "%.3f,%.3f,%d,%s,%.0f,%.0f,%.0f,%.0f", now->elapsed_s, dt,
		final ? 1 : 0, phase != NULL ? phase : "",
		(double)(now->gen.ticks + now->gen.directories -
			 prev->gen.ticks - prev->gen.directories) * per,
		(double)(now->gen.pkts - prev->gen.pkts) * per,
		(double)(now->rx.msgs - prev->rx.msgs) * per,
		(double)(now->rx.pkts - prev->rx.pkts) * per);
	for (i = 0; i < RTE_DIM(csv_counters); i++) {
		uint64_t a = field(now, csv_counters[i].off);
		uint64_t b = field(prev, csv_counters[i].off);

		fprintf(f, ",%" PRIu64, a >= b ? a - b : a);
	}
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
		PRIu64 "\n", lat->count, lat->p50, lat->p99, lat->p999,
		lat->max);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

int
tw_stats_write_noise_csv(FILE *f, const struct tw_noise_report *r,
		const struct tw_hist *h, unsigned int nb)
{
	uint64_t lo, hi;
	unsigned int i, b;

	fprintf(f, "lcore,role,lo_ns,hi_ns,count\n");
	for (i = 0; i < nb; i++)
		for (b = 0; b < TW_HIST_BUCKETS; b++) {
			if (h[i].b[b] == 0)
				continue;
			tw_hist_bucket_range(b, &lo, &hi);
			fprintf(f, "%u,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				"\n", r[i].lcore_id, r[i].role, lo, hi,
				h[i].b[b]);
		}
	fprintf(f, "\nlcore,role,threshold_ns,elapsed_ns,stalls,lost_ns,"
		"lost_share,longest_ns,p50_ns,p90_ns,p99_ns,p999_ns\n");
	for (i = 0; i < nb; i++)
		fprintf(f, "%u,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
			PRIu64 "\n", r[i].lcore_id, r[i].role, r[i].threshold_ns,
			r[i].elapsed_ns, r[i].gaps, r[i].lost_ns,
			r[i].lost_share, r[i].longest_ns, r[i].gap.p50,
			r[i].gap.p90, r[i].gap.p99, r[i].gap.p999);
	return ferror(f) ? -EIO : 0;
}
