/*
 * Helpers of the neon kernel set (AArch64 Advanced SIMD: Cortex-A53/A55/A7x), written with the
 * ACLE intrinsics of arm_neon.h: the exact vector requantization, the int8 multiply core that
 * CONV_2D 1x1, FULLY_CONNECTED and the im2col convolutions share, and the im2col convolution.
 * With __ARM_FEATURE_DOTPROD (Armv8.2-A dot product: -mcpu=cortex-a55 and later) the core
 * multiplies with SDOT; without it with SMULL + SADALP (one int8 product per int16 lane, then
 * pairwise into int32: exact for every int8 value, -128 included).
 */
#ifndef PYRT_NEON_H
#define PYRT_NEON_H

#include <stdint.h>
#include <string.h>

#include "../kernels.h"

#if PYRT_SET_NEON
#include <arm_neon.h>

#include "../vec_common.h"

#define PYRT_NEON_INLINE static inline __attribute__((always_inline))

/* What differs between AArch64 and AArch32 NEON: the rows of a multiply tile (AArch64 has 32
 * Q registers: 4 x 4 accumulators; AArch32 16: 2 x 4), pairwise addition of two vectors, the
 * store of one int32 lane to an int8 address (AArch32 stores lanes with alignment hints, so a
 * plain unaligned word store there) and the high-half SMULL2 / SMLAL2 (AArch64 only). */
#if defined(__aarch64__)
#define PYRT_NEON_ROWS 4
PYRT_NEON_INLINE int32x4_t pyrt_neon_padd(int32x4_t a, int32x4_t b) { return vpaddq_s32(a, b); }
#define pyrt_neon_st4(y, b, lane) \
  vst1q_lane_s32((int32_t *)(void *)(y), vreinterpretq_s32_s8(b), (lane))
#define pyrt_neon_mull_high(a, b) vmull_high_s8((a), (b))
#define pyrt_neon_mlal_high(acc, a, b) vmlal_high_s8((acc), (a), (b))
#else
#define pyrt_neon_mull_high(a, b) vmull_s8(vget_high_s8(a), vget_high_s8(b))
#define pyrt_neon_mlal_high(acc, a, b) vmlal_s8((acc), vget_high_s8(a), vget_high_s8(b))
#define PYRT_NEON_ROWS 2
PYRT_NEON_INLINE int32x4_t pyrt_neon_padd(int32x4_t a, int32x4_t b) {
  return vcombine_s32(vpadd_s32(vget_low_s32(a), vget_high_s32(a)),
                      vpadd_s32(vget_low_s32(b), vget_high_s32(b)));
}
#define pyrt_neon_st4(y, b, lane)                                          \
  do {                                                                     \
    const uint32_t v_ = vgetq_lane_u32(vreinterpretq_u32_s8(b), (lane));   \
    memcpy((y), &v_, 4);                                                   \
  } while (0)
#endif

/* 1 when none of the n weights w is -128: two int8 products then fit one int16 lane
 * (|x w| <= 128 * 127, twice 32512), so a core can sum two in int16 (SMULL + SMLAL) before it
 * widens (the loader accepts -128 weights, and two (-128) x (-128) products would not fit). */
int32_t pyrt_neon_no_min8(const int8_t *w, int32_t n);

/* pyrt_vec_out.pairs for the multiply core: with SDOT never (it has no use for it), else
 * pyrt_neon_no_min8; one pass over the weights, worth it where they serve several rows. */
static inline int32_t pyrt_neon_mm_pairs(const int8_t *w, int32_t n) {
#if defined(__ARM_FEATURE_DOTPROD)
  (void)w;
  (void)n;
  return 0;
#else
  return pyrt_neon_no_min8(w, n);
#endif
}

/* Every row (k int8 values) times the n_ch weight rows w (row stride k), requantized: tiles of
 * PYRT_NEON_ROWS rows by four output channels, the rows left over one at a time, the
 * channels left over in a last group whose missing rows repeat its first. k >= 8: the last
 * k % 16 values are one more step whose loads end at the row's end (the values already summed
 * masked to zero in x), so no load leaves a row. Any alignment of x, w and y; no scratch. */
void pyrt_neon_mat_mult(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                        int32_t n_ch, const pyrt_vec_out *o, int8_t *y);

/* CONV_2D by im2col of a few output pixels into the scratch (rows of k = KH * KW * C_in /
 * groups bytes, taps in the padding the input zero point, so that kbias holds) and the multiply
 * core, any geometry and groups: 16 pixels at a time for k <= 64 (first layers: the core's
 * per-call costs spread over more rows), 4 otherwise. k < 8: the reference loop (bias). */
static inline int32_t pyrt_neon_im2col_rows(int32_t k) { return k <= 64 ? 16 : 4; }
static inline uint32_t pyrt_neon_im2col_bytes(const pyrt_conv_desc *d) {
  const int32_t k = d->filt.h * d->filt.w * d->filt.c;
  return (uint32_t)(pyrt_neon_im2col_rows(k) * k);
}
void pyrt_neon_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                           const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch);

#endif /* PYRT_SET_NEON */
#endif /* PYRT_NEON_H */
