/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run's reports, on the main lcore: each report path checked and
 * opened before the EAL (lib/stats/tw_outfile.h's rules), the verdict
 * (lib/stats/tw_verdict.h) from the final counters and every symbol's
 * stale mark, the summary, and every report written at the end. It reads
 * what it reports through the published view and the caches, and never
 * touches the lcores or the streams' lines (run.c writes those).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cpuflags.h>

#include "tickwire.h"
#include "tw_git.h"

/* Each report's path, by enum tw_app_out (the latency CSVs apart). */
static const char *
out_path(const struct tw_config *cfg, unsigned int i)
{
	switch (i) {
	case APP_OUT_STATS: return cfg->stats_json;
	case APP_OUT_CACHE: return cfg->dump_cache;
	case APP_OUT_TRUTH: return cfg->dump_truth;
	case APP_OUT_BOOKS: return cfg->dump_books;
	case APP_OUT_TRUTH_BOOKS: return cfg->dump_truth_books;
	case APP_OUT_ITCH: return cfg->itch_out;
	default: return "";
	}
}

/* Reports the profile cannot produce: a usage error, said before any
 * file is touched. */
static int
outputs_usage(const struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	unsigned int i, dash = 0;

	if (cfg->dump_truth[0] != '\0' && !cfg->gen_enabled) {
		fprintf(stderr, "tickwire: --dump-truth: this process has no "
			"generator\n");
		return -EINVAL;
	}
	if ((cfg->dump_books[0] != '\0' && (!cfg->rx_enabled ||
	     !app->proto->caps.books)) || (cfg->dump_truth_books[0] != '\0' &&
	     (!cfg->gen_enabled || !app->proto->caps.books))) {
		fprintf(stderr, "tickwire: --dump-books and "
			"--dump-truth-books: books are kept with [feed] "
			"protocol = itch50, by RX lcores and by a generator\n");
		return -EINVAL;
	}
	if (cfg->itch_out[0] != '\0' && (!cfg->gen_enabled ||
					 !app->proto->caps.books)) {
		fprintf(stderr, "tickwire: --itch-out: an itch50 generator "
			"writes the day file; this process has none\n");
		return -EINVAL;
	}
	for (i = 0; i < APP_OUT_LAT; i++) {
		const char *p = out_path(cfg, i);
		unsigned int j;

		dash += tw_outfile_is_stdout(p);
		if (p[0] == '\0' || tw_outfile_is_stdout(p))
			continue;
		for (j = i + 1; j < APP_OUT_LAT; j++)
			if (strcmp(p, out_path(cfg, j)) == 0)
				break;
		if (j < APP_OUT_LAT || strcmp(p, cfg->stats_lines) == 0) {
			fprintf(stderr, "tickwire: %s names two reports\n",
				p);
			return -EINVAL;
		}
	}
	dash += tw_outfile_is_stdout(cfg->stats_lines);
	dash += tw_outfile_is_stdout(cfg->stats_csv);
	if (dash > 1) {
		fprintf(stderr, "tickwire: '-' (standard output) names more "
			"than one report\n");
		return -EINVAL;
	}
	return 0;
}

/* Beside the latency CSVs, the pollers' interruptions. */
static int
open_noise_csv(struct tw_app *app, char *err, size_t errlen)
{
	const struct tw_config *cfg = &app->cfg;
	char path[PATH_MAX];

	if (!cfg->rx_enabled || cfg->latency_csv[0] == '\0')
		return tw_outfile_open(&app->out[APP_OUT_NOISE], "", err,
			errlen);
	if ((size_t)snprintf(path, sizeof(path), "%s.interruptions.csv",
			cfg->latency_csv) >= sizeof(path)) {
		snprintf(err, errlen, "%.200s...: path too long",
			cfg->latency_csv);
		return -ENAMETOOLONG;
	}
	return tw_outfile_open(&app->out[APP_OUT_NOISE], path, err, errlen);
}

int
tw_app_open_outputs(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	char err[PATH_MAX + 128];
	unsigned int i;
	int rc;

	/* Not open yet: a discard before they are closes nothing. */
	app->lines_out.fd = -1;
	app->csv_out.fd = -1;
	rc = outputs_usage(app);
	if (rc != 0)
		return rc;
	for (i = 0; i < APP_OUT_LAT && rc == 0; i++)
		rc = tw_outfile_open(&app->out[i], out_path(cfg, i), err,
			sizeof(err));
	if (rc == 0 && cfg->rx_enabled)
		rc = tw_outfile_open_latency(&app->out[APP_OUT_LAT],
			cfg->latency_csv, err, sizeof(err));
	if (rc == 0)
		rc = open_noise_csv(app, err, sizeof(err));
	/* Streamed, so read while it grows: opened (or refused) now. */
	if (rc == 0)
		rc = tw_outstream_open(&app->lines_out, cfg->stats_lines, err,
			sizeof(err));
	if (rc == 0)
		rc = tw_outstream_open(&app->csv_out, cfg->stats_csv, err,
			sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "tickwire: %s\n", err);
		tw_app_discard_outputs(app);
		return rc == -EINVAL ? -EPERM : rc;
	}
	return 0;
}

