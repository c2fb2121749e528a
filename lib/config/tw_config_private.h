/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to lib/config. */
#ifndef TW_CONFIG_PRIVATE_H
#define TW_CONFIG_PRIVATE_H

#include <stddef.h>

/*
 * 0 when the profile at path is a regular file with no line that
 * rte_cfgfile would misread or drop; else -errno with the file, line,
 * section and key in err.
 */
int tw_config_lint_file(const char *path, char *err, size_t errlen);

#endif /* TW_CONFIG_PRIVATE_H */
