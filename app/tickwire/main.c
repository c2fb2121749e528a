/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire: generator lcore -> multicast MoldUDP64 feed -> poll-mode RX
 * lcores -> per-socket symbol cache.
 *
 * main() is the order of things: the profile and options, EAL, the
 * SIMD level, the placement plan, memory, ports, each lcore role, what
 * is published for tools, the run, teardown. The main lcore never
 * touches the data path.
 */
#include <dirent.h>
#include <limits.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "host.h"
#include "tickwire.h"

#define MAX_EAL_ARGS 64

RTE_LOG_REGISTER(tw_logtype_app, tickwire.app, INFO);
RTE_LOG_REGISTER(tw_logtype_gen, tickwire.gen, INFO);
RTE_LOG_REGISTER(tw_logtype_rx, tickwire.rx, INFO);

volatile bool tw_stop_requested;
volatile bool tw_force_quit;
volatile int tw_signals;
uint8_t tw_port_paused[RTE_MAX_ETHPORTS];
struct rte_rcu_qsbr *tw_qsv;

/* The first signal stops cleanly (end of session, drain); the second now. */
static void
signal_handler(int signum)
{
	if (signum != SIGINT && signum != SIGTERM)
		return;
	tw_signals++;
	if (tw_stop_requested)
		tw_force_quit = true;
	tw_stop_requested = true;
}

/*
 * The host check (host.c): with --host-check every finding and a probe
 * (2 s per core unless [host] probe_ms says), else the warnings and
 * [host] probe_ms's probe; the run record keeps the findings.
 */
static void
host_check(struct tw_app *app, char **eal_args, int nb_eal)
{
	static struct tw_host_report r;
	bool only = app->cfg.host_check_only;
	unsigned int ms = app->cfg.probe_ms;

	if (only && ms == 0)
		ms = 2000;
	tw_host_check(&app->cfg, eal_args, nb_eal, ms, only, &r, stdout);
	if (only)
		printf("host check: %u warning(s)%s\n", r.warnings,
			r.warnings ? "; each says what to change" : "");
	else if (r.warnings != 0)
		printf("host check: %u warning(s) about the pollers' cores "
			"(tickwire --host-check for every finding; [host] "
			"check = false to skip)\n", r.warnings);
	tw_host_json(&r, app->host_json, sizeof(app->host_json));
	fflush(stdout);
}

static int
setup(struct tw_app *app)
{
	int rc;

	rc = tw_app_plan(app);
	if (rc == 0)
		rc = tw_app_memory(app);
	if (rc == 0)
		rc = tw_app_ports(app);
	/* Before the NIC clocks: they are paired with the domain's ns. */
	if (rc == 0)
		rc = tw_app_clock_domain(app);
	if (rc == 0)
		tw_app_devclocks_init(app);
	if (rc == 0 && app->cfg.rx_enabled)
		rc = tw_rx_lcores_create(app);
	if (rc == 0 && app->cfg.gen_enabled)
		rc = tw_gen_lcore_create(app);
	if (rc == 0)
		rc = tw_app_publish(app);
	return rc;
}

/* words joined by spaces into buf (cut at its size). */
static void
join(char *buf, size_t len, char *const *words, int n)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
			i ? " " : "", words[i]);
}

/*
 * Remove dir/NAME where NAME is name followed by digits only (a
 * hugepage file of this prefix, not another prefix that begins like
 * it), or, with name "", every entry.
 */
static void
remove_files(const char *dir, const char *name)
{
	size_t n = strlen(name);
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		const char *rest = e->d_name + n;

		if (strncmp(e->d_name, name, n) != 0 ||
		    strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if (n != 0 && (rest[0] == '\0' ||
			       strspn(rest, "0123456789") != strlen(rest)))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				e->d_name) < sizeof(path))
			unlink(path);
	}
	if (d != NULL)
		closedir(d);
}

/*
 * After the EAL is cleaned up it still leaves the run's hugepage files
 * (PREFIXmap_N on every hugetlbfs mount) and its runtime directory, so
 * that secondaries could attach: the run is over, so they go (a tool
 * still attached keeps its mappings). After a SIGKILL they stay until
 * the next primary with the same prefix starts and clears them.
 */
static void
remove_run_files(const struct tw_app *app, const char *runtime_dir)
{
	char name[sizeof(app->file_prefix) + 8];
	struct mntent *m;
	FILE *f;

	/* Only the primary's own: a secondary (or an in-memory run, which
	 * has no files, or one that shares no config) must never remove a
	 * running primary's hugepages and runtime directory. */
	if (app->file_prefix[0] == '\0' || !app->owns_run_files)
		return;
	snprintf(name, sizeof(name), "%smap_", app->file_prefix);
	f = setmntent("/proc/mounts", "r");
	while (f != NULL && (m = getmntent(f)) != NULL)
		if (strcmp(m->mnt_type, "hugetlbfs") == 0)
			remove_files(m->mnt_dir, name);
	if (f != NULL)
		endmntent(f);
	if (runtime_dir[0] != '\0') {
		remove_files(runtime_dir, "");
		rmdir(runtime_dir);
	}
}

