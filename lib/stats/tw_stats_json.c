/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats JSON (--stats-json): the run record first (what ran,
 * where, how, asked for what), the verdict, the counters by their
 * tables' names, every latency span, the pollers' interruptions and
 * what they explain, drops, ports, gaps, recovery per channel and in
 * all, then the control commands and the phases. Also a phase alone
 * and the JSON pieces the period lines share (strings, deltas).
 *
 * Owns: the JSON's keys and layout. Never touches: the counters (it
 * writes a struct tw_stats), the file (the caller's, lib/stats
 * tw_outfile.h), the human output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>

#include <rte_common.h>

#include "tw_stats_private.h"
#include "tw_verdict.h"

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
			tw_stats_field(base, names[i].off),
			i + 1 < n ? "," : "");
	fprintf(f, "  },\n");
}

/* A recovery report (the run's, or a channel's) from the channel
 * table's recovery lines. */
static void
json_recovery(FILE *f, const struct tw_recovery_report *r)
{
	const size_t rec = offsetof(struct tw_channel_report, rec);
	const struct tw_counter_name *names;
	unsigned int k, n;
	const char *sep = "{ ";

	names = tw_stats_channel_names(&n);
	for (k = 0; k < n; k++) {
		if (!tw_stats_channel_is_rec(&names[k]))
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, sep, names[k].name,
			tw_stats_field(r, names[k].off - rec));
		sep = ", ";
	}
	fprintf(f, " }");
}

/* A channel's own counters (not its recovery's), from the table. */
static void
json_channel_counters(FILE *f, const struct tw_channel_report *c)
{
	const struct tw_counter_name *names;
	unsigned int k, n;

	names = tw_stats_channel_names(&n);
	for (k = 0; k < n; k++)
		if (!tw_stats_channel_is_rec(&names[k]))
			fprintf(f, "\"%s\": %" PRIu64 ", ", names[k].name,
				tw_stats_field(c, names[k].off));
}

void
tw_stats_json_str(FILE *f, const char *v)
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
	unsigned int i, k, nb_names;
	const struct tw_counter_name *names = tw_stats_port_names(&nb_names);

	fprintf(f, "  \"ports\": [\n");
	for (i = 0; i < s->nb_ports; i++) {
		const struct tw_port_report *p = &s->ports[i];

		fprintf(f, "    { \"port\": %u, \"name\": ", p->port_id);
		tw_stats_json_str(f, p->name);
		fprintf(f, ", \"driver\": ");
		tw_stats_json_str(f, p->driver);
		fprintf(f, ", \"link_up\": %s", p->link_up ? "true" : "false");
		for (k = 0; k < nb_names; k++)
			fprintf(f, ", \"%s\": %" PRIu64, names[k].name,
				tw_stats_field(p, names[k].off));
		fprintf(f, ", \"xstats\": {");
		for (k = 0; k < p->nb_xstats; k++) {
			fprintf(f, "%s", k > 0 ? ", " : " ");
			tw_stats_json_str(f, p->xstats[k].name);
			fprintf(f, ": %" PRIu64, p->xstats[k].value);
		}
		fprintf(f, "%s} }%s\n", p->nb_xstats > 0 ? " " : "",
			i + 1 < s->nb_ports ? "," : "");
	}
	fprintf(f, "  ],\n");
}

