/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A protocol added from its own folder: tickwire-echo (tickwire's own
 * sources with tests/protocol_echo/tw_echo.c linked in) runs the "echo"
 * protocol over net_ring, whole and through loss recovered by the
 * MoldUDP64 request server; the receiver's cache equals the generator's
 * truth. tickwire itself, which does not link echo, refuses the name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "itest.h"

static void
echo_feed_arrives_whole_and_cache_equals_truth(void **state)
{
	const char *json = it_path("echo.json");
	const char *cache = it_path("echo.cache.csv");
	const char *truth = it_path("echo.truth.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=echo", "--count", "300000", "--duration", "120",
		"--quiet", "--stats-json", json, "--dump-cache", cache,
		"--dump-truth", truth, NULL };
	char *s;

	(void)state;
	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("echo.log"), 180),
		IT_WHOLE);
	s = it_slurp(json);
	assert_non_null(s);
	assert_int_equal(it_json_u64(s, "generator", "ticks"), 300000);
	assert_int_equal(it_json_u64(s, "generator", "directories"), 0);
	/* Every tick arrived as echo's own messages, none refused. */
	assert_int_equal(it_json_u64(s, "rx", "messages"), 300000);
	assert_int_equal(it_json_u64(s, "rx", "quotes") +
		it_json_u64(s, "rx", "trades"), 300000);
	assert_true(it_json_u64(s, "rx", "trades") > 0);
	assert_int_equal(it_json_u64(s, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(s, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(s, NULL, "channels_ended"), 4);
	assert_true(it_json_u64(s, "send->cache", "count") > 0);
	free(s);
	assert_int_equal(it_count_lines(cache), 1001);
	assert_true(it_files_equal(cache, truth));
}

static void
echo_loss_is_recovered_by_the_transport(void **state)
{
	const char *json = it_path("echo-loss.json");
	const char *cache = it_path("echo-loss.cache.csv");
	const char *truth = it_path("echo-loss.truth.csv");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/loopback.ini", "--set",
		"feed.protocol=echo", "--set", "faults.loss=0.01", "--set",
		"faults.seed=5", "--set", "recovery.store_messages=65536",
		"--set", "recovery.rerequest=true",
		/* A loaded host may starve the RX lcore for tens of ms: the
		 * margin the recovery tests give (test_recovery.c). */
		"--set", "recovery.timeout_us=20000", "--set",
		"recovery.retries=10", "--count", "300000",
		"--duration", "120", "--quiet", "--stats-json", json,
		"--dump-cache", cache, "--dump-truth", truth, NULL };
	char *s;

	(void)state;
	remove(json);
	assert_int_equal(it_tickwire(opts, it_path("echo-loss.log"), 180),
		IT_WHOLE);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(it_json_u64(s, "generator", "faults_lost") > 0);
	assert_true(it_json_u64(s, "generator", "requests_served") > 0);
	it_assert_recovered(s);
	free(s);
	assert_true(it_files_equal(cache, truth));
}

static void
tickwire_without_echo_refuses_its_name(void **state)
{
	const char *log = it_path("echo-plain.log");
	char *const argv[] = { (char *)TW_PLAIN_BIN, (char *)"--",
		(char *)"--config",
		(char *)TW_SRC "/drivers-config/loopback.ini", (char *)"--set",
		(char *)"feed.protocol=echo", NULL };
	char *s;

	(void)state;
	assert_int_equal(it_run(argv, log, 60), IT_USAGE);
	s = it_slurp(log);
	assert_non_null(s);
	assert_non_null(strstr(s, "[feed] protocol: 'echo' is not one of "
		"itch50, mdp3, tickwire"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			echo_feed_arrives_whole_and_cache_equals_truth),
		cmocka_unit_test(echo_loss_is_recovered_by_the_transport),
		cmocka_unit_test(tickwire_without_echo_refuses_its_name),
	};

	it_test_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