/*
 * A capture a net_pcap device is to read must be there: the EAL would
 * only say the device could not be made, and the run that "port 0 does
 * not exist". Named here, before the EAL, as the file it is.
 */
static int
check_captures(char **eal_args, int nb)
{
	int i;

	for (i = 1; i < nb; i++) {
		const char *a = eal_args[i], *p;
		char path[PATH_MAX];
		size_t n;

		if (strcmp(a, "--vdev") == 0 && i + 1 < nb)
			a = eal_args[++i];
		else if (strncmp(a, "--vdev=", 7) != 0)
			continue;
		p = strstr(a, "rx_pcap=");
		if (p == NULL)
			continue;
		p += 8;
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(path))
			continue;
		memcpy(path, p, n);
		path[n] = '\0';
		if (access(path, R_OK) != 0) {
			fprintf(stderr, "tickwire: capture file %s (the "
				"profile's or command line's rx_pcap): %s\n",
				path, strerror(errno));
			return -ENOENT;
		}
	}
	return 0;
}

/* Some report goes to standard output ("-"). */
static bool
uses_stdout(const struct tw_config *cfg)
{
	return tw_outfile_is_stdout(cfg->stats_json) ||
		tw_outfile_is_stdout(cfg->dump_cache) ||
		tw_outfile_is_stdout(cfg->dump_truth) ||
		tw_outfile_is_stdout(cfg->dump_books) ||
		tw_outfile_is_stdout(cfg->dump_truth_books) ||
		tw_outfile_is_stdout(cfg->itch_out) ||
		tw_outfile_is_stdout(cfg->stats_lines) ||
		tw_outfile_is_stdout(cfg->stats_csv);
}

/*
 * The EAL said no: what it was given, and the hints that apply to what
 * it said (its lines above, and rte_errno).
 */
static void
eal_failed(const struct tw_app *app)
{
	int e = rte_errno;

	/* As they were given: the EAL reorders its argv. */
	fprintf(stderr, "tickwire: EAL init failed (%s); EAL arguments "
		"(profile %s, then the command line): %s\n",
		e != 0 ? rte_strerror(e) : "see EAL's lines above",
		app->cfg.path, app->eal_line);
	/* The EAL says "Cannot init config" / "Cannot create lock" with
	 * rte_errno unset when the prefix is taken. */
	if (e == 0 || e == EALREADY || e == EBUSY)
		fprintf(stderr, "tickwire: if the EAL said \"Cannot init "
			"config\" or \"Cannot create lock\": another DPDK "
			"process runs with this --file-prefix; TW_PREFIX=NAME "
			"(or --file-prefix=NAME before --) gives this one its "
			"own\n");
	else if (e == ENOMEM || e == EACCES)
		fprintf(stderr, "tickwire: hugepages: ./scripts/setup.sh "
			"reserves 2 MB pages (see /proc/meminfo "
			"HugePages_Free), or run with --no-huge -m 1024 before "
			"--; DPDK needs root (or the hugepage rights)\n");
	else if (e == ENODEV)
		fprintf(stderr, "tickwire: a device could not be made or "
			"found: check the --vdev arguments (and the files "
			"they name) in the EAL's lines above\n");
}

/* The runtime directory's last component: the file prefix. */
static void
find_prefix(struct tw_app *app)
{
	const char *dir = rte_eal_get_runtime_dir();
	const char *slash = strrchr(dir, '/');

	snprintf(app->file_prefix, sizeof(app->file_prefix), "%s",
		slash != NULL ? slash + 1 : dir);
}

/* Where the tools attach: said once, at the start of every run. */
static void
banner(struct tw_app *app)
{
	find_prefix(app);
	printf("tickwire %s: profile %s\n", TW_VERSION, app->cfg.path);
	if (app->cfg.gen_enabled && app->cfg.replay_file[0] == '\0' &&
	    app->cfg.itch_file[0] == '\0') {
		char r[32];

		if (app->cfg.rate != 0)
			printf("tickwire: generator paced at %s msgs/s (--rate "
				"N to change, --rate 0 for unlimited)\n",
				tw_grouped(r, sizeof(r), app->cfg.rate));
		else
			printf("tickwire: generator unlimited (--rate 0): a "
				"throughput run, its latency mostly queueing; "
				"--rate N paces it\n");
	}
	printf("tickwire: file prefix %s; telemetry socket "
		"%s/dpdk_telemetry.v2\n", app->file_prefix,
		rte_eal_get_runtime_dir());
	printf("tickwire: attach with: tickwire-top --file-prefix=%s | "
		"dpdk-telemetry.py -f %s | dpdk-dumpcap --file-prefix=%s "
		"-i 0 -w capture.pcapng\n", app->file_prefix,
		app->file_prefix, app->file_prefix);
}