void
tw_app_discard_outputs(struct tw_app *app)
{
	char err[8];
	unsigned int i;

	for (i = 0; i < APP_OUT_MAX; i++)
		tw_outfile_discard(&app->out[i]);
	/* What streamed so far stays: it was true when written. */
	tw_outstream_close(&app->lines_out, err, sizeof(err));
	tw_outstream_close(&app->csv_out, err, sizeof(err));
}

/* The CPU's model name, and the SIMD features it has, for the record. */
static void
cpu_record(char *model, size_t mlen, char *flags, size_t flen)
{
	static const struct {
		enum rte_cpu_flag_t flag;
		const char *name;
	} simd[] = {
#ifdef RTE_ARCH_X86
		{ RTE_CPUFLAG_SSE4_2, "sse4_2" }, { RTE_CPUFLAG_AVX2, "avx2" },
		{ RTE_CPUFLAG_AVX512F, "avx512f" },
		{ RTE_CPUFLAG_AVX512BW, "avx512bw" },
		{ RTE_CPUFLAG_AVX512VL, "avx512vl" },
		{ RTE_CPUFLAG_AVX512DQ, "avx512dq" },
#endif
	};
	char line[512];
	size_t used = 0;
	unsigned int i;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && v != NULL) {
			v += 1 + (v[1] == ' ');
			v[strcspn(v, "\n")] = '\0';
			snprintf(model, mlen, "%s", v);
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	flags[0] = '\0';
	for (i = 0; i < RTE_DIM(simd) && used < flen; i++)
		if (rte_cpu_get_flag_enabled(simd[i].flag) > 0)
			used += (size_t)snprintf(flags + used, flen - used,
				"%s%s", used ? " " : "", simd[i].name);
}

/*
 * The pollers' interruptions with each one's histogram, in the stats
 * JSON's order (RX lcores, then generator lcores).
 */
static int
write_noise_csv(const struct tw_app *app, FILE *f)
{
	const struct tw_view *v = app->view;
	struct tw_noise_report *r = calloc(TW_STATS_NOISE_MAX, sizeof(*r));
	struct tw_hist *h = calloc(TW_STATS_NOISE_MAX, sizeof(*h));
	unsigned int i, n = 0;
	int rc = -ENOMEM;

	if (r != NULL && h != NULL) {
		for (i = 0; i < v->nb_rx && n < TW_STATS_NOISE_MAX; i++)
			if (v->rx_noise[i] != NULL) {
				tw_hist_init(&h[n]);
				tw_noise_read(v->rx_noise[i], v->rx_lcore[i],
					"rx", &r[n], &h[n]);
				n++;
			}
		for (i = 0; i < v->nb_gen && n < TW_STATS_NOISE_MAX; i++)
			if (v->gen_noise[i] != NULL) {
				tw_hist_init(&h[n]);
				tw_noise_read(v->gen_noise[i], v->gen_lcore[i],
					"gen", &r[n], &h[n]);
				n++;
			}
		rc = tw_stats_write_noise_csv(f, r, h, n);
	}
	free(r);
	free(h);
	return rc;
}

/*
 * The generator's truth books: each symbol's row from the model of the
 * generator lcore that sends its channel (gen_setup.c: channel c on
 * lcore c % lcores), which alone has its orders.
 */
static int
dump_truth_books(const struct tw_app *app, FILE *f)
{
	const struct tw_config *cfg = &app->cfg;
	uint32_t l;

	tw_books_csv_header(f);
	for (l = 0; l < cfg->symbols; l++)
		tw_books_csv_row(app->gen[l % cfg->channels % app->nb_gen]->
			itch->books, l, f);
	return ferror(f) ? -EIO : 0;
}

/*
 * Write every report asked for, each on its own (one failing does not
 * skip the others). 0, or the first error; each is logged.
 */
