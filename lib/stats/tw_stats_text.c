/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters as people read them: the periodic stats line (rates,
 * drops, gaps, the period's latency, the worst poller's interruptions,
 * port problems), the summary at the end (what was sent and received,
 * recovery, faults, lines, the request server, channels not ended,
 * drops by reason, ports, latency and what the host explains of it,
 * the pollers' interruptions), and numbers with their thousands
 * grouped.
 *
 * Owns: the wording and layout of those lines. Never touches: the
 * counters (it prints a struct tw_stats), the machine-read reports
 * (tw_stats_json.c, tw_stats_period.c).
 */
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>

#include "tw_stats.h"

/* Port problems under the periodic line: only what is not zero. */
static void
print_port_problems(FILE *f, const struct tw_stats *s)
{
	char a[32];
	unsigned int i, k;

	for (i = 0; i < s->nb_ports; i++) {
		const struct tw_port_report *p = &s->ports[i];
		const struct { const char *name; uint64_t v; } c[] = {
			{ "imissed", p->imissed }, { "ierrors", p->ierrors },
			{ "rx_nombuf", p->rx_nombuf },
			{ "oerrors", p->oerrors },
		};

		if (p->link_up && p->imissed == 0 && p->ierrors == 0 &&
		    p->rx_nombuf == 0 && p->oerrors == 0)
			continue;
		fprintf(f, "           port %u:%s", p->port_id,
			p->link_up ? "" : " link down");
		for (k = 0; k < RTE_DIM(c); k++)
			if (c[k].v != 0)
				fprintf(f, " %s %s", c[k].name,
					tw_grouped(a, sizeof(a), c[k].v));
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
	/* A kernel receiver's thread is no lcore: its role alone. */
	if (strcmp(r->role, "sockrx") == 0)
		fprintf(f, "%s%s", indent, r->role);
	else
		fprintf(f, "%s%s lcore %u", indent, r->role, r->lcore_id);
	fprintf(f, ": %.2f%% of %.2f s lost, %s gaps over %s ns",
		r->lost_share * 100, r->elapsed_ns / 1e9, tw_grp(r->gaps),
		tw_grp(r->threshold_ns));
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
	if (s->rx.lat_not_send != 0)
		fprintf(f, "  latency: not measured from %s packets: the feed "
			"stamps its session clock, not the send time (for "
			"itch50, [itch] timestamps = send in the generator's "
			"profile and the receiver's measures it)\n",
			tw_grouped(a, sizeof(a), s->rx.lat_not_send));
	if (s->rx.lat_negative + s->rx.lat_out_of_range != 0)
		/* Said, never silent: a timestamp that is not a send time of
		 * this host's clock (a session clock, an unsynchronised host)
		 * is no sample. */
		fprintf(f, "  latency: %s packets' timestamps were not send "
			"times of this host's clock (%s ahead of it, %s further "
			"than [rx] max_latency_s behind): no samples from them%s\n",
			tw_grouped(a, sizeof(a), s->rx.lat_negative +
				s->rx.lat_out_of_range),
			tw_grouped(b, sizeof(b), s->rx.lat_negative),
			tw_grouped(c, sizeof(c), s->rx.lat_out_of_range),
			s->lat.count == 0 ? "; none measured (a feed stamped "
			"with a session clock, or another host's clock)" : "");
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
			"loops over each one's threshold: [host] "
			"stall_threshold_ns, sockrx_stall_threshold_ns):\n");
	for (i = 0; i < s->nb_noise; i++)
		tw_stats_print_noise(f, "    ", &s->noise[i]);
}
