/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * [clock] domain across two processes that share nothing but a wire:
 * a generator in one network namespace and a receiver in another,
 * joined by a veth pair each reads through net_af_packet. Run once with
 * both in tsc and once with both in tai (with ptp4l, software
 * timestamps over the veth, master on one end and a free-running slave
 * on the other: it reports, it adjusts no clock): send->cache agrees
 * between the two runs and no sample is negative; the run record states
 * the domain, the anchors' error bound and what ptp4l answered. On a
 * port without a PTP clock, phc is refused naming [clock] domain; an
 * unknown domain is a usage error. The namespaces, the veths and the
 * ptp4l processes go whether the tests pass or fail.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_common.h>

#include "itest.h"

/* Names under TW_PREFIX: namespaces ck-TAGa/b, veths cka-TAG/ckb-TAG. */
static char ns[2][32], veth[2][IF_NAMESIZE], uds[2][256];
static pid_t ptp[2];
static pid_t receiver;          /* a run_pair's, until it is waited for */

static const char *
tag(void)
{
	const char *t = getenv("TW_PREFIX");

	return t != NULL && *t != '\0' ? t : "t";
}

static int
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sh: %s\n", cmd);
	return system(cmd);
}

static void
ptp_stop(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (ptp[i] > 0) {
			kill(ptp[i], SIGTERM);
			it_wait(ptp[i], 5);
			ptp[i] = 0;
		}
}

static int
net_down(void **state)
{
	if (receiver > 0) {
		kill(receiver, SIGINT);
		it_wait(receiver, 20);
		receiver = 0;
	}
	ptp_stop();
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; "
		"ip link del %s 2>/dev/null; true", ns[0], ns[1], veth[0]);
	return 0;
}

static int
net_up(void **state)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(ns[i], sizeof(ns[i]), "ck-%s%c", tag(), 'a' + i);
		snprintf(veth[i], sizeof(veth[i]), "ck%c-%.11s", 'a' + i,
			tag());
		snprintf(uds[i], sizeof(uds[i]), "%s",
			it_path(i == 0 ? "clock-ptp-a.sock" : "clock-ptp-b.sock"));
	}
	net_down(state);
	if (sh("ip netns add %s && ip netns add %s && ip link add %s type "
		"veth peer name %s && ip link set %s netns %s && ip link set "
		"%s netns %s && ip -n %s link set %s up && ip -n %s link set "
		"%s up", ns[0], ns[1], veth[0], veth[1], veth[0], ns[0],
		veth[1], ns[1], ns[0], veth[0], ns[1], veth[1]) != 0) {
		net_down(state);
		return -1;
	}
	return 0;
}

/* tickwire in namespace side (0: a, 1: b) with opts. */
static void
ns_argv(char **argv, unsigned int side, const char *const *opts)
{
	char *tw[IT_MAX_ARGS];
	int i, n = it_tickwire_argv(tw, opts);

	argv[0] = (char *)"ip";
	argv[1] = (char *)"netns";
	argv[2] = (char *)"exec";
	argv[3] = ns[side];
	for (i = 0; i <= n && i + 4 < IT_MAX_ARGS; i++)
		argv[i + 4] = tw[i];
	argv[IT_MAX_ARGS - 1] = NULL;
}

/* The EAL words of side's process: af_packet on its veth, its prefix. */
static const char *
eal(unsigned int side)
{
	static char buf[2][256];

	snprintf(buf[side], sizeof(buf[side]), "eal.args=--lcores=%s "
		"--no-pci --vdev=net_af_packet0,iface=%s --file-prefix="
		"tickwire-ck%s", side == 0 ? "0@1,1@0" : "0@0,1@1", veth[side],
		side == 0 ? "gen" : "proc");
	return buf[side];
}

/* The number after "k1" ... "kn": ": " in json, each key after the last. */
static double
json_num(const char *json, const char *const *keys)
{
	const char *p = json;

	for (; *keys != NULL; keys++) {
		p = strstr(p, *keys);
		if (p == NULL)
			fail_msg("no %s in the stats JSON", *keys);
		p += strlen(*keys);
	}
	return strtod(p, NULL);
}

struct pair_result {
	double p50_ns;          /* send->cache, polled uninterrupted */
	double min_ns;          /* send->cache, all samples */
	uint64_t negative;
	double bound_ns;        /* the receiver's anchors' widest bracket */
	char *proc;             /* its stats JSON */
};

