/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The clock domain of the run's stamps ([clock] domain), on the main
 * lcore: the source lib/clock anchors the process's mapping to (tsc:
 * CLOCK_REALTIME at the TSC's raw rate, as always; tai, realtime: that
 * clock, followed; phc: the PTP clock of a port through
 * rte_eth_timesync_read_time, refused on ports without one), what the
 * kernel says of its clock (adjtimex: the TAI offset, synchronised or
 * not, its estimated error), what ptp4l says through pmc (offset from
 * the master, path delay), and how all of it is stated: a line at
 * start, a line in the summary, the stats JSON's "clock" object.
 * Never touches the lcores: they read the one mapping (app->clock).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>

#include <rte_ethdev.h>

#include "tickwire.h"

static const char *const domain_names[] = {
	[TW_DOMAIN_TSC] = "tsc", [TW_DOMAIN_TAI] = "tai",
	[TW_DOMAIN_REALTIME] = "realtime", [TW_DOMAIN_PHC] = "phc",
};

/* What pmc asks ptp4l, and how long it may take. */
#define PMC_TIMEOUT_S 2

static struct {
	char source[96];        /* what the mapping is anchored to */
	char rate[160];         /* what its rate is measured against */
	uint16_t phc_port;
	bool kernel_read;       /* adjtimex answered */
	int tai_offset_s;
	bool kernel_synced;
	long esterror_us;
	long maxerror_us;
	/* pmc: answered, or why not */
	bool pmc_answered;
	char pmc_why[128];
	bool have_master_offset, have_offset, have_delay, gm_present;
	int64_t master_offset_ns;
	double offset_ns, delay_ns;
	long steps_removed;
} dom;

