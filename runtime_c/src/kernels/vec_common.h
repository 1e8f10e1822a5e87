/*
 * What the two vector kernel sets share, mve (arm_mve.h) and neon (arm_neon.h): both name their
 * int32x4_t intrinsics alike (vqrdmulhq_s32, vshlq_s32, vrshlq_s32, ...), so the exact vector
 * requantization is written once here, with the output side and the row walk of their multiply
 * cores. Included by mve/mve.h and neon/neon.h after their ACLE header.
 */
#ifndef PYRT_VEC_COMMON_H
#define PYRT_VEC_COMMON_H

#include "kernels.h"

#if PYRT_SET_MVE || PYRT_SET_NEON
/* gemmlowp's RoundingDivideByPOT on four lanes by -rsh (rsh = min(shift, 0) per lane): VRSHL /
 * SRSHL round halves up, TFLite away from zero, so a negative x is first lowered by one where
 * rsh < 0 ((x & rsh) >> 31 is -1 exactly there), which moves exactly the negative halves down;
 * saturating, so INT32_MIN (unreachable after a high multiply by m < 2^31) would stay right. */
static inline __attribute__((always_inline)) int32x4_t pyrt_vec_rdbpot(int32x4_t x, int32x4_t rsh) {
  x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, rsh), 31));
  return vrshlq_s32(x, rsh);
}

/* TFLite's MultiplyByQuantizedMultiplier on four lanes, exact for every int32 x, multiplier in
 * [0, 2^31) and shift in [-31, 30] (lsh = max(shift, 0), rsh = min(shift, 0)): the left shift
 * wraps, as pyrt_shl_wrap (VSHL / SSHL by register do not saturate); VQRDMULH / SQRDMULH is
 * gemmlowp's SaturatingRoundingDoublingHighMul (floor((x m + 2^30) / 2^31), saturated: only
 * x = m = INT32_MIN saturates, and m >= 0 here); then pyrt_vec_rdbpot. */
static inline __attribute__((always_inline)) int32x4_t pyrt_vec_requant(int32x4_t acc, int32x4_t mult, int32x4_t lsh,
                                         int32x4_t rsh) {
  return pyrt_vec_rdbpot(vqrdmulhq_s32(vshlq_s32(acc, lsh), mult), rsh);
}

/* Output side of a multiply core: y[ch] = clamp(requant(kbias[ch] + dot) + out_off). */
typedef struct {
  const int32_t *kbias;
  pyrt_quant q;
  int32_t per_channel; /* 0: q holds one multiplier for every channel */
  int32_t out_off, act_min, act_max;
  int32_t pairs; /* neon: 1 when no weight is -128 (pyrt_neon_mm_pairs); mve: unused */
} pyrt_vec_out;

static inline pyrt_vec_out pyrt_vec_out_of(const int32_t *kbias, pyrt_quant q,
                                           int32_t per_channel, int32_t out_off, int32_t act_min,
                                           int32_t act_max) {
  pyrt_vec_out o;
  o.kbias = kbias;
  o.q = q;
  o.per_channel = per_channel;
  o.out_off = out_off;
  o.act_min = act_min;
  o.act_max = act_max;
  o.pairs = 0;
  return o;
}

/* The rows of a multiply core: `lines` of `n` rows each, the first at x + i * x_line, then
 * x_step apart; their outputs likewise at y + i * y_line + j * y_step. */
typedef struct {
  int32_t lines, x_line, y_line; /* lines of rows */
  int32_t n, x_step, y_step;     /* rows of a line */
} pyrt_vec_rows;

/* CONV_2D 1x1 (any stride, no padding): the input pixels under one image's output pixels, the
 * output rows being the lines and their pixels the rows. */
static inline pyrt_vec_rows pyrt_vec_conv_1x1_rows(const pyrt_conv_desc *d) {
  pyrt_vec_rows r;
  r.lines = d->out.h;
  r.x_line = d->stride_h * d->in.w * d->in.c;
  r.y_line = d->out.w * d->out.c;
  r.n = d->out.w;
  r.x_step = d->stride_w * d->in.c;
  r.y_step = d->out.c;
  return r;
}
#endif

#endif /* PYRT_VEC_COMMON_H */
