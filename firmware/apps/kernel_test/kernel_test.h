/*
 * kernel_test: randomized differential test of every kernel of PYRT_KERNEL_LIST (kernels.h).
 *
 * The program links the engine as built for its target (so pyrt_<name> is whatever kernel the
 * target's sets select: arm_dsp on Cortex-M4/M7/M33 and Armv7-A, mve, else arm_dsp, on M55) and a
 * second copy of the reference kernels compiled with -DPYRT_REF_KERNELS_ONLY=1 (pyrt_ref_<name>).
 * For each kernel it generates random cases (shapes the operator adapters route to that kernel,
 * parameters within what pyrt_init accepts), runs both on the same inputs and compares the
 * outputs byte for byte. Each buffer is exactly sized, surrounded by guard bytes, and inputs are
 * checked unchanged.
 *
 * A case is a pure function of (seed, kernel name, case index): any failure is replayed by the
 * same seed, and `first_case` / `only` narrow a run to it.
 *
 * Output, one record per line ("KEY field=value ...", as the runner's):
 *   PYRT-KTEST version=1 platform= cpu= set= seed= cases= first= inject= flags=
 *   RUN kernel=                                 before each kernel (trace flag only)
 *   CASE kernel= case= ...                      before each case (trace flag only)
 *   KERNEL name= cases= failures=               one per kernel
 *   FAIL kernel= case= what= ...                the first failing case of a kernel, with
 *   CASE kernel= case= ...                      its parameters
 *   UNTESTED name=                              a PYRT_KERNEL_LIST entry without a test
 *   NOTEST list=PYRT_KERNEL_LIST_OPS names=a,b  the other operators' kernels, not covered
 *   END status= kernels= failures=
 * Exit status: 0 all equal, 1 a mismatch (or an untested kernel), 3 a bad configuration.
 */
#ifndef PYRT_KERNEL_TEST_H
#define PYRT_KERNEL_TEST_H

#include <stdint.h>

#define KT_EXIT_OK 0
#define KT_EXIT_MISMATCH 1
#define KT_EXIT_CONFIG 3

/* Fault injection, to prove the comparison can fail: applied to case `first_case` only. */
#define KT_INJECT_NONE 0
#define KT_INJECT_OUTPUT 1 /* flip one bit of the reference output (a corrupted expected value) */
#define KT_INJECT_GUARD 2  /* write the byte after the fast kernel's output */

#define KT_ONLY_MAX 48

typedef struct {
  uint32_t seed;
  uint32_t cases;      /* per kernel */
  uint32_t first_case; /* cases first_case .. first_case + cases - 1 */
  uint32_t inject;     /* KT_INJECT_* */
  uint32_t flags;      /* KT_FLAG_* */
  char only[KT_ONLY_MAX]; /* one kernel by name, or "" for all */
} kt_config;

/* Print "RUN kernel=" before each kernel and the CASE record before each case (to find the
 * case of a fault). */
#define KT_FLAG_TRACE 1u
/* Place buffers at any element-aligned address (the blob format's minimum), not only where the
 * converter puts them (16-aligned from 16 bytes). */
#define KT_FLAG_ANY_ALIGN 2u

/* Configuration block (Cortex-M: input 0 of the runner's input file; Linux: --config FILE):
 * little-endian u32 magic "PYKT", version, seed, cases, first_case, inject, flags, then
 * only[48] (NUL-padded). */
#define KT_CONFIG_MAGIC 0x544b5950u
#define KT_CONFIG_VERSION 1u
#define KT_CONFIG_WORDS 7u
#define KT_CONFIG_BYTES (KT_CONFIG_WORDS * 4u + KT_ONLY_MAX)

/* Provided by the platform: write a NUL-terminated string to the console. */
void kt_write(const char *s);

/* Run the test; `pool` (16-aligned) holds every buffer of a case. Returns the exit status. */
int kt_run(const kt_config *cfg, uint8_t *pool, uint32_t pool_bytes, const char *platform,
           const char *cpu);

/* Parse a configuration block (see KT_CONFIG_MAGIC); 0 on success. */
int kt_parse_config(const uint8_t *p, uint32_t n, kt_config *cfg);

#endif /* PYRT_KERNEL_TEST_H */
