/*
 * kernel_test on an emulated Cortex-M board (see kernel_test.h for what it does and prints).
 *
 * Configuration: the runner's input file (apps/runner/main.c: "PYIN" header, input 0 at +64)
 * placed at __pyrt_input_addr by QEMU (-device loader,file=...,addr=<input_addr>,force-raw=on,
 * as pyruntime.targets.qemu.run_qemu(fw, inputs=[config]) does), input 0 being the
 * "PYKT" block of kernel_test.h. Without it: seed 1, 20 cases per kernel.
 * Exit status (semihosting): 0 every kernel equal, 1 a mismatch, 3 a malformed configuration.
 */
#include <string.h>

#include "board.h"
#include "kernel_test.h"

#ifndef KT_POOL_BYTES
#define KT_POOL_BYTES (1024u * 1024u)
#endif

#define INPUT_MAGIC 0x4e495950u /* "PYIN" */
#define INPUT_HEADER_BYTES 64u

extern const uint8_t __pyrt_input_addr[];

static uint8_t pool[KT_POOL_BYTES] __attribute__((aligned(16), section(".bigram.kt_pool")));

void kt_write(const char *s) { con_puts(s); }

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int main(void) {
  const uint8_t *in = __pyrt_input_addr;
  kt_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.seed = 1u;
  cfg.cases = 20u;
  if (rd32(in) == INPUT_MAGIC) {
    if (rd32(in + 4) < 1u || kt_parse_config(in + INPUT_HEADER_BYTES, rd32(in + 8), &cfg) != 0) {
      con_puts("ERROR malformed kernel_test configuration\nEND status=3\n");
      return KT_EXIT_CONFIG;
    }
  }
  return kt_run(&cfg, pool, KT_POOL_BYTES, PYRT_BOARD_NAME, PYRT_CPU_NAME);
}