void
tw_stats_json_deltas(FILE *f, const void *now, const void *prev,
		const struct tw_counter_name *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = tw_stats_field(now, names[i].off);
		uint64_t b = tw_stats_field(prev, names[i].off);

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
	const struct tw_counter_name *gen_names, *rx_names;
	unsigned int nb_gen, nb_rx;

	gen_names = tw_stats_gen_names(&nb_gen);
	rx_names = tw_stats_rx_names(&nb_rx);

	fprintf(f, "{ \"index\": %u, \"name\": ", p->index);
	tw_stats_json_str(f, p->name);
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
	tw_stats_json_deltas(f, &b->gen, &a->gen, gen_names, nb_gen);
	fprintf(f, " }, \"rx\": { ");
	tw_stats_json_deltas(f, &b->rx, &a->rx, rx_names, nb_rx);
	fprintf(f, " }, \"latency_ns\": ");
	json_hist(f, tw_lat_span_name(TW_SPAN_SEND_CACHE), &p->lat);
	/* The orders' round trips in the phase (tick to trade). */
	fprintf(f, ", \"tick_to_trade_ns\": ");
	json_hist(f, "quote sent -> order back", &p->t2t);
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
		tw_stats_json_str(f, e->command);
		fprintf(f, ", \"params\": ");
		tw_stats_json_str(f, e->params);
		if (e->error[0] != '\0') {
			fprintf(f, ", \"error\": ");
			tw_stats_json_str(f, e->error);
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
	const struct { const char *key, *v; } run[] = {
		{ "started_utc", meta->started_utc }, { "host", meta->host },
		{ "cpu_model", meta->cpu_model },
		{ "cpu_flags", meta->cpu_flags },
		{ "version", meta->version },
		{ "git", meta->git != NULL ? meta->git : "unknown" },
		{ "command_line", meta->command_line },
		{ "eal_args", meta->eal_args }, { "profile", meta->profile },
		{ "file_prefix", meta->file_prefix },
	};
	const struct tw_counter_name *names;
	unsigned int nb_names;
	uint32_t i;

	fprintf(f, "{\n");
	/* The run record first: a file read later says what it was. */
	fprintf(f, "  \"run\": {");
	for (i = 0; i < RTE_DIM(run); i++) {
		fprintf(f, "%s \"%s\": ", i ? "," : "", run[i].key);
		tw_stats_json_str(f, run[i].v != NULL ? run[i].v : "");
	}
	fprintf(f, ", \"rate\": %" PRIu64 ", \"count\": %" PRIu64
		", \"duration_s\": %g, \"seed\": %" PRIu64, meta->rate,
		meta->count, meta->duration_s, meta->seed);
	if (meta->replay_file != NULL && meta->replay_file[0] != '\0') {
		/* A replay: and what its latency means. */
		fprintf(f, ", \"replay\": { \"file\": ");
		tw_stats_json_str(f, meta->replay_file);
		fprintf(f, ", \"speed\": %g, \"rate\": %" PRIu64
			", \"latency_from\": \"%s\" }", meta->replay_speed,
			meta->replay_rate, meta->replay_restamp ?
			"replay" : "recording (its age, not a latency)");
	}
	fprintf(f, " },\n");
	fprintf(f, "  \"version\": \"%s\",\n", meta->version);
	fprintf(f, "  \"profile\": ");
	tw_stats_json_str(f, meta->profile);
	fprintf(f, ",\n");
	fprintf(f, "  \"simd\": \"%s\",\n", meta->simd);
	if (meta->verdict != NULL) {
		tw_verdict_write_json(f, meta->verdict);
		fprintf(f, ",\n");
	}
	if (meta->host_check != NULL)
		fprintf(f, "  \"host_check\": %s,\n", meta->host_check);
	if (meta->clock != NULL)
		fprintf(f, "  \"clock\": %s,\n", meta->clock);
	fprintf(f, "  \"elapsed_s\": %.6f,\n", s->elapsed_s);
	names = tw_stats_gen_names(&nb_names);
	json_counters(f, "generator", &s->gen, names, nb_names);
	names = tw_stats_rx_names(&nb_names);
	json_counters(f, "rx", &s->rx, names, nb_names);
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
			"\"port\": %u, \"expected_seq\": %" PRIu64 ", ", i,
			ip, c->udp_port, c->expected);
		json_channel_counters(f, c);
		fprintf(f, "\"ended\": %s, \"end_seq\": %" PRIu64
			", \"sent_seq\": %" PRIu64 ", \"unreceived\": %" PRIu64
			", \"recovering\": %s, \"recovery\": ",
			c->ended ? "true" : "false",
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