static int
write_outputs(struct tw_app *app, const struct tw_stats *st,
		const struct tw_verdict *verdict, const struct tw_hist *lat)
{
	char host[256] = "", model[128] = "", flags[128] = "";
	static char clock[1024];
	struct tw_stats_meta meta = {
		.version = TW_VERSION,
		.profile = app->cfg.path,
		.simd = tw_simd_name(app->simd),
		.git = TW_GIT_REV,
		.started_utc = app->started_utc,
		.host = host,
		.cpu_model = model,
		.cpu_flags = flags,
		.command_line = app->command_line,
		.eal_args = app->eal_line,
		.rate = app->cfg.rate,
		.count = app->cfg.count,
		.duration_s = app->cfg.duration,
		.seed = app->cfg.seed,
		.replay_file = app->cfg.replay_file,
		.replay_speed = app->cfg.replay_speed,
		.replay_rate = app->cfg.replay_rate,
		.replay_restamp = app->cfg.replay_restamp,
		.file_prefix = app->file_prefix,
		.verdict = verdict,
		.host_check = app->host_json[0] != '\0' ? app->host_json :
			NULL,
		.clock = clock,
	};
	char err[PATH_MAX + 128];
	int rc, first = 0;
	unsigned int i;

	tw_control_meta(&meta);
	tw_app_clock_json(app, clock, sizeof(clock));
	gethostname(host, sizeof(host) - 1);
	cpu_record(model, sizeof(model), flags, sizeof(flags));
	for (i = 0; i < APP_OUT_MAX; i++) {
		FILE *f = app->out[i].f;

		if (f == NULL)
			continue;
		if (i == APP_OUT_STATS)
			rc = tw_stats_write_json(f, st, &meta);
		else if (i == APP_OUT_CACHE)
			rc = tw_cache_dump_csv(app->caches,
				app->plan.nb_cache_sockets, f);
		else if (i == APP_OUT_TRUTH)
			rc = app->gen[0]->truth != NULL ? tw_cache_dump_csv(
				&app->gen[0]->truth, 1, f) : -EINVAL;
		else if (i == APP_OUT_BOOKS)
			rc = tw_app_dump_books(app, f);
		else if (i == APP_OUT_TRUTH_BOOKS)
			rc = dump_truth_books(app, f);
		else if (i == APP_OUT_ITCH)
			rc = 0;         /* the generator wrote it */
		else if (i == APP_OUT_NOISE)
			rc = write_noise_csv(app, f);
		else
			rc = tw_hist_write_csv(&lat[i - APP_OUT_LAT],
				f);
		rc = tw_outfile_close(&app->out[i], rc, err, sizeof(err));
		if (rc != 0) {
			TW_LOG(app, ERR, "%s\n", err);
			if (first == 0)
				first = rc;
		}
	}
	return first;
}

/* A receiver alone on a net_pcap port reads a recording: its send
 * times are the recording's. */
static bool
fed_from_capture(const struct tw_app *app)
{
	const struct tw_view *v = app->view;
	unsigned int i;

	if (app->nb_gen > 0)
		return false;
	for (i = 0; i < v->nb_ports; i++)
		if (strcmp(v->ports[i].driver, "net_pcap") == 0)
			return true;
	return false;
}

/* Whole or not: the counters, and every symbol's stale mark. */
static void
judge(struct tw_app *app, const struct tw_stats *st, struct tw_verdict *v)
{
	struct tw_cache_snapshot snap;
	uint32_t l;

	memset(v, 0, sizeof(*v));
	if (app->nb_rx > 0) {
		v->nb_symbols = app->caches[0]->nb_symbols;
		for (l = 0; l < v->nb_symbols; l++) {
			unsigned int k;
			bool stale = false;

			/* Each mark is set by the entry's one writer. */
			for (k = 0; k < app->plan.nb_cache_sockets; k++)
				stale |= __atomic_load_n(
					&app->caches[k]->info[l].stale,
					__ATOMIC_ACQUIRE) != 0;
			if (!stale)
				continue;
			if (tw_cache_snapshot_merged(app->caches,
				    app->plan.nb_cache_sockets, l, &snap) != 0)
				snap.ticker[0] = '\0';
			tw_verdict_add_stale(v, l, snap.ticker);
		}
	}
	tw_verdict_judge(v, st, app->stopped_early, app->cfg.accept_loss);
	v->stop_reason = app->control_stopped ? "/tickwire/stop" :
		app->duration_ended ? "--duration" : "a signal";
}

int
tw_app_report(struct tw_app *app, struct tw_stats *now,
		const struct tw_hist *lat)
{
	static struct tw_verdict verdict;

	now->latency_is_age = fed_from_capture(app);
	tw_stats_print_summary(stdout, now);
	tw_app_clock_print(app, stdout);
	judge(app, now, &verdict);
	tw_verdict_print(stdout, &verdict);
	if (write_outputs(app, now, &verdict, lat) != 0)
		return -EIO;
	return verdict.exit_status;
}
