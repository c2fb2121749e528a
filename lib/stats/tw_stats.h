/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters as the outside sees them: totals over lcores, the periodic
 * stats line, the final summary and the stats JSON.
 *
 * Owns: the names of counters in every report (one table per counter
 * struct, so a counter added there shows up everywhere), lock-free
 * reading of counters other lcores write.
 * Never touches: the counters' owners' state, beyond relaxed reads.
 */
#ifndef TW_STATS_H
#define TW_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_feed.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_noise.h"
#include "tw_parse.h"
#include "tw_port.h"

/* Pollers whose interruptions a report shows: RX and generator lcores. */
#define TW_STATS_NOISE_MAX 24

/* What recovery did on a channel, or summed over them. */
struct tw_recovery_report {
	uint64_t gaps_open;     /* being recovered now */
	uint64_t gaps_filled;
	uint64_t gaps_unrecovered; /* given up: symbols marked stale */
	uint64_t msgs_recovered;
	uint64_t msgs_unrecovered;
	uint64_t fill_dups;     /* retransmitted or late, no longer missing */
	uint64_t requests;
	uint64_t requests_per_gap_max;
	uint64_t gaps_covered;  /* two lines: filled by the other line */
	uint64_t late_joins;    /* first frame far into the session */
	uint64_t msgs_before_join;
	uint64_t snapshots;     /* channel states taken in */
	uint64_t snapshots_failed;
	uint64_t live_skipped;  /* not applied while a snapshot was wanted */
};

struct tw_channel_report {
	uint32_t group;         /* host order */
	uint16_t udp_port;
	uint64_t expected;
	uint64_t gaps;
	uint64_t gap_msgs;
	uint64_t dup_pkts;
	uint64_t dup_msgs;
	uint64_t heartbeats;
	uint64_t last_rx_ns;
	uint32_t ended;         /* end of session seen (at expected) */
	uint64_t sent_next;     /* generator's next sequence; 0: unknown */
	uint64_t unreceived;    /* sent, never received or counted as a gap */
	struct tw_recovery_report rec;
};

/* Everything a report shows, read at one moment. */
struct tw_stats {
	double elapsed_s;
	struct tw_gen_counters gen;
	struct tw_rx_counters rx;
	uint64_t drops_total;
	uint64_t gaps;
	uint64_t gap_msgs;
	uint64_t dup_pkts;
	uint64_t dup_msgs;
	struct tw_recovery_report rec; /* over every channel */
	uint32_t nb_channels;
	uint32_t channels_ended;
	uint32_t channels_not_ended;  /* of a receiving process */
	uint64_t unreceived;    /* messages sent here and never received */
	bool receiving;         /* the process has RX lcores */
	bool sending;           /* the process has a generator */
	bool latency_is_age;    /* fed from a capture file: send times are
				 * the recording's, so "latency" is its age */
	struct tw_channel_report *channels; /* nb_channels, caller's memory */
	struct tw_hist_summary lat; /* send -> cache updated, merged */
	struct tw_hist_summary span[TW_SPAN_MAX];
	struct tw_hist_summary rtt; /* tick to trade, generator's clock */
	uint16_t nb_ports;
	struct tw_port_report ports[TW_MAX_PORTS];
	/*
	 * The pollers' own interruptions (lib/noise), RX lcores first,
	 * and what they explain of the spans: the RX lcores' gaps merged;
	 * per span, the samples whose packets waited through one
	 * (touched), the percentiles of the rest (clean: polled without an
	 * interruption in between), and the span's quantile at the gaps'
	 * median (host_from_q: the share of samples shorter than a typical
	 * interruption; 1 when there is none).
	 */
	unsigned int nb_noise;
	struct tw_noise_report noise[TW_STATS_NOISE_MAX];
	struct tw_hist_summary rx_gaps;
	uint64_t touched[TW_SPAN_MAX];
	struct tw_hist_summary clean[TW_SPAN_MAX];
	double host_from_q[TW_SPAN_MAX];
};

