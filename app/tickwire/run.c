/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run, on the main lcore: launch the lcores, print a stats line per
 * interval, keep the clocks anchored, decide when the session is over,
 * then stop the lcores and write the reports. Everything it reports it
 * reads through the published view (lib/view), as the tools do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_cpuflags.h>
#include <rte_malloc.h>

#include "tickwire.h"
#include "tw_git.h"

#define MAIN_TICK_US (TW_APP_CLOCK_REFRESH_MS * 1000)

/* Scratch of collect(): the merged histograms, kept for the CSVs. */
static struct tw_hist lat_merged[TW_SPAN_MAX];
static struct tw_hist rtt_merged;

/*
 * --stats-interval: a JSON line per period, written as the run goes
 * (readable while it runs), and a last one at the end; --stats-csv: the
 * same periods as CSV rows. on: either.
 */
static struct {
	bool on;
	bool json_on, csv_on;
	bool failed;                    /* a line could not be written */
	struct tw_stats prev;           /* at the last line */
	struct tw_stats_lcore lc[TW_MAX_RX_LCORES], lc_prev[TW_MAX_RX_LCORES];
	struct tw_hist lat_prev;        /* send->cache at the last line */
} lines;

/*
 * send->cache over a period: the merged histogram less prev (what it
 * was at the period's start), summarized. The one computation of the
 * periodic line's p50/p99 and of the --stats-interval line's.
 */
static void
period_latency(const struct tw_hist *prev, struct tw_hist_summary *out)
{
	static struct tw_hist diff;
	unsigned int i;

	diff = lat_merged[TW_SPAN_SEND_CACHE];
	diff.count = 0;
	for (i = 0; i < TW_HIST_BUCKETS; i++) {
		diff.b[i] -= RTE_MIN(prev->b[i], diff.b[i]);
		diff.count += diff.b[i];
	}
	tw_hist_summarize(&diff, out);
}

static void
lines_lcores(struct tw_app *app, struct tw_stats_lcore *lc)
{
	unsigned int i, d;

	for (i = 0; i < app->nb_rx; i++) {
		const struct tw_rx_counters *c = &app->rx[i]->path.ctr;

		lc[i].lcore_id = app->rx[i]->lcore_id;
		lc[i].pkts = __atomic_load_n(&c->pkts, __ATOMIC_RELAXED);
		lc[i].msgs = __atomic_load_n(&c->msgs, __ATOMIC_RELAXED);
		lc[i].drops = 0;
		for (d = 0; d < TW_DROP_MAX; d++)
			lc[i].drops += __atomic_load_n(&c->drops[d],
				__ATOMIC_RELAXED);
	}
}

/*
 * Hand the line written to f (the writer's rc) to a stream; false when
 * the stream stops (said once, in the log).
 */
static bool
stream_line(struct tw_outstream *s, FILE *f, char **buf, size_t *len,
		int rc, const char *opt, const char *path)
{
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		rc = tw_outstream_write(s, *buf, *len);
	free(*buf);
	*buf = NULL;
	if (rc == 0)
		return true;
	TW_LOG(app, ERR, "%s %s: %s; no more lines\n", opt, path,
		strerror(-rc));
	return false;
}

/*
 * The line of the period since the last one (now: just collected);
 * period: its send->cache when the caller has it (the periodic line's,
 * whose period this is), else NULL.
 */