/* Generator in a, receiver in b, both in domain d. */
static void
run_pair(const char *d, struct pair_result *r)
{
	char name[64], dom[64], ua[300], ub[300], *argv[IT_MAX_ARGS], *g;
	const char *gjson, *pjson, *plog;
	pid_t proc;
	int rc;

	snprintf(dom, sizeof(dom), "clock.domain=%s", d);
	snprintf(ua, sizeof(ua), "clock.ptp_uds=%s", uds[0]);
	snprintf(ub, sizeof(ub), "clock.ptp_uds=%s", uds[1]);
	snprintf(name, sizeof(name), "clock-%s-gen.json", d);
	gjson = it_path(name);
	snprintf(name, sizeof(name), "clock-%s-proc.json", d);
	pjson = it_path(name);
	snprintf(name, sizeof(name), "clock-%s-proc.log", d);
	plog = it_path(name);
	remove(gjson);
	remove(pjson);
	{
		const char *const popts[] = { "--set", eal(1), "--set",
			"generator.enabled=false", "--set", "rx.lcores=1",
			"--set", "rx.ports=0", "--set", dom, "--set", ub,
			/* the kernel's socket may drop while the RX lcore is
			 * preempted on this shared host: not the point here */
			"--set", "run.accept_loss=true", "--duration", "60",
			"--quiet", "--stats-json", pjson, NULL };

		ns_argv(argv, 1, popts);
		proc = receiver = it_spawn(argv, plog);
	}
	assert_int_equal(it_wait_for(plog, "polling", 60), 0);
	{
		const char *const gopts[] = { "--set", eal(0), "--set",
			"generator.lcore=1", "--set", "rx.enabled=false",
			"--set", dom, "--set", ua, "--rate", "20000",
			"--count", "60000", "--quiet", "--stats-json", gjson,
			NULL };

		ns_argv(argv, 0, gopts);
		snprintf(name, sizeof(name), "clock-%s-gen.log", d);
		rc = it_run(argv, it_path(name), 120);
	}
	assert_int_equal(rc, 0);
	rc = it_wait(proc, 90);
	receiver = 0;
	if (rc != 0)
		sh("tail -30 %s >&2", plog);
	assert_int_equal(rc, 0);
	it_read_pair(gjson, pjson, &g, &r->proc);
	snprintf(dom, sizeof(dom), "\"clock\": {\"domain\": \"%s\"", d);
	assert_non_null(strstr(g, dom));
	assert_non_null(strstr(r->proc, dom));
	free(g);
	r->p50_ns = json_num(r->proc, (const char *const[]){
		"\"latency_host\"", "\"send->cache\"", "\"uninterrupted_ns\"",
		"\"p50\": ", NULL });
	r->min_ns = json_num(r->proc, (const char *const[]){
		"\"latency_ns\": { \"span\": \"send->cache\"", "\"min\": ",
		NULL });
	r->bound_ns = json_num(r->proc, (const char *const[]){
		"\"clock\": ", "\"error_bound_ns\": ", NULL });
	r->negative = it_json_u64(r->proc, "rx", "latency_negative");
	assert_true(it_json_u64(r->proc, "rx", "latency_samples") > 1000);
	print_message("%s: send->cache p50 %.0f ns (polled uninterrupted), "
		"min %.0f ns, %" PRIu64 " negative; anchors' error bound %.0f "
		"ns\n", d, r->p50_ns, r->min_ns, r->negative, r->bound_ns);
}

/* ptp4l on both veths, layer 2, software timestamps, fast intervals:
 * a's the master, b's a slave that reports and adjusts nothing. Waits
 * until b's pmc says a grandmaster is present. */