/* A counter's report name and where it sits in its struct. */
struct tw_counter_name {
	const char *name;
	size_t off;
	/*
	 * Channel counters only: where each lcore's channel state keeps it
	 * (lib/feed's struct tw_channel_state) and how the lcores' values
	 * fold into the report (TW_FOLD_SUM, TW_FOLD_MAX; TW_FOLD_NONE: the
	 * report computes it).
	 */
	size_t state_off;
	uint8_t fold;
	/* In compact listings too (telemetry's /tickwire/channels, whose
	 * answer for 64 channels must fit DPDK's 16 KB reply). */
	bool brief;
};

enum { TW_FOLD_NONE, TW_FOLD_SUM, TW_FOLD_MAX };

/*
 * The counters of struct tw_channel_report, one line each: the
 * channel's own first, then its recovery's (off inside .rec), in the
 * order reports show them. The stats JSON (per channel and the run's
 * recovery), telemetry's /tickwire/channels and the folding over lcores
 * all read this table: a new per-channel counter is its field in
 * struct tw_channel_counters and struct tw_channel_report and a line.
 */
const struct tw_counter_name *tw_stats_channel_names(unsigned int *n);

/* Whether a channel counter of that table belongs to its recovery. */
static inline bool
tw_stats_channel_is_rec(const struct tw_counter_name *c)
{
	return c->off >= offsetof(struct tw_channel_report, rec);
}

/* The named counters of struct tw_rx_counters / tw_gen_counters. */
const struct tw_counter_name *tw_stats_rx_names(unsigned int *n);
const struct tw_counter_name *tw_stats_gen_names(unsigned int *n);
/* The u64 fields of struct tw_port_report, by report name. */
const struct tw_counter_name *tw_stats_port_names(unsigned int *n);
/* One counter of a struct another lcore writes (relaxed load). */
uint64_t tw_counter_read(const void *counters,
		const struct tw_counter_name *c);

/* sum += c, each field read once (relaxed). */
void tw_stats_add_rx(struct tw_rx_counters *sum,
		const struct tw_rx_counters *c);
void tw_stats_add_gen(struct tw_gen_counters *sum,
		const struct tw_gen_counters *c);
/* Fold one lcore's channel states (nb entries) into s->channels. */
void tw_stats_add_channels(struct tw_stats *s,
		const struct tw_channel_state *ch, uint32_t nb);
/* Derive drops_total, gaps, duplicates and channels_ended. */
void tw_stats_finish(struct tw_stats *s);

/*
 * One line: counts and rates since prev; lat: send->cache over the same
 * period (the merged histogram's increase since prev was read).
 */
void tw_stats_print_line(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist_summary *lat);
void tw_stats_print_summary(FILE *f, const struct tw_stats *s);
/* One poller's interruptions: a line after indent. */
void tw_stats_print_noise(FILE *f, const char *indent,
		const struct tw_noise_report *r);

struct tw_verdict;

/*
 * A phase: the segment of a run between two control commands (a mark,
 * a rate change, a pause or a resume; app/tickwire/control_phase.c), with the
 * counters at its two ends and its own send->cache figures.
 */
#define TW_PHASE_NAME 48

struct tw_phase_counts {
	double t_s;             /* since the run's start */
	struct tw_gen_counters gen;
	struct tw_rx_counters rx;
	uint64_t drops_total;
	uint64_t gaps;
	uint64_t gap_msgs;
	uint64_t dup_msgs;
};

struct tw_phase_report {
	unsigned int index;     /* 0, 1, ... in the run */
	char name[TW_PHASE_NAME];
	const char *opened_by;  /* "start", "mark", "rate", "pause", ... */
	uint64_t rate;          /* offered, messages/s (0: unlimited) */
	bool paused;            /* the generator sent nothing */
	bool open;              /* still running (end is "now") */
	struct tw_phase_counts start, end;
	struct tw_hist_summary lat; /* send->cache within the phase */
	struct tw_hist_summary t2t; /* tick to trade within it (orders) */
};

/* One control command as the run record keeps it. */
#define TW_CONTROL_TEXT 96

struct tw_control_event {
	double t_s;
	char command[24];       /* "rate", "pause", ... */
	char params[TW_CONTROL_TEXT];
	char error[TW_CONTROL_TEXT]; /* "" when applied */
};

