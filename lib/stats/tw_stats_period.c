/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The period reports, written while the run goes: one JSON line per
 * stats period (--stats-lines: every counter's increase, drops, RX
 * lcores, ports, interruptions, the period's latency) and one CSV row
 * (--stats-csv, under one header of stable columns); and the latency
 * CSVs' companion, the pollers' interruptions as CSV.
 *
 * Owns: those lines' keys and columns (new CSV columns only ever go at
 * the end). Never touches: the counters (it writes what two struct
 * tw_stats say), the stream or file (the caller's), the final JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>

#include <rte_common.h>

#include "tw_stats_private.h"

int
tw_stats_write_period(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_stats_lcore *lc,
		const struct tw_stats_lcore *lc_prev, unsigned int nb_lcores,
		const struct tw_hist_summary *lat, bool final,
		const char *phase)
{
	double dt = now->elapsed_s - prev->elapsed_s;
	double per = dt > 0 ? 1.0 / dt : 0.0;
	const struct tw_counter_name *names;
	unsigned int i, nb_names, first = 1;

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
		tw_stats_json_str(f, phase);
		fprintf(f, ", ");
	}
	fprintf(f, "\"generator\": {");
	names = tw_stats_gen_names(&nb_names);
	tw_stats_json_deltas(f, &now->gen, &prev->gen, names, nb_names);
	fprintf(f, "}, \"rx\": {");
	names = tw_stats_rx_names(&nb_names);
	tw_stats_json_deltas(f, &now->rx, &prev->rx, names, nb_names);
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
	names = tw_stats_port_names(&nb_names);
	for (i = 0; i < now->nb_ports; i++) {
		const struct tw_port_report *a = &now->ports[i];
		const struct tw_port_report *b = &prev->ports[i];

		fprintf(f, "%s{\"port\": %u, ", i ? ", " : "", a->port_id);
		tw_stats_json_deltas(f, a, i < prev->nb_ports ?
			(const void *)b : (const void *)a, names, nb_names);
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
		uint64_t a = tw_stats_field(now, csv_counters[i].off);
		uint64_t b = tw_stats_field(prev, csv_counters[i].off);

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