int
main(int argc, char **argv)
{
	static struct tw_app app;
	static char runtime_dir[PATH_MAX];
	char *eal_args[MAX_EAL_ARGS];
	int i, dd = -1, nb_eal, rc;
	struct tm tm;
	time_t now = time(NULL);

	join(app.command_line, sizeof(app.command_line), argv, argc);
	gmtime_r(&now, &tm);
	strftime(app.started_utc, sizeof(app.started_utc),
		"%Y-%m-%dT%H:%M:%SZ", &tm);

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	/* App options: after --, or all arguments when there is no --. */
	argv[dd < 0 ? 0 : dd] = argv[0];
	rc = tw_app_options(&app.cfg, dd < 0 ? argc : argc - dd,
		dd < 0 ? argv : argv + dd);
	if (rc != 0)
		return rc > 0 ? TW_EXIT_WHOLE : TW_EXIT_USAGE;
	nb_eal = tw_app_eal_argv(&app.cfg, argv[0], argv + 1,
		dd < 0 ? 0 : dd - 1, eal_args, MAX_EAL_ARGS);
	if (nb_eal == -EINVAL) {
		fprintf(stderr, "tickwire: TW_PREFIX='%s': 1 to 11 letters, "
			"digits, '-' or '_'\n", getenv("TW_PREFIX"));
		return TW_EXIT_USAGE;
	}
	if (nb_eal < 0) {
		fprintf(stderr, "tickwire: too many EAL arguments\n");
		return TW_EXIT_USAGE;
	}
	join(app.eal_line, sizeof(app.eal_line), eal_args + 1, nb_eal - 1);
	if (app.cfg.host_check_only) {
		host_check(&app, eal_args, nb_eal);
		return TW_EXIT_WHOLE;
	}

	/* From here a signal stops cleanly, whatever phase it comes in. */
	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	/* A memif peer or a report's reader that left must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* A report's reader that never reads stops no one: it is waited
	 * for 10 s at most, and not at all after a signal. */
	tw_outfile_set_interrupt(&tw_signals, 10000);
	/* Checked by tw_app_options: never NULL here. */
	app.proto = tw_protocol_find(app.cfg.protocol);
	if (check_captures(eal_args, nb_eal) != 0)
		return TW_EXIT_FAILED;
	/* A report on standard output: everything else to stderr, from
	 * before any report is opened. */
	if (uses_stdout(&app.cfg) && tw_outfile_claim_stdout() != 0) {
		fprintf(stderr, "tickwire: '-': standard output: %s\n",
			strerror(errno));
		return TW_EXIT_FAILED;
	}
	/* Every report path is checked before the EAL takes hugepages. */
	rc = tw_app_open_outputs(&app);
	if (rc != 0)
		return rc == -EINVAL ? TW_EXIT_USAGE : TW_EXIT_FAILED;
	/* After stdout is claimed: a report on "-" stays the only thing
	 * there. Before the EAL: its threads are not the host's noise. */
	if (app.cfg.host_check)
		host_check(&app, eal_args, nb_eal);
	rc = rte_eal_init(nb_eal, eal_args);
	if (rc < 0) {
		eal_failed(&app);
		tw_app_discard_outputs(&app);
		return TW_EXIT_FAILED;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	app.owns_run_files = rte_eal_process_type() == RTE_PROC_PRIMARY &&
		strstr(app.eal_line, "--in-memory") == NULL &&
		strstr(app.eal_line, "--no-shconf") == NULL;
	tw_clock_init(&app.clock, 100);
	banner(&app);
	if (tw_app_choose_simd(&app) != 0) {
		tw_app_discard_outputs(&app);
		snprintf(runtime_dir, sizeof(runtime_dir), "%s",
			rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		remove_run_files(&app, runtime_dir);
		return TW_EXIT_USAGE;
	}

	rc = setup(&app);
	if (rc == 0 && !tw_stop_requested) {
		rc = tw_app_run(&app);
	} else if (rc != 0 && !tw_stop_requested) {
		TW_LOG(app, ERR, "set-up failed: %s\n", rte_strerror(-rc));
	} else {
		printf("tickwire: stopped during set-up: nothing ran, no "
			"report written\n");
		rc = -EINTR;
	}
	if (rc < 0)
		tw_app_discard_outputs(&app);
	tw_app_teardown(&app);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	remove_run_files(&app, runtime_dir);
	return rc < 0 ? TW_EXIT_FAILED : rc;
}
