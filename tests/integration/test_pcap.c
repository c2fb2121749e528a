/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_pcap both ways. Record: tshark's own MoldUDP64 dissector reads
 * every packet without complaint, sequence numbers are contiguous per
 * channel, message counts add up, IPv4 and UDP checksums are valid; the
 * recording replayed gives the generator's truth. Replay of a capture
 * with every malformed class: each bad frame counted under its reason,
 * the cache equal to what the good frames alone give. Recovery traffic
 * that is forged or unasked is dropped under its reason while a late
 * joiner takes its server's snapshot. The README's record-then-replay
 * commands work as written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "itest.h"

#define MAX_GROUPS 4

static void
enter(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chdir(dir), 0);
}

/*
 * pcap-replay.ini copied into dir (as replay.ini): its rx_pcap names
 * the capture relatively, so it is read beside this profile, wherever
 * tickwire runs from. Returns the profile's path.
 */
static const char *
replay_profile(const char *dir)
{
	static char path[512];
	char *text = it_slurp(TW_SRC "/drivers-config/pcap-replay.ini");
	FILE *f;

	assert_non_null(text);
	snprintf(path, sizeof(path), "%s/replay.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
	return path;
}

static void
recorded_feed_passes_tshark_and_replays_to_truth(void **state)
{
	const char *dir = it_path("pcap-record");
	const char *const rec[] = { "--config",
		TW_SRC "/drivers-config/pcap-record.ini", "--count", "50000",
		"--duration", "60", "--quiet", "--stats-json", "rec.json",
		"--dump-truth", "truth.csv", NULL };
	/* The profile goes into dir once it is made (rep[1]). */
	const char *rep[] = { "--config", NULL,
		"--duration", "60", "--quiet", "--stats-json", "rep.json",
		"--dump-cache", "cache.csv", NULL };
	char *const fields[] = { "sh", "-c",
		"tshark -r tickwire-feed.pcap -d udp.port==30001,moldudp64 "
		"-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
		"-T fields -E separator=' ' -e ip.dst -e moldudp64.sequence "
		"-e moldudp64.count -e ip.checksum.status "
		"-e udp.checksum.status > fields.txt", NULL };
	char *const complaints[] = { "sh", "-c",
		"tshark -r tickwire-feed.pcap -d udp.port==30001,moldudp64 "
		"-Y '_ws.malformed || _ws.expert.severity >= warning' "
		"> complaints.txt", NULL };
	uint64_t next[MAX_GROUPS], msgs = 0, pkts = 0;
	unsigned int g, a, b, c, d, ipck, udpck;
	unsigned long long sq, cnt;
	char *json, *line, *save = NULL, *txt;

	enter(dir);
	rep[1] = replay_profile(dir);
	assert_int_equal(it_tickwire(rec, "rec.log", 120), 0);
	json = it_slurp("rec.json");
	assert_non_null(json);

	assert_int_equal(it_run(fields, "tshark.log", 120), 0);
	assert_int_equal(it_run(complaints, "tshark2.log", 120), 0);
	assert_int_equal(it_count_lines("complaints.txt"), 0);

	for (g = 0; g < MAX_GROUPS; g++)
		next[g] = 1;
	txt = it_slurp("fields.txt");
	assert_non_null(txt);
	for (line = strtok_r(txt, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		assert_int_equal(sscanf(line, "%u.%u.%u.%u %llu %llu %u %u",
			&a, &b, &c, &d, &sq, &cnt, &ipck, &udpck), 8);
		g = d - 1;
		assert_true(a == 239 && b == 1 && c == 1 && g < MAX_GROUPS);
		if (sq != next[g])
			fail_msg("group %u: sequence %llu, expected %" PRIu64,
				g, sq, next[g]);
		if (cnt != 0 && cnt != 0xffff) {
			next[g] += cnt;
			msgs += cnt;
		}
		assert_int_equal(ipck, 1);      /* tshark: Good */
		assert_int_equal(udpck, 1);
		pkts++;
	}
	free(txt);
	assert_int_equal(msgs, 50000 + 1000);
	assert_int_equal(pkts, it_json_u64(json, "generator", "packets"));
	free(json);

	/* From another directory: the capture is found beside the
	 * profile (the report files, outputs, go where the run is). */
	assert_int_equal(chdir("/"), 0);
	rep[6] = it_path("pcap-record/rep.json");
	rep[8] = it_path("pcap-record/cache.csv");
	assert_int_equal(it_tickwire(rep, it_path("pcap-record/rep.log"),
		120), 0);
	assert_int_equal(chdir(dir), 0);
	json = it_slurp("rep.json");
	assert_int_equal(it_json_u64(json, "rx", "messages"), 51000);
	assert_int_equal(it_json_u64(json, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(json, NULL, "gaps"), 0);
	free(json);
	assert_true(it_files_equal("cache.csv", "truth.csv"));
}

/*
 * Replay like tcpreplay: a capture recorded at 100,000 msgs/s (0.5 s)
 * sent by the generator at half its speed takes at least twice as long,
 * and the cache ends equal to the recording's truth. The replay counts
 * what it sent as the recording did: ticks (quotes, trades), directory
 * messages, heartbeats, ends of session, packets. Restamped, latency
 * is the replay's own (microseconds); not restamped it is the age of
 * the recording, and the run says so.
 */
static void
replay_keeps_the_capture_timing(void **state)
{
	const char *dir = it_path("pcap-paced");
	const char *const rec[] = { "--config",
		TW_SRC "/drivers-config/pcap-record.ini", "--count", "50000",
		"--rate", "100000", "--duration", "60", "--quiet",
		"--stats-json", "rec.json", "--dump-truth", "truth.csv", NULL };
	static const char *const kinds[] = { "ticks", "quotes", "trades",
		"directories", "heartbeats", "end_of_session", "packets",
		"bytes" };
	/* [3]: the capture, set once the directory is made. */
	const char *paced[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set", NULL,
		"--set", "replay.speed=0.5",
		"--duration", "60", "--quiet", "--stats-json", "paced.json",
		"--dump-cache", "paced.csv", NULL };
	const char *aged[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set", NULL,
		"--set", "replay.speed=0",
		"--set", "replay.restamp=false", "--duration", "60",
		"--stats-json", "aged.json", NULL };
	char file[600], *s, *r;
	unsigned int k;

	enter(dir);
	assert_int_equal(it_tickwire(rec, "rec.log", 120), 0);
	/* The profile is in the source tree: give the capture whole. */
	snprintf(file, sizeof(file), "replay.file=%s/tickwire-feed.pcap", dir);
	paced[3] = file;
	aged[3] = file;
	sleep(1);       /* the recording ages a second */
	assert_int_equal(it_tickwire(paced, "paced.log", 120), 0);
	s = it_slurp("paced.json");
	assert_non_null(s);
	fprintf(stderr, "paced replay: %s s\n", strstr(s, "\"elapsed_s\"") +
		13);
	assert_true(strtod(strstr(s, "\"elapsed_s\": ") + 13, NULL) >= 0.9);
	/* The replaying loop recorded its own gaps over the replay. */
	assert_true(it_gen_noise_elapsed_ns(s) >= 500000000u);
	assert_int_equal(it_json_u64(s, "rx", "messages"), 51000);
	assert_true(it_json_u64(s, "latency_ns", "p50") < 100000000);
	r = it_slurp("rec.json");
	assert_non_null(r);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		fprintf(stderr, "%s: recorded %" PRIu64 ", replayed %" PRIu64
			"\n", kinds[k], it_json_u64(r, "generator", kinds[k]),
			it_json_u64(s, "generator", kinds[k]));
		assert_int_equal(it_json_u64(s, "generator", kinds[k]),
			it_json_u64(r, "generator", kinds[k]));
	}
	assert_int_equal(it_json_u64(s, "generator", "ticks"), 50000);
	assert_int_equal(it_json_u64(s, "generator", "directories"), 1000);
	assert_int_equal(it_json_u64(s, "generator", "other_messages"), 0);
	free(r);
	free(s);
	assert_true(it_files_equal("paced.csv", "truth.csv"));
	assert_int_equal(it_tickwire(aged, "aged.log", 120), 0);
	s = it_slurp("aged.json");
	assert_non_null(s);
	assert_true(it_json_u64(s, "latency_ns", "p50") > 500000000);
	assert_non_null(strstr(s, "\"latency_from\": \"recording (its age, "
		"not a latency)\""));
	free(s);
	s = it_slurp("aged.log");
	assert_non_null(strstr(s, "the recording's age, not a latency"));
	free(s);
}

/*
 * In dir: the capture tw-mkcap (mk) writes, replayed by rep (its
 * --config is set here), whole (exit 0); every drop reason counted as
 * the maker's expected.txt says, and the frames read. The stats JSON
 * (the caller frees it); *reasons: the reasons expected non-zero.
 */
static char *
replay_checked(const char *dir, char *const *mk, const char **rep,
		unsigned int *reasons)
{
	char *json, *exp, *line, *save = NULL;

	enter(dir);
	rep[1] = replay_profile(dir);
	assert_int_equal(it_run(mk, "mkcap.log", 30), 0);
	assert_int_equal(it_tickwire(rep, "rep.log", 120), IT_WHOLE);
	json = it_slurp("rep.json");
	exp = it_slurp("expected.txt");
	assert_non_null(json);
	assert_non_null(exp);
	*reasons = 0;
	for (line = strtok_r(exp, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char reason[64];
		unsigned long long want;

		assert_int_equal(sscanf(line, "%63s %llu", reason, &want), 2);
		if (strcmp(reason, "frames") == 0) {
			assert_int_equal(it_json_u64(json, "rx", "packets"),
				want);
			continue;
		}
		if (it_json_u64(json, "drops", reason) != want)
			fail_msg("drop %s: %" PRIu64 ", expected %llu", reason,
				it_json_u64(json, "drops", reason), want);
		*reasons += want != 0;
	}
	free(exp);
	return json;
}

static void
malformed_frames_are_counted_by_reason_and_good_ones_kept(void **state)
{
	const char *dir = it_path("pcap-malformed");
	char *const mk[] = { (char *)TW_MKCAP, "tickwire-feed.pcap",
		"truth.csv", "expected.txt", NULL };
	const char *rep[] = { "--config", NULL,
		"--symbols", "64", "--duration", "60", "--quiet",
		"--stats-json", "rep.json", "--dump-cache", "cache.csv", NULL };
	unsigned int reasons;
	char *json;

	json = replay_checked(dir, mk, rep, &reasons);
	assert_true(reasons >= 22);
	assert_int_equal(it_json_u64(json, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(json, NULL, "channels_ended"), 4);
	free(json);
	assert_true(it_files_equal("cache.csv", "truth.csv"));
}

/*
 * Recovery traffic nobody asked for or that is not the server's, among
 * a good feed whose channel 3 the receiver joins late (tw-mkcap
 * --recovery): each forged frame dropped under its reason, changing
 * nothing; the late channel takes the server's own snapshot (the
 * capture is read in one go, so it is in before a request could go:
 * where requests go is the tap test's); the cache is what the good
 * frames and that snapshot give, nothing stale, exit 0.
 */
static void
forged_recovery_traffic_is_dropped_by_reason(void **state)
{
	const char *dir = it_path("pcap-recovery");
	char *const mk[] = { (char *)TW_MKCAP, "--recovery",
		"tickwire-feed.pcap", "truth.csv", "expected.txt", NULL };
	const char *rep[] = { "--config", NULL,
		"--symbols", "64", "--duration", "60", "--quiet",
		"--set", "recovery.rerequest=true",
		"--stats-json", "rep.json", "--dump-cache", "cache.csv", NULL };
	unsigned int reasons;
	char *json;

	json = replay_checked(dir, mk, rep, &reasons);
	assert_int_equal(reasons, 4);
	assert_int_equal(it_json_u64(json, "recovery", "late_joins"), 1);
	assert_int_equal(it_json_u64(json, "recovery", "snapshots"), 1);
	assert_int_equal(it_json_u64(json, "recovery", "snapshots_failed"), 0);
	assert_int_equal(it_json_u64(json, "verdict", "stale_symbols"), 0);
	assert_int_equal(it_json_u64(json, NULL, "channels_ended"), 4);
	free(json);
	assert_true(it_files_equal("cache.csv", "truth.csv"));
}

/*
 * argv of the README's command line that names profile (from "./build/
 * app/tickwire/tickwire" on): this build's binary and source profiles,
 * TW_EAL_EXTRA after the binary, each word as written. NULL if no line
 * does.
 */
static char **
readme_command(const char *profile)
{
	static char *argv[IT_MAX_ARGS];
	static char words[IT_MAX_ARGS][512];
	const char *bin = "./build/app/tickwire/tickwire";
	char *readme = it_slurp(TW_SRC "/README.md"), *line, *save = NULL;
	const char *env = getenv("TW_EAL_EXTRA");
	char extra[512], *tok, *tsave = NULL;
	int n = 0;

	assert_non_null(readme);
	for (line = strtok_r(readme, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "    ", 4) == 0 &&
		    strncmp(line + 4, bin, strlen(bin)) == 0 &&
		    strstr(line, profile) != NULL)
			break;
	if (line == NULL) {
		free(readme);
		return NULL;
	}
	argv[n++] = (char *)TW_BIN;
	snprintf(extra, sizeof(extra), "%s", env != NULL ? env : "");
	for (tok = strtok_r(extra, " ", &tsave); tok != NULL;
	     tok = strtok_r(NULL, " ", &tsave)) {
		snprintf(words[n], sizeof(words[n]), "%s", tok);
		argv[n] = words[n];
		n++;
	}
	tsave = NULL;
	for (tok = strtok_r(line + 4 + strlen(bin), " ", &tsave);
	     tok != NULL && n < IT_MAX_ARGS - 1;
	     tok = strtok_r(NULL, " ", &tsave)) {
		/* The profiles are the source tree's; the run is here. */
		if (strncmp(tok, "drivers-config/", 15) == 0)
			snprintf(words[n], sizeof(words[n]), "%s/%s", TW_SRC,
				tok);
		else
			snprintf(words[n], sizeof(words[n]), "%s", tok);
		argv[n] = words[n];
		n++;
	}
	argv[n] = NULL;
	free(readme);
	return argv;
}

/*
 * The README's two lines, one after the other in one directory: the
 * recording is made where the run is and the replay reads it there,
 * every message of the recording applied.
 */
static void
readme_record_then_replay_works_as_written(void **state)
{
	char **argv;
	char *log;

	enter(it_path("pcap-readme"));
	argv = readme_command("drivers-config/pcap-record.ini");
	assert_non_null(argv);
	assert_int_equal(it_run(argv, "rec.log", 120), 0);
	assert_true(access("tickwire-feed.pcap", R_OK) == 0);
	argv = readme_command("drivers-config/pcap-replay.ini");
	assert_non_null(argv);
	assert_int_equal(it_run(argv, "rep.log", 120), 0);
	log = it_slurp("rep.log");
	assert_non_null(log);
	/* pcap-record.ini: 100,000 ticks and 1,000 directory messages. */
	if (strstr(log, "101,000 messages applied") == NULL &&
	    strstr(log, "101000 messages applied") == NULL)
		fail_msg("the replay did not apply 101,000 messages: %s", log);
	assert_non_null(strstr(log, "drops 0, gaps 0"));
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			recorded_feed_passes_tshark_and_replays_to_truth),
		cmocka_unit_test(
			malformed_frames_are_counted_by_reason_and_good_ones_kept),
		cmocka_unit_test(forged_recovery_traffic_is_dropped_by_reason),
		cmocka_unit_test(replay_keeps_the_capture_timing),
		cmocka_unit_test(readme_record_then_replay_works_as_written),
	};

	it_test_filter();
	return cmocka_run_group_tests_name("pcap", tests, NULL, NULL);
}
