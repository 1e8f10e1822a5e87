/*
 * kernel_test on Linux (Cortex-A, run under qemu-arm / qemu-aarch64, or natively): the same
 * test as the Cortex-M app (kernel_test.h), configured from the command line.
 *
 *   kernel_test_linux [--seed N] [--cases N] [--first N] [--only KERNEL] [--inject N]
 *                     [--flags N]
 *   kernel_test_linux --config FILE        (the "PYKT" block of kernel_test.h)
 *
 * Exit status: 0 every kernel equal, 1 a mismatch, 3 a bad command line or configuration.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel_test.h"

#define KT_POOL_BYTES (1024u * 1024u)

static uint8_t pool[KT_POOL_BYTES] __attribute__((aligned(16)));

void kt_write(const char *s) {
  fputs(s, stdout);
  fflush(stdout);
}

static int read_config(const char *path, kt_config *cfg) {
  uint8_t buf[KT_CONFIG_BYTES];
  FILE *f = fopen(path, "rb");
  size_t n;
  if (!f) return 1;
  n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  return kt_parse_config(buf, (uint32_t)n, cfg);
}

static int usage(void) {
  fputs("usage: kernel_test_linux [--seed N] [--cases N] [--first N] [--only KERNEL] "
        "[--inject N] [--flags N] | --config FILE\n", stderr);
  return KT_EXIT_CONFIG;
}

int main(int argc, char **argv) {
  kt_config cfg;
  int i;
  memset(&cfg, 0, sizeof cfg);
  cfg.seed = 1u;
  cfg.cases = 20u;
  for (i = 1; i + 1 < argc; i += 2) {
    const char *opt = argv[i], *val = argv[i + 1];
    const unsigned long v = strtoul(val, NULL, 0);
    if (strcmp(opt, "--config") == 0) {
      if (read_config(val, &cfg) != 0) return usage();
    } else if (strcmp(opt, "--seed") == 0) {
      cfg.seed = (uint32_t)v;
    } else if (strcmp(opt, "--cases") == 0) {
      cfg.cases = (uint32_t)v;
    } else if (strcmp(opt, "--first") == 0) {
      cfg.first_case = (uint32_t)v;
    } else if (strcmp(opt, "--inject") == 0) {
      cfg.inject = (uint32_t)v;
    } else if (strcmp(opt, "--flags") == 0) {
      cfg.flags = (uint32_t)v;
    } else if (strcmp(opt, "--only") == 0 && strlen(val) < KT_ONLY_MAX) {
      strcpy(cfg.only, val);
    } else {
      return usage();
    }
  }
  if (i != argc) return usage();
#if defined(__aarch64__)
  return kt_run(&cfg, pool, KT_POOL_BYTES, "linux", "aarch64");
#elif defined(__arm__)
  return kt_run(&cfg, pool, KT_POOL_BYTES, "linux", "armv7a");
#else
  return kt_run(&cfg, pool, KT_POOL_BYTES, "linux", "host");
#endif
}
