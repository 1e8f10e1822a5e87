/*
 * Helpers of the mve kernel set (Armv8.1-M with the M-profile Vector Extension, integer
 * MVE: Cortex-M55/M85), written with the ACLE intrinsics of arm_mve.h: the exact vector
 * requantization and the int8 multiply core that CONV_2D 1x1 and FULLY_CONNECTED share.
 */
#ifndef PYRT_MVE_H
#define PYRT_MVE_H

#include <stdint.h>

#include "../kernels.h"

#if PYRT_SET_MVE
#include <arm_mve.h>

#ifndef PYRT_ALWAYS_INLINE
#define PYRT_ALWAYS_INLINE static inline __attribute__((always_inline))
#endif

/* TFLite's MultiplyByQuantizedMultiplier on four lanes, exact for every int32 x, multiplier in
 * [0, 2^31) and shift in [-31, 30] (lsh = max(shift, 0), rsh = min(shift, 0)):
 * - the left shift wraps, as pyrt_shl_wrap (VSHL by register does not saturate);
 * - VQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul: floor((x m + 2^30) / 2^31),
 *   saturated (only x = m = INT32_MIN saturates, and m >= 0 here);
 * - RoundingDivideByPOT rounds halves away from zero, VRSHL rounds them up: a negative x is
 *   first lowered by one (x & rsh has the sign bit of x only where rsh < 0; >> 31 makes it -1),
 *   which moves exactly the negative halves down and nothing else; saturating, so INT32_MIN
 *   (unreachable, as the high multiply is > INT32_MIN for m < 2^31) would stay right. */
static inline int32x4_t pyrt_mve_requant(int32x4_t acc, int32x4_t mult, int32x4_t lsh,
                                         int32x4_t rsh) {
  int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, lsh), mult);
  x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, rsh), 31));
  return vrshlq_s32(x, rsh);
}

/* Output side of the multiply core: y[ch] = clamp(requant(kbias[ch] + dot) + out_off). */
typedef struct {
  const int32_t *kbias;
  pyrt_quant q;
  int32_t per_channel; /* 0: q holds one multiplier for every channel */
  int32_t out_off, act_min, act_max;
} pyrt_mve_mm_out;

static inline pyrt_mve_mm_out pyrt_mve_out(const int32_t *kbias, pyrt_quant q, int32_t per_channel,
                                           int32_t out_off, int32_t act_min, int32_t act_max) {
  pyrt_mve_mm_out o;
  o.kbias = kbias;
  o.q = q;
  o.per_channel = per_channel;
  o.out_off = out_off;
  o.act_min = act_min;
  o.act_max = act_max;
  return o;
}

/* The multiply core: rows of k int8 values times the n_ch weight rows w (row stride k). Output
 * channels in groups (the last by predication), each group against every row: the channels'
 * parameters are loaded once per group; per 16 values either one row x four channels (one load
 * of the row, four of weights, four VMLADAVA) or two rows x three channels (two, three and six),
 * whichever costs fewer instructions for k and n_ch (mat_mult.c). The rows are `lines` of `n` rows
 * each (the first at x + i * x_line, then x_step apart), their outputs likewise at
 * y + i * y_line + j * y_step. No scratch, any alignment of x, w and y. */
typedef struct {
  int32_t lines, x_line, y_line; /* lines of rows */
  int32_t n, x_step, y_step;     /* rows of a line */
} pyrt_mve_rows;

void pyrt_mve_mat_mult(const int8_t *x, const pyrt_mve_rows *r, const int8_t *w, int32_t k,
                       int32_t n_ch, const pyrt_mve_mm_out *o, int8_t *y);

/* Convolution by im2col (im2col.c, conv_s8 and conv_few_ch_s8): PYRT_MVE_COLS output pixels at
 * a time, each window gathered into a column of the scratch (k bytes, taps in the padding read
 * the input zero point so that kbias holds), then the columns are the rows of the core. */
#define PYRT_MVE_COLS 8
static inline uint32_t pyrt_mve_im2col_bytes(const pyrt_conv_desc *d) {
  return (uint32_t)(PYRT_MVE_COLS * d->filt.h * d->filt.w * d->filt.c);
}
void pyrt_mve_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *kbias, int8_t *y, void *scratch);

#endif /* PYRT_SET_MVE */
#endif /* PYRT_MVE_H */
