/*
 * Helpers of the int16-activation kernels (conv, depthwise, fully connected, transpose conv):
 * 64-bit wrapping accumulation and TFLite's MultiplyByQuantizedMultiplier
 * for int64 accumulators (double-rounding build), computed without undefined behaviour.
 */
#ifndef PYRT_WIDE_H
#define PYRT_WIDE_H

#include <stdint.h>

#include "quant.h"

/* two's-complement wrap from uint64 to int64 without implementation-defined conversion */
static inline int64_t pyrt_wrap64(uint64_t u) {
  return (u & 0x8000000000000000ULL) ? -(int64_t)(~u) - 1 : (int64_t)u;
}

/* sign-extending int32 -> uint64 (for wrapping sums) */
static inline uint64_t pyrt_u64(int64_t v) { return (uint64_t)v; }

/* TFLite MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift):
 * the multiplier reduced to 16 bits, one rounding; shift in [-31, 7]. TFLite's int64 product
 * and the final narrowing to int32 wrap here (they do in practice there). */
static inline int32_t pyrt_mbqm64(int64_t x, int32_t mult, int shift) {
  const int64_t reduced = (mult < 0x7FFF0000L) ? (int64_t)((mult + (1L << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  const uint64_t t = (uint64_t)x * (uint64_t)reduced + ((uint64_t)1 << (total_shift - 1));
  const int64_t r = pyrt_wrap64(t) >> total_shift;
  return pyrt_wrap32((uint32_t)((uint64_t)r & 0xFFFFFFFFULL));
}

/* requantize an int16-layer accumulator: wide (int64 bias / accumulators) or int32 */
static inline int32_t pyrt_requant16(uint64_t acc, int wide, const void *bias, int oc,
                                     int32_t mult, int shift) {
  if (wide) {
    if (bias) acc += (uint64_t)((const int64_t *)bias)[oc];
    return pyrt_mbqm64(pyrt_wrap64(acc), mult, shift);
  } else {
    uint32_t a = (uint32_t)(acc & 0xFFFFFFFFULL);
    if (bias) a += (uint32_t)((const int32_t *)bias)[oc];
    return pyrt_mbqm(pyrt_wrap32(a), mult, shift);
  }
}

#endif /* PYRT_WIDE_H */