static void
lines_write(struct tw_app *app, const struct tw_stats *now,
		const struct tw_hist_summary *period, bool final)
{
	struct tw_hist_summary lat;
	char phase[TW_PHASE_NAME];
	static char *buf;
	static size_t len;
	FILE *f;
	int rc;

	if (!lines.on)
		return;
	tw_control_phase_name(phase, sizeof(phase));
	lines_lcores(app, lines.lc);
	if (period == NULL) {
		period_latency(&lines.lat_prev, &lat);
		period = &lat;
	}
	/* A line in memory, then to the stream, which never blocks. */
	if (lines.json_on) {
		f = open_memstream(&buf, &len);
		rc = f == NULL ? -errno : tw_stats_write_period(f, now,
			&lines.prev, lines.lc, lines.lc_prev, app->nb_rx,
			period, final, phase[0] != '\0' ? phase : NULL);
		lines.json_on = stream_line(&app->lines_out, f, &buf, &len, rc,
			"--stats-interval", app->cfg.stats_lines);
		/* Closed at the end, and the run says a report failed. */
		lines.failed |= !lines.json_on;
	}
	if (lines.csv_on) {
		f = open_memstream(&buf, &len);
		rc = f == NULL ? -errno : tw_stats_write_period_csv(f, now,
			&lines.prev, period, final, phase);
		lines.csv_on = stream_line(&app->csv_out, f, &buf, &len, rc,
			"--stats-csv", app->cfg.stats_csv);
		lines.failed |= !lines.csv_on;
	}
	lines.on = lines.json_on || lines.csv_on;
	memcpy(&lines.prev, now, offsetof(struct tw_stats, channels));
	memcpy(lines.lc_prev, lines.lc, sizeof(lines.lc));
	lines.lat_prev = lat_merged[TW_SPAN_SEND_CACHE];
}

/* The streams opened before the EAL (report.c): lines from now on, the
 * CSV's header first. */
static void
lines_begin(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;

	lines.json_on = cfg->stats_lines[0] != '\0';
	lines.csv_on = cfg->stats_csv[0] != '\0';
	if (lines.csv_on) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int rc;

		rc = f == NULL ? -errno : tw_stats_write_period_csv_header(f);
		lines.csv_on = stream_line(&app->csv_out, f, &buf, &len, rc,
			"--stats-csv", cfg->stats_csv);
		lines.failed |= !lines.csv_on;
	}
	lines.on = lines.json_on || lines.csv_on;
}

