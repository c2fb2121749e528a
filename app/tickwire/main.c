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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "tickwire.h"

#define MAX_EAL_ARGS 64

RTE_LOG_REGISTER(tw_logtype_app, tickwire.app, INFO);
RTE_LOG_REGISTER(tw_logtype_gen, tickwire.gen, INFO);
RTE_LOG_REGISTER(tw_logtype_rx, tickwire.rx, INFO);

volatile bool tw_stop_requested;
volatile bool tw_force_quit;
uint8_t tw_port_paused[RTE_MAX_ETHPORTS];
struct rte_rcu_qsbr *tw_qsv;

/* The first signal stops cleanly (end of session, drain); the second now. */
static void
signal_handler(int signum)
{
	if (signum != SIGINT && signum != SIGTERM)
		return;
	if (tw_stop_requested)
		tw_force_quit = true;
	tw_stop_requested = true;
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

int
main(int argc, char **argv)
{
	static struct tw_app app;
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
		return rc > 0 ? 0 : 2;
	nb_eal = tw_app_eal_argv(&app.cfg, argv[0], argv + 1,
		dd < 0 ? 0 : dd - 1, eal_args, MAX_EAL_ARGS);
	if (nb_eal == -EINVAL) {
		fprintf(stderr, "tickwire: TW_PREFIX='%s': 1 to 11 letters, "
			"digits, '-' or '_'\n", getenv("TW_PREFIX"));
		return 2;
	}
	if (nb_eal < 0) {
		fprintf(stderr, "tickwire: too many EAL arguments\n");
		return 2;
	}
	join(app.eal_line, sizeof(app.eal_line), eal_args + 1, nb_eal - 1);
	rc = rte_eal_init(nb_eal, eal_args);
	if (rc < 0) {
		/* Every argument EAL saw: the profile's and the user's. */
		/* As they were given: the EAL reorders its argv. */
		fprintf(stderr, "tickwire: EAL init failed (%s); EAL arguments "
			"(profile %s, then the command line): %s\n",
			rte_errno != 0 ? rte_strerror(rte_errno) :
			"see EAL's lines above", app.cfg.path, app.eal_line);
		if (strstr(app.eal_line, "--file-prefix") != NULL)
			fprintf(stderr, "tickwire: (\"Cannot init config\" or "
				"\"Cannot create lock\": another DPDK process runs "
				"with this --file-prefix; TW_PREFIX=NAME gives "
				"this one its own)\n");
		return 1;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	/* A memif peer that left first must not kill us at teardown. */
	signal(SIGPIPE, SIG_IGN);
	tw_clock_init(&app.clock, 100);
	printf("tickwire %s: profile %s\n", TW_VERSION, app.cfg.path);
	app.proto = app.cfg.protocol == TW_PROTOCOL_ITCH50 ?
		&tw_protocol_itch50 : &tw_protocol_tickwire;
	if (app.proto == NULL || tw_app_choose_simd(&app) != 0) {
		rte_eal_cleanup();
		return 2;
	}

	rc = setup(&app);
	if (rc == 0 && !tw_force_quit)
		rc = tw_app_run(&app);
	else if (rc != 0)
		TW_LOG(app, ERR, "set-up failed: %s\n", rte_strerror(-rc));
	tw_app_teardown(&app);
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