static int
read_phc(void *arg, uint64_t *ns)
{
	struct timespec ts;
	int rc = rte_eth_timesync_read_time(*(const uint16_t *)arg, &ts);

	if (rc != 0)
		return rc;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

/* The kernel's word on its clock: TAI offset, synchronised, error. */
static void
kernel_clock(void)
{
	struct timex tx = { .modes = 0 };
	int state = adjtimex(&tx);

	dom.kernel_read = state >= 0;
	if (!dom.kernel_read)
		return;
	dom.tai_offset_s = tx.tai;
	dom.kernel_synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	dom.esterror_us = tx.esterror;
	dom.maxerror_us = tx.maxerror;
}

/* One "name value" line of pmc's answer into dom. */
static void
pmc_line(const char *l)
{
	char name[48], value[64];

	if (sscanf(l, " %47s %63s", name, value) != 2)
		return;
	if (strcmp(name, "master_offset") == 0) {
		dom.master_offset_ns = strtoll(value, NULL, 10);
		dom.have_master_offset = true;
	} else if (strcmp(name, "offsetFromMaster") == 0) {
		dom.offset_ns = strtod(value, NULL);
		dom.have_offset = true;
	} else if (strcmp(name, "meanPathDelay") == 0) {
		dom.delay_ns = strtod(value, NULL);
		dom.have_delay = true;
	} else if (strcmp(name, "gmPresent") == 0) {
		dom.gm_present = strcmp(value, "true") == 0;
	} else if (strcmp(name, "stepsRemoved") == 0) {
		dom.steps_removed = strtol(value, NULL, 10);
	}
}

/*
 * Ask ptp4l (through [clock] ptp_uds) with linuxptp's pmc: TIME_STATUS_NP
 * (master_offset, gmPresent) and CURRENT_DATA_SET (offsetFromMaster,
 * meanPathDelay). Whatever does not answer is said, never filled in.
 */
static void
ask_pmc(const struct tw_config *cfg)
{
	char cmd[TW_PATH_MAX + 256], line[256];
	bool response = false;
	FILE *p;
	int st;

	if (strchr(cfg->ptp_uds, '\'') != NULL) {
		snprintf(dom.pmc_why, sizeof(dom.pmc_why), "[clock] ptp_uds "
			"has a quote; not asked");
		return;
	}
	snprintf(cmd, sizeof(cmd), "command -v pmc >/dev/null 2>&1 || exit 127; "
		"exec timeout %d pmc -u -b 0 -s '%s' 'GET TIME_STATUS_NP' "
		"'GET CURRENT_DATA_SET' 2>&1", PMC_TIMEOUT_S, cfg->ptp_uds);
	fflush(stdout);
	p = popen(cmd, "r");
	if (p == NULL) {
		snprintf(dom.pmc_why, sizeof(dom.pmc_why), "pmc not started: "
			"%s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strstr(line, "RESPONSE MANAGEMENT") != NULL)
			response = true;
		else if (response)
			pmc_line(line);
	}
	st = pclose(p);
	dom.pmc_answered = response && (dom.have_offset ||
		dom.have_master_offset);
	if (dom.pmc_answered)
		return;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(dom.pmc_why, sizeof(dom.pmc_why), "pmc is not "
			"installed (linuxptp)");
	else
		snprintf(dom.pmc_why, sizeof(dom.pmc_why), "no answer from "
			"ptp4l at [clock] ptp_uds within %d s", PMC_TIMEOUT_S);
}

/* The port whose PTP clock phc reads: [clock] port, else the
 * generator's, else the first RX port. */
static uint16_t
phc_port(const struct tw_config *cfg)
{
	if (cfg->nb_clock_ports > 0)
		return (uint16_t)cfg->clock_ports[0];
	return cfg->gen_enabled ? cfg->gen_port : (uint16_t)cfg->rx_ports[0];
}

static int
phc_source(struct tw_app *app, struct tw_clock_source *src)
{
	const struct tw_config *cfg = &app->cfg;
	struct rte_eth_dev_info info = { .driver_name = "?" };
	const char *o = cfg->path[0] != '\0' ? cfg->path : "configuration";
	struct timespec ts;
	int rc;

	dom.phc_port = phc_port(cfg);
	if (tw_app_port_index(app, dom.phc_port) < 0) {
		TW_LOG(app, ERR, "%s: [clock] port: port %u is not one this "
			"process uses\n", o, dom.phc_port);
		return -EINVAL;
	}
	rte_eth_dev_info_get(dom.phc_port, &info);
	rc = rte_eth_timesync_enable(dom.phc_port);
	if (rc == 0)
		rc = rte_eth_timesync_read_time(dom.phc_port, &ts);
	if (rc != 0) {
		TW_LOG(app, ERR, "%s: [clock] domain: phc: port %u (%s) has "
			"no PTP clock (rte_eth_timesync: %s); take tai or "
			"realtime, with phc2sys keeping the system clock on "
			"the NIC's\n", o, dom.phc_port, info.driver_name,
			rte_strerror(-rc));
		return -ENOTSUP;
	}
	*src = (struct tw_clock_source){ .read = read_phc,
		.arg = &dom.phc_port, .follow = true };
	snprintf(dom.source, sizeof(dom.source), "PTP clock of port %u (%s)",
		dom.phc_port, info.driver_name);
	snprintf(dom.rate, sizeof(dom.rate), "the PTP clock, last %u "
		"anchors", TW_CLOCK_WINDOW);
	return 0;
}

int
tw_app_clock_domain(struct tw_app *app)
{
	const struct tw_config *cfg = &app->cfg;
	struct tw_clock_source src = { .follow = true };
	enum tw_clock_domain d = (enum tw_clock_domain)cfg->clock_domain;
	int rc;

	kernel_clock();
	switch (d) {
	case TW_DOMAIN_TSC:
		snprintf(dom.source, sizeof(dom.source), "CLOCK_REALTIME");
		snprintf(dom.rate, sizeof(dom.rate), "CLOCK_MONOTONIC_RAW, "
			"since start");
		break;
	case TW_DOMAIN_TAI:
	case TW_DOMAIN_REALTIME:
		src.id = d == TW_DOMAIN_TAI ? CLOCK_TAI : CLOCK_REALTIME;
		snprintf(dom.source, sizeof(dom.source), "%s",
			d == TW_DOMAIN_TAI ? "CLOCK_TAI" : "CLOCK_REALTIME");
		snprintf(dom.rate, sizeof(dom.rate), "%s, last %u anchors",
			dom.source, TW_CLOCK_WINDOW);
		break;
	case TW_DOMAIN_PHC:
		rc = phc_source(app, &src);
		if (rc != 0)
			return rc;
		break;
	}
	if (d != TW_DOMAIN_TSC) {
		rc = tw_clock_set_source(&app->clock, &src);
		if (rc != 0) {
			TW_LOG(app, ERR, "[clock] domain: %s: %s unreadable "
				"(%s)\n", domain_names[d], dom.source,
				rte_strerror(-rc));
			return rc;
		}
		ask_pmc(cfg);
	} else {
		snprintf(dom.pmc_why, sizeof(dom.pmc_why), "not asked "
			"(domain tsc)");
	}
	printf("clock: %s (%s; rate from %s; anchor bracket %" PRIu64
		" ns)\n", domain_names[d], dom.source, dom.rate,
		app->clock.bracket_ns);
	if (d == TW_DOMAIN_TAI && dom.kernel_read && dom.tai_offset_s == 0)
		printf("clock: the kernel's TAI offset is 0 (unset): CLOCK_TAI "
			"reads as CLOCK_REALTIME here; the other end must say "
			"the same (its run record's clock.tai_offset_s)\n");
	return 0;
}

/* The summary's line. */
void
tw_app_clock_print(const struct tw_app *app, FILE *f)
{
	const struct tw_clock *c = &app->clock;

	fprintf(f, "clock: %s, %s; %" PRIu64 " anchors, bracket %" PRIu64
		"..%" PRIu64 " ns (error bound %" PRIu64 " ns), %" PRIu64
		" steps, %" PRIu64 " failed reads; kernel %s",
		domain_names[app->cfg.clock_domain], dom.source, c->anchors,
		c->bracket_min_ns, c->bracket_max_ns, c->bracket_max_ns,
		c->steps, c->anchor_fails, !dom.kernel_read ? "unread" :
		dom.kernel_synced ? "synchronised" : "unsynchronised");
	if (dom.pmc_answered)
		fprintf(f, "; ptp4l: offset %.0f ns, path delay %.0f ns\n",
			dom.offset_ns, dom.delay_ns);
	else
		fprintf(f, "; ptp4l: %s\n", dom.pmc_why);
}

/* The stats JSON's "clock" object. */
void
tw_app_clock_json(const struct tw_app *app, char *buf, size_t len)
{
	const struct tw_clock *c = &app->clock;
	size_t n;

	n = (size_t)snprintf(buf, len, "{\"domain\": \"%s\", \"source\": "
		"\"%s\", \"rate_from\": \"%s\", \"refresh_ms\": %u, "
		"\"anchors\": %" PRIu64 ", \"anchor_failures\": %" PRIu64
		", \"steps\": %" PRIu64 ", \"bracket_ns\": {\"last\": %"
		PRIu64 ", \"min\": %" PRIu64 ", \"max\": %" PRIu64 "}, "
		"\"error_bound_ns\": %" PRIu64 ", ",
		domain_names[app->cfg.clock_domain], dom.source, dom.rate,
		TW_APP_CLOCK_REFRESH_MS, c->anchors, c->anchor_fails, c->steps,
		c->bracket_ns, c->bracket_min_ns, c->bracket_max_ns,
		c->bracket_max_ns);
	if (n < len && dom.kernel_read)
		n += (size_t)snprintf(buf + n, len - n, "\"kernel\": "
			"{\"tai_offset_s\": %d, \"synchronised\": %s, "
			"\"esterror_us\": %ld, \"maxerror_us\": %ld}, ",
			dom.tai_offset_s, dom.kernel_synced ? "true" : "false",
			dom.esterror_us, dom.maxerror_us);
	else if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "\"kernel\": null, ");
	if (n >= len)
		return;
	if (!dom.pmc_answered) {
		snprintf(buf + n, len - n, "\"ptp\": {\"answered\": false, "
			"\"why\": \"%s\"}}", dom.pmc_why);
		return;
	}
	n += (size_t)snprintf(buf + n, len - n, "\"ptp\": {\"answered\": "
		"true, \"gm_present\": %s, \"steps_removed\": %ld",
		dom.gm_present ? "true" : "false", dom.steps_removed);
	if (n < len && dom.have_master_offset)
		n += (size_t)snprintf(buf + n, len - n, ", \"master_offset_ns\""
			": %" PRId64, dom.master_offset_ns);
	if (n < len && dom.have_offset)
		n += (size_t)snprintf(buf + n, len - n, ", "
			"\"offset_from_master_ns\": %.1f", dom.offset_ns);
	if (n < len && dom.have_delay)
		n += (size_t)snprintf(buf + n, len - n, ", "
			"\"mean_path_delay_ns\": %.1f", dom.delay_ns);
	if (n < len)
		snprintf(buf + n, len - n, "}}");
}
