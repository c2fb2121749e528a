/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the profile reader. The input is written as a
 * profile file and read with tw_config_load over the defaults, then the
 * checks across keys and every derivation an app makes from a profile
 * that passed. An error must come with a message naming the file; no
 * input may crash, hang or read out of bounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_config.h"

static char path[64];
static int fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
remove_profile(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tw_config cfg;
	char err[TW_ERR_MAX];
	int rc;

	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/tw-fuzz-config-%d.ini",
			(int)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			abort();
		/* Gone when the run ends (a crash leaves it, with its
		 * input saved beside the findings anyway). */
		atexit(remove_profile);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	tw_config_defaults(&cfg);
	err[0] = '\0';
	rc = tw_config_load(&cfg, path, err, sizeof(err));
	if (rc == 0) {
		rc = tw_config_check(&cfg, err, sizeof(err));
	} else if (strstr(err, path) == NULL) {
		fprintf(stderr, "error without the file's name: '%s'\n", err);
		abort();
	}
	if (rc != 0 && err[0] == '\0') {
		fprintf(stderr, "error %d without a message\n", rc);
		abort();
	}
	if (rc == 0) {
		struct tw_gen_params gp;
		struct tw_frame_params fp;
		struct tw_rx_feed *feed = aligned_alloc(64, sizeof(*feed));

		tw_config_gen_params(&cfg, &gp);
		tw_config_frame_params(&cfg, &fp);
		if (cfg.rx_enabled && tw_config_rx_feed(&cfg, feed) != 0) {
			fprintf(stderr, "checked profile, no RX feed\n");
			abort();
		}
		free(feed);
	}
	return 0;
}
