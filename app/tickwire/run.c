/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run, on the main lcore: launch the lcores, print a stats line per
 * interval, keep the clocks anchored, decide when the session is over,
 * then stop the lcores and write the reports. Everything it reports it
 * reads through the published view (lib/view), as the tools do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "tickwire.h"

#define MAIN_TICK_US 50000

/* Scratch of collect(): the merged histograms, kept for the CSVs. */
static struct tw_hist lat_merged[TW_SPAN_MAX];
static struct tw_hist rtt_merged;

static void
collect(struct tw_app *app, struct tw_stats *s)
{
	tw_view_collect(app->view, s, lat_merged, &rtt_merged);
}

/*
 * The session is over when every channel has ended, or the generator
 * ended drain_s ago (RX-less runs: at once).
 */
static bool
session_over(struct tw_app *app, const struct tw_stats *now, uint64_t t,
		uint64_t gen_done_tsc)
{
	const struct tw_config *cfg = &app->cfg;
	uint64_t hz = tw_clock_hz(&app->clock);

	if (app->nb_rx > 0 && now->channels_ended == cfg->channels &&
	    (app->gen == NULL || gen_done_tsc != 0))
		return true;
	/* A receiver alone has no session of its own to end. */
	if (app->gen == NULL && tw_stop_requested)
		return true;
	if (gen_done_tsc != 0 && (app->nb_rx == 0 ||
	    t - gen_done_tsc >= (uint64_t)(cfg->drain_s * hz))) {
		if (app->nb_rx > 0)
			TW_LOG(app, WARNING, "RX saw the end of session on %u "
				"of %u channels within %.1f s of the "
				"generator's end\n", now->channels_ended,
				cfg->channels, cfg->drain_s);
		return true;
	}
	return false;
}

/* Poll for the end of the run; print the stats line on its period. */
static void
main_loop(struct tw_app *app, uint64_t start_tsc, struct tw_stats *now,
		struct tw_stats *prev)
{
	const struct tw_config *cfg = &app->cfg;
	uint64_t hz = tw_clock_hz(&app->clock);
	uint64_t interval = hz / 1000 * cfg->stats_interval_ms;
	uint64_t next_print = start_tsc + interval, gen_done_tsc = 0;
	uint64_t end_tsc = 0;
	bool lingering = false;

	collect(app, prev);
	while (!tw_force_quit) {
		uint64_t t;

		usleep(MAIN_TICK_US);
		/* Keep this process's stamps on the kernel's clock. */
		tw_clock_refresh(&app->clock);
		tw_app_devclocks_refresh(app);
		t = rte_rdtsc();
		if (cfg->duration > 0 && !tw_stop_requested &&
		    t - start_tsc >= (uint64_t)(cfg->duration * hz))
			tw_stop_requested = true;
		if (t >= next_print || app->nb_rx > 0) {
			collect(app, now);
			if (t >= next_print) {
				if (!cfg->quiet)
					tw_stats_print_line(stdout, now, prev);
				memcpy(prev, now, offsetof(struct tw_stats,
					channels));
				next_print += interval;
			}
		}
		if (app->gen != NULL && gen_done_tsc == 0 &&
		    __atomic_load_n(&app->gen->done, __ATOMIC_ACQUIRE))
			gen_done_tsc = t;
		if (end_tsc == 0 && session_over(app, now, t, gen_done_tsc)) {
			end_tsc = t;
			/* Lingering: the tools read the final state. */
			tw_stop_requested = true;
		}
		if (end_tsc != 0) {
			if (t - end_tsc >= (uint64_t)(cfg->linger_s * hz))
				break;
			if (!lingering && cfg->linger_s > 0) {
				TW_LOG(app, INFO, "session over; serving tools "
					"for %.1f s more\n", cfg->linger_s);
				lingering = true;
			}
		}
	}
	tw_force_quit = true;
}

static int
launch(struct tw_app *app)
{
	unsigned int i;
	int rc;

	for (i = 0; i < app->nb_rx; i++) {
		rc = rte_eal_remote_launch(tw_rx_lcore_main, app->rx[i],
			app->rx[i]->lcore_id);
		if (rc != 0)
			return rc;
	}
	if (app->gen != NULL)
		return rte_eal_remote_launch(tw_gen_lcore_main, app->gen,
			app->gen->lcore_id);
	return 0;
}

static int
write_file(const char *path, const char *what,
		int (*fn)(struct tw_app *, FILE *), struct tw_app *app)
{
	FILE *f;
	int rc;

	if (path[0] == '\0')
		return 0;
	f = fopen(path, "w");
	if (f == NULL) {
		TW_LOG(app, ERR, "%s: cannot write %s: %s\n", path, what,
			strerror(errno));
		return -errno;
	}
	rc = fn(app, f);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0)
		TW_LOG(app, ERR, "%s: writing %s failed\n", path, what);
	return rc;
}

static int
dump_cache(struct tw_app *app, FILE *f)
{
	return tw_cache_dump_csv(app->caches, app->plan.nb_cache_sockets, f);
}

static int
dump_truth(struct tw_app *app, FILE *f)
{
	if (app->gen == NULL || app->gen->truth == NULL)
		return -EINVAL;
	return tw_cache_dump_csv(&app->gen->truth, 1, f);
}

/* PREFIX.send-cache.csv, PREFIX.send-poll.csv, PREFIX.poll-cache.csv */
static int
write_latency_csv(struct tw_app *app)
{
	char err[TW_PATH_MAX + 64];
	int rc;

	if (app->cfg.latency_csv[0] == '\0' || app->nb_rx == 0)
		return 0;
	rc = tw_stats_write_latency_csv(app->cfg.latency_csv,
		lat_merged, err, sizeof(err));
	if (rc != 0)
		TW_LOG(app, ERR, "%s\n", err);
	return rc;
}

static struct tw_stats *final_stats;

static int
dump_stats(struct tw_app *app, FILE *f)
{
	struct tw_stats_meta meta = {
		.version = TW_VERSION,
		.profile = app->cfg.path,
		.simd = tw_simd_name(app->simd),
	};

	return tw_stats_write_json(f, final_stats, &meta);
}


/*
 * Launch the lcores, watch the run from the main lcore, then stop them
 * and report: summary, stats JSON, cache and truth CSVs, latency CSVs.
 */
int
tw_app_run(struct tw_app *app)
{
	struct tw_stats now = { 0 }, prev = { 0 };
	uint64_t start_tsc;
	int rc;

	now.channels = calloc(app->cfg.channels, sizeof(*now.channels));
	prev.channels = calloc(app->cfg.channels, sizeof(*prev.channels));
	if (now.channels == NULL || prev.channels == NULL) {
		free(now.channels);
		free(prev.channels);
		return -ENOMEM;
	}
	start_tsc = rte_rdtsc();
	tw_view_of(app->view_mz)->start_tsc = start_tsc;
	rc = launch(app);
	if (rc == 0)
		main_loop(app, start_tsc, &now, &prev);
	tw_force_quit = true;
	rte_eal_mp_wait_lcore();
	collect(app, &now);
	tw_stats_print_summary(stdout, &now);
	final_stats = &now;
	if (write_file(app->cfg.stats_json, "stats", dump_stats, app) != 0 ||
	    write_file(app->cfg.dump_cache, "cache", dump_cache, app) != 0 ||
	    write_file(app->cfg.dump_truth, "truth", dump_truth, app) != 0 ||
	    write_latency_csv(app) != 0)
		rc = rc != 0 ? rc : -EIO;
	final_stats = NULL;
	free(now.channels);
	free(prev.channels);
	return rc;
}