static void
ptp_start(void)
{
	static const char *const fast[] = { "-2", "-S",
		"--logAnnounceInterval=-3", "--announceReceiptTimeout=2",
		"--logSyncInterval=-4", "--logMinDelayReqInterval=-4" };
	char ua[300], cmd[600], *argv[24];
	unsigned int i, j, n;

	if (sh("command -v ptp4l >/dev/null && command -v pmc >/dev/null")
	    != 0)
		fail_msg("ptp4l or pmc missing: ./scripts/setup.sh installs "
			"linuxptp");
	for (i = 0; i < 2; i++) {
		n = 0;
		argv[n++] = (char *)"ip";
		argv[n++] = (char *)"netns";
		argv[n++] = (char *)"exec";
		argv[n++] = ns[i];
		argv[n++] = (char *)"ptp4l";
		argv[n++] = (char *)"-m";
		argv[n++] = (char *)"-i";
		argv[n++] = veth[i];
		for (j = 0; j < RTE_DIM(fast); j++)
			argv[n++] = (char *)fast[j];
		snprintf(ua, sizeof(ua), "--uds_address=%s", uds[i]);
		argv[n++] = strdup(ua);
		if (i == 1) {
			argv[n++] = (char *)"-s";
			argv[n++] = (char *)"--free_running=1";
		}
		argv[n] = NULL;
		remove(uds[i]);
		ptp[i] = it_spawn(argv, it_path(i == 0 ? "clock-ptp4l-a.log" :
			"clock-ptp4l-b.log"));
	}
	snprintf(cmd, sizeof(cmd), "for i in $(seq 1 60); do pmc -u -b 0 -s "
		"%s 'GET TIME_STATUS_NP' 2>/dev/null | grep -q 'gmPresent *"
		"true' && exit 0; sleep 0.5; done; exit 1", uds[1]);
	assert_int_equal(sh("%s", cmd), 0);
}

/*
 * Two processes in two namespaces, both in tai, against the same two in
 * tsc: the spans agree within 50 us (the same kernel clock underneath,
 * so what differs is the mapping), none negative, the error bound
 * stated and small, ptp4l's offset and path delay in the record.
 */
static void
tai_across_namespaces_agrees_with_tsc(void **state)
{
	struct pair_result tsc, tai;

	run_pair("tsc", &tsc);
	assert_non_null(strstr(tsc.proc, "\"ptp\": {\"answered\": false, "
		"\"why\": \"not asked (domain tsc)\"}"));
	ptp_start();
	run_pair("tai", &tai);
	ptp_stop();
	assert_int_equal(tai.negative, 0);
	assert_true(tai.bound_ns > 0 && tai.bound_ns < 100000);
	assert_true(tai.p50_ns < tsc.p50_ns + 50000 &&
		tsc.p50_ns < tai.p50_ns + 50000);
	assert_true(tai.min_ns < tsc.min_ns + 50000 &&
		tsc.min_ns < tai.min_ns + 50000);
	/* ptp4l answered the receiver's pmc: figures, not made up. */
	assert_non_null(strstr(tai.proc, "\"ptp\": {\"answered\": true"));
	print_message("tai: ptp4l's slave: offset %.0f ns, path delay %.0f "
		"ns\n", json_num(tai.proc, (const char *const[]){ "\"ptp\": ",
		"\"offset_from_master_ns\": ", NULL }), json_num(tai.proc,
		(const char *const[]){ "\"ptp\": ", "\"mean_path_delay_ns\": ",
		NULL }));
	free(tsc.proc);
	free(tai.proc);
}

/* af_packet has no PTP clock: phc is one line naming the key and the
 * driver, exit 1; an unknown domain is a usage error (exit 2). */
static void
phc_without_a_ptp_clock_and_unknown_domains_are_refused(void **state)
{
	const char *log = it_path("clock-phc.log");
	const char *const phc[] = { "--set", eal(0), "--set",
		"generator.lcore=1", "--set", "rx.enabled=false", "--set",
		"clock.domain=phc", "--count", "10", "--quiet", NULL };
	const char *const gps[] = { "--set", "clock.domain=gps", NULL };
	char *argv[IT_MAX_ARGS];
	char *text;

	ns_argv(argv, 0, phc);
	assert_int_equal(it_run(argv, log, 60), IT_FAILED);
	text = it_slurp(log);
	assert_non_null(text);
	assert_non_null(strstr(text, ": [clock] domain: phc: port 0 "
		"(net_af_packet) has no PTP clock"));
	free(text);
	log = it_path("clock-gps.log");
	assert_int_equal(it_tickwire(gps, log, 30), IT_USAGE);
	text = it_slurp(log);
	assert_non_null(text);
	assert_non_null(strstr(text, "[clock] domain: 'gps'"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			phc_without_a_ptp_clock_and_unknown_domains_are_refused),
		cmocka_unit_test(tai_across_namespaces_agrees_with_tsc),
	};

	it_test_filter();
	return cmocka_run_group_tests_name("clockdomain", tests, net_up,
		net_down);
}
