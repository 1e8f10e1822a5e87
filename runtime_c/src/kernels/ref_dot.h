/*
 * What the reference convolution and fully connected loops share: their dot products (the
 * products and the wrapping sums of TFLite's int8 and int16 reference kernels) and the call
 * boundary that keeps the register allocation of an inner loop nest apart from its outer loops.
 */
#ifndef PYRT_REF_DOT_H
#define PYRT_REF_DOT_H

#include <stdint.h>

#include "wide.h"

/* A call boundary for the compiler, around the loops of one output pixel or row: they get the
 * registers to themselves. Inlined into their outer loops, GCC 12 -O2 (AArch64 and Thumb-2) kept
 * values of the outer loops in registers and spilled those of the innermost loop instead, up to
 * four stack accesses per multiply-accumulate; one call per output pixel costs next to nothing. */
#if defined(__GNUC__)
#define PYRT_REF_NOINLINE __attribute__((noinline))
#else
#define PYRT_REF_NOINLINE
#endif

/* sum of w[i * ws] * (x[i * xs] + in_off), i < n: int8 products summed modulo 2^32 */
static inline uint32_t pyrt_ref_dot_s8(const int8_t *x, int xs, const int8_t *w, int ws, int n,
                                       int32_t in_off) {
  uint32_t acc = 0;
  int i;
  for (i = 0; i < n; ++i) acc += (uint32_t)((int32_t)w[i * ws] * ((int32_t)x[i * xs] + in_off));
  return acc;
}

/* sum of w[i * ws] * x[i * xs], i < n: int16 x int8 products summed modulo 2^64 */
static inline uint64_t pyrt_ref_dot_s16(const int16_t *x, int xs, const int8_t *w, int ws,
                                        int n) {
  uint64_t acc = 0;
  int i;
  for (i = 0; i < n; ++i) acc += pyrt_u64((int32_t)w[i * ws] * (int32_t)x[i * xs]);
  return acc;
}

/* The contiguous int16 dot product (xs = ws = 1) of the loops of ref_window.h and ref_fc.h: a
 * kernel set may define its own before including them (mve/conv_s16.c), and so reuse the
 * reference loop nests around a vector dot product. */
#ifndef PYRT_REF_DOT_S16_RUN
#define PYRT_REF_DOT_S16_RUN(x, w, n) pyrt_ref_dot_s16((x), 1, (w), 1, (n))
#endif

#endif /* PYRT_REF_DOT_H */