/* The run record: what ran, where, how, asked for what. */
struct tw_stats_meta {
	const char *version;
	const char *profile;
	const char *simd;       /* SIMD level of the hot loops */
	const char *git;        /* revision built, or "unknown" */
	const char *started_utc; /* ISO 8601 */
	const char *host;
	const char *cpu_model;
	const char *cpu_flags;  /* the SIMD ones the CPU has */
	const char *command_line;
	const char *eal_args;   /* as given to rte_eal_init */
	uint64_t rate;          /* requested, messages/s (0: unlimited) */
	uint64_t count;         /* requested ticks (0: no end) */
	double duration_s;      /* requested (0: until done) */
	uint64_t seed;
	const char *replay_file; /* a capture replayed, or NULL */
	double replay_speed;
	uint64_t replay_rate;
	bool replay_restamp;    /* false: latency is the recording's age */
	const char *file_prefix; /* the DPDK file prefix tools attach to */
	const struct tw_verdict *verdict; /* NULL: none (a tool's JSON) */
	const char *host_check; /* the host check's JSON object, or NULL */
	const char *clock;      /* the clock domain's JSON object, or NULL */
	/* Control through telemetry: the phases and the commands. */
	const struct tw_phase_report *phases;
	unsigned int nb_phases;
	const struct tw_control_event *control;
	unsigned int nb_control;        /* kept in control[] */
	uint64_t control_commands;      /* every one, applied or refused */
	uint64_t control_refused;
};

/* One phase as a JSON object (the stats JSON's "phases" entries). */
void tw_stats_write_phase(FILE *f, const struct tw_phase_report *p);

/* v with its thousands grouped ("1,234,567") into buf; returns buf. */
const char *tw_grouped(char *buf, size_t len, uint64_t v);

/*
 * The same in the next of a ring of 16 buffers: enough for the arguments
 * of one printf. For human output only, from one thread.
 */
const char *tw_grp(uint64_t v);

int tw_stats_write_json(FILE *f, const struct tw_stats *s,
		const struct tw_stats_meta *meta);

/* One RX lcore's counts at a moment, for the period lines. */
struct tw_stats_lcore {
	unsigned int lcore_id;
	uint64_t pkts;
	uint64_t msgs;
	uint64_t drops;
};

/*
 * One line of JSON (JSON Lines) for the period from prev to now: every
 * generator and RX counter's increase, drops by reason, per port and
 * per RX lcore, rates, and the period's send->cache percentiles (lat:
 * the merged histogram's increase). Summed over a run's lines, the
 * counters are the final JSON's. final: the run's last line; phase: the
 * name of the phase running at the line's end (NULL: none).
 */
int tw_stats_write_period(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_stats_lcore *lc,
		const struct tw_stats_lcore *lc_prev, unsigned int nb_lcores,
		const struct tw_hist_summary *lat, bool final,
		const char *phase);

/*
 * --stats-csv: the same periods as tw_stats_write_period, one CSV row
 * each, under one header of stable columns (README: Reports):
 * t_s, interval_s, final, phase, four rates, the main generator and RX
 * counters' increases, drops, gaps, gap and duplicate messages, and
 * the period's send->cache count, p50, p99, p99.9 and max (ns). New
 * columns only ever go at the end. 0, or -EIO.
 */
int tw_stats_write_period_csv_header(FILE *f);

/*
 * The latency CSVs' companion (PREFIX.interruptions.csv): for each of
 * nb pollers (r[i], its gaps' histogram h[i]), the histogram's
 * non-empty buckets under the header lcore,role,lo_ns,hi_ns,count; then
 * an empty line and a summary, a row per poller, under the header
 * lcore,role,threshold_ns,elapsed_ns,stalls,lost_ns,lost_share,
 * longest_ns,p50_ns,p90_ns,p99_ns,p999_ns. 0, or -EIO.
 */
int tw_stats_write_noise_csv(FILE *f, const struct tw_noise_report *r,
		const struct tw_hist *h, unsigned int nb);
int tw_stats_write_period_csv(FILE *f, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist_summary *lat,
		bool final, const char *phase);

#endif /* TW_STATS_H */
