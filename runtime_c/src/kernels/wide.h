/*
 * Helpers of the int16-activation kernels (conv.c, depthwise_conv.c, fully_connected.c,
 * transpose_conv.c): 64-bit wrapping accumulation and TFLite's MultiplyByQuantizedMultiplier
 * for int64 accumulators (double-rounding build), computed without undefined behaviour.
 */
#ifndef PYRT_WIDE_H
#define PYRT_WIDE_H

#include <stdint.h>

#include "../internal.h"
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

/* Types and words shared by the int16 layers: x and y int16, w int8, bias absent, int32
 * (wide_acc 0) or int64 (wide_acc 1); zero-point offsets 0; activation clamp within int16. */
static inline pyrt_status pyrt_check_int16_layer(const pyrt_check_ctx *c, int32_t x, int32_t w,
                                                 int32_t b, int32_t y, uint32_t p_wide,
                                                 uint32_t p_in_off, uint32_t p_out_off,
                                                 uint32_t p_act_min) {
  const pyrt_model *m = c->m;
  const int32_t wide = pyrt_param(c, p_wide);
  const int32_t lo = pyrt_param(c, p_act_min), hi = pyrt_param(c, p_act_min + 1u);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, w) != PYRT_INT8 ||
      pyrt_ttype(m, y) != PYRT_INT16)
    return PYRT_E_OP_TYPE;
  if (wide != 0 && wide != 1) return PYRT_E_OP_PARAMS;
  if (b >= 0 && pyrt_ttype(m, b) != (wide ? PYRT_INT64 : PYRT_INT32)) return PYRT_E_OP_TYPE;
  if (pyrt_param(c, p_in_off) != 0 || pyrt_param(c, p_out_off) != 0) return PYRT_E_OP_PARAMS;
  if (lo < -32768 || lo > hi || hi > 32767) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

/* int64 requantization supports shifts up to 7 only (TFLM asserts it) */
static inline pyrt_status pyrt_check_wide_shifts(const pyrt_check_ctx *c, int32_t wide,
                                                 int32_t shift_off, uint32_t n) {
  uint32_t i;
  if (!wide) return PYRT_OK;
  for (i = 0; i < n; ++i)
    if ((int8_t)c->cbase[(uint32_t)shift_off + i] > 7) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

#endif /* PYRT_WIDE_H */
