/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: tickwire's command line (app/tickwire/options.c,
 * the code main() runs) over the default profile. The input is split
 * at NUL bytes into arguments. Whatever they are, the options return 0
 * (a checked configuration), 1 (help or the key list printed) or a
 * negative errno after printing an error; never a crash or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tickwire.h"

#define MAX_ARGS 24
#define ARG_BYTES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tw_config cfg;
	static char buf[ARG_BYTES + 1];
	char *argv[MAX_ARGS + 2];
	int argc = 0, rc;
	size_t i, n = size < ARG_BYTES ? size : ARG_BYTES;

	if (stdout != NULL && freopen("/dev/null", "w", stdout) == NULL)
		abort();
	memcpy(buf, data, n);
	buf[n] = '\0';
	argv[argc++] = (char *)"tickwire";
	argv[argc++] = buf;
	for (i = 0; i < n && argc < MAX_ARGS + 1; i++)
		if (buf[i] == '\0')
			argv[argc++] = buf + i + 1;
	if (argc > 1 && argv[argc - 1] == buf + n)
		argc--;         /* no empty argument after a final NUL */
	argv[argc] = NULL;
	rc = tw_app_options(&cfg, argc, argv);
	if (rc != 0 && rc != 1 && rc >= 0) {
		fprintf(stderr, "tw_app_options returned %d\n", rc);
		abort();
	}
	return 0;
}