/* Every generator lcore has ended its channels' session. */
static bool
gens_done(const struct tw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_gen; i++)
		if (!__atomic_load_n(&app->gen[i]->done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/*
 * A transport with no end of session (MDP 3.0's): with the generator
 * here, a channel has ended once the generator is done, nothing it sent
 * is unreceived and no symbol is stale; a receiver alone waits for no
 * end (tw_app_report).
 */
static void
no_end_channels(struct tw_app *app, struct tw_stats *s)
{
	bool done;
	unsigned int i;

	if (tw_app_transport_ends(app) || app->nb_gen == 0 || !s->receiving)
		return;
	done = gens_done(app) && tw_app_stale_count(app) == 0;
	s->channels_ended = 0;
	s->channels_not_ended = 0;
	for (i = 0; i < s->nb_channels; i++) {
		s->channels[i].ended = done && s->channels[i].unreceived == 0;
		s->channels_ended += s->channels[i].ended != 0;
		s->channels_not_ended += s->channels[i].ended == 0;
	}
}

static void
collect(struct tw_app *app, struct tw_stats *s)
{
	tw_view_collect(app->view, s, lat_merged, &rtt_merged);
	no_end_channels(app, s);
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

	/* Ended everywhere, and no gap still being filled. */
	if (app->nb_rx > 0 && now->channels_ended == cfg->channels &&
	    now->rec.gaps_open == 0 &&
	    (app->nb_gen == 0 || gen_done_tsc != 0))
		return true;
	/* A receiver alone has no session of its own to end. */
	if (app->nb_gen == 0 && tw_stop_requested)
		return true;
	if (gen_done_tsc != 0 && (app->nb_rx == 0 ||
	    t - gen_done_tsc >= (uint64_t)(cfg->drain_s * hz))) {
		char open[32];

		if (app->nb_rx > 0)
			TW_LOG(app, WARNING, "RX saw the end of session on %u "
				"of %u channels within %.1f s of the "
				"generator's end; %s gaps still open\n",
				now->channels_ended, cfg->channels,
				cfg->drain_s, tw_grouped(open, sizeof(open),
					now->rec.gaps_open));
		return true;
	}
	return false;
}

/*
 * Take port i away from the lcores, stop and start it, give it back
 * (a memif client reconnects to a server that came back only when
 * started). The lcores skip a paused port; QSBR says when none is
 * still inside a call on it.
 */
static void
relink(struct tw_app *app, unsigned int i)
{
	struct tw_port_report *r = &tw_view_of(app->view_mz)->ports[i];
	uint16_t port = app->ports[i];
	int rc;

	tw_port_hold(port, TW_PAUSE_RELINK);
	rte_rcu_qsbr_synchronize(tw_qsv, RTE_QSBR_THRID_INVALID);
	rc = tw_port_restart(r);
	/* Not started (the peer is not back yet): it stays held. */
	if (rc == 0)
		tw_port_release(port, TW_PAUSE_RELINK);
	TW_LOG(app, INFO, "port %u (%s): link lost; restart %" PRIu64 " to "
		"reconnect: %s\n", port, r->name, r->restarts, rc == 0 ?
		"started" : "the peer is not there yet");
}

/* Link state of every port; a lost memif link restarted on its period. */
static void
watch_ports(struct tw_app *app, uint64_t t)
{
	const struct tw_config *cfg = &app->cfg;
	struct tw_view *v = tw_view_of(app->view_mz);
	uint64_t period = tw_clock_hz(&app->clock) / 1000 * cfg->relink_ms;
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++) {
		struct tw_port_report *r = &v->ports[i];

		/* The first restart comes relink_ms after the loss. */
		if (tw_port_poll_link(r) == TW_LINK_WENT_DOWN)
			app->relink_tsc[i] = t;
		if (r->link_up || cfg->relink_ms == 0 || !r->relink ||
		    tw_force_quit || t - app->relink_tsc[i] < period)
			continue;
		app->relink_tsc[i] = t;
		relink(app, i);
	}
}

static void
poll_port_stats(struct tw_app *app)
{
	struct tw_view *v = tw_view_of(app->view_mz);
	unsigned int i;

	for (i = 0; i < app->nb_ports; i++)
		tw_port_poll_stats(&v->ports[i]);
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
	bool lingering = false, control_done = false;
	/* send->cache at the last periodic line (as lines.lat_prev). */
	static struct tw_hist print_prev;

	collect(app, prev);
	tw_hist_init(&print_prev);
	/* The lines count from zero (the lcores may have started). */
	if (lines.on) {
		memset(&lines.prev, 0, offsetof(struct tw_stats, channels));
		lines.prev.nb_ports = prev->nb_ports;
		memcpy(lines.prev.ports, prev->ports, sizeof(prev->ports));
		for (unsigned int i = 0; i < prev->nb_ports; i++) {
			struct tw_port_report *r = &lines.prev.ports[i];

			/* Port counters too: from the run's start. */
			r->ipackets = r->opackets = r->ibytes = r->obytes = 0;
			r->imissed = r->ierrors = r->oerrors = 0;
			r->rx_nombuf = 0;
		}
		memset(lines.lc_prev, 0, sizeof(lines.lc_prev));
		tw_hist_init(&lines.lat_prev);
	}
	while (!tw_force_quit) {
		uint64_t t;

		usleep(MAIN_TICK_US);
		/* Keep this process's stamps on its domain's clock (a
		 * failed read is counted; the old mapping stays). */
		tw_clock_refresh(&app->clock);
		tw_app_devclocks_refresh(app);
		t = rte_rdtsc();
		watch_ports(app, t);
		if (cfg->duration > 0 && !tw_stop_requested &&
		    t - start_tsc >= (uint64_t)(cfg->duration * hz)) {
			tw_stop_requested = true;
			app->duration_ended = true;
		}
		/* Every tick: a driver that zeroes its counters (memif when
		 * a new client comes) is caught before its new count passes
		 * the old one, so nothing counted is lost to the reset. */
		poll_port_stats(app);
		if (t >= next_print || app->nb_rx > 0) {
			collect(app, now);
			if (t >= next_print) {
				struct tw_hist_summary period;

				/* One period, the same for both lines. */
				period_latency(&print_prev, &period);
				print_prev = lat_merged[TW_SPAN_SEND_CACHE];
				if (!cfg->quiet)
					tw_stats_print_line(stdout, now, prev,
						&period);
				/* Stopping: the last line comes at the end. */
				if (!tw_stop_requested)
					lines_write(app, now, &period, false);
				memcpy(prev, now, offsetof(struct tw_stats,
					channels));
				next_print += interval;
			}
		}
		if (app->nb_gen > 0 && gen_done_tsc == 0 && gens_done(app))
			gen_done_tsc = t;
		/* Ending: the last phase closes, commands are refused. */
		if (!control_done && (tw_stop_requested || gen_done_tsc != 0)) {
			tw_control_finish(app);
			control_done = true;
		}
		if (end_tsc == 0 && session_over(app, now, t, gen_done_tsc)) {
			end_tsc = t;
			/* A signal or --duration came first: said so. */
			app->stopped_early = tw_stop_requested;
			/* What lingering tools read is the final count. */
			poll_port_stats(app);
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
	/* Forced out (a second signal) before the session was over. */
	if (end_tsc == 0)
		app->stopped_early = true;
	tw_force_quit = true;
}

/* Every worker lcore reports to one QSBR variable (see relink()). */
static int
qsbr_init(struct tw_app *app)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	unsigned int i;

	struct rte_rcu_qsbr *qsv;

	qsv = rte_zmalloc("tw_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, RTE_MAX_LCORE) != 0) {
		rte_free(qsv);
		return -ENOMEM;
	}
	for (i = 0; i < app->nb_rx; i++)
		rte_rcu_qsbr_thread_register(qsv, app->rx[i]->lcore_id);
	for (i = 0; i < app->nb_gen; i++)
		rte_rcu_qsbr_thread_register(qsv, app->gen[i]->lcore_id);
	/* Published whole: memif_guard.c may read it from now on. */
	__atomic_store_n(&tw_qsv, qsv, __ATOMIC_RELEASE);
	return 0;
}

static int
launch(struct tw_app *app)
{
	unsigned int i;
	int rc;

	rc = qsbr_init(app);
	if (rc != 0)
		return rc;

	for (i = 0; i < app->nb_rx; i++) {
		rc = rte_eal_remote_launch(tw_rx_lcore_main, app->rx[i],
			app->rx[i]->lcore_id);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < app->nb_gen; i++) {
		rc = rte_eal_remote_launch(tw_gen_lcore_main, app->gen[i],
			app->gen[i]->lcore_id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * Launch the lcores, watch the run from the main lcore, then stop them
 * and report: summary, stats JSON, cache and truth CSVs, latency CSVs.
 */
int
tw_app_run(struct tw_app *app)
{
	struct tw_stats now = { 0 }, prev = { 0 };
	char err[PATH_MAX + 128];
	uint64_t start_tsc;
	int rc, status;

	now.channels = calloc(app->cfg.channels, sizeof(*now.channels));
	prev.channels = calloc(app->cfg.channels, sizeof(*prev.channels));
	if (now.channels == NULL || prev.channels == NULL) {
		free(now.channels);
		free(prev.channels);
		return -ENOMEM;
	}
	lines_begin(app);
	start_tsc = rte_rdtsc();
	tw_view_of(app->view_mz)->start_tsc = start_tsc;
	rc = tw_control_begin(app);
	if (rc == 0)
		rc = launch(app);
	if (rc == 0)
		main_loop(app, start_tsc, &now, &prev);
	tw_force_quit = true;
	rte_eal_mp_wait_lcore();
	tw_control_finish(app);
	poll_port_stats(app);
	collect(app, &now);
	lines_write(app, &now, NULL, true);
	/* Both streams closed, whether they failed or not. */
	if ((app->cfg.stats_lines[0] != '\0' &&
	     tw_outstream_close(&app->lines_out, err, sizeof(err)) != 0) ||
	    lines.failed) {
		if (!lines.failed)
			TW_LOG(app, ERR, "--stats-interval %s\n", err);
		if (rc == 0)
			rc = -EIO;
	}
	if (app->cfg.stats_csv[0] != '\0' && tw_outstream_close(&app->csv_out,
			err, sizeof(err)) != 0) {
		TW_LOG(app, ERR, "--stats-csv %s\n", err);
		if (rc == 0)
			rc = -EIO;
	}
	lines.on = lines.json_on = lines.csv_on = false;
	status = tw_app_report(app, &now, lat_merged);
	if (rc == 0)
		rc = status;
	free(now.channels);
	free(prev.channels);
	return rc;
}
