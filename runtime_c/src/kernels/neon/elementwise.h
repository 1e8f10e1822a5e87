/* neon: ADD and SUB of same-shape int8 tensors (TFLite's quantized ADD: each input offset,
 * shifted left, rescaled; summed or subtracted, rescaled to the output, offset, clamped), eight
 * elements a step in int32 lanes; the last n % 8 by the reference arithmetic. No scratch. */
#ifndef PYRT_NEON_ELEMENTWISE_H
#define PYRT_NEON_ELEMENTWISE_H

#include "../elementwise_arith.h"
#include "neon.h"

#if PYRT_SET_NEON
/* TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp on four lanes: pyrt_vec_requant
 * without the left shift (rsh = the shift, in [-31, 0]). */
PYRT_NEON_INLINE int32x4_t pyrt_neon_requant_lt1(int32x4_t x, int32x4_t mult, int32x4_t rsh) {
  return pyrt_vec_rdbpot(vqrdmulhq_s32(x, mult), rsh);
}

/* One input's parameters, as vectors. */
typedef struct {
  int32x4_t off, mult, shift;
} pyrt_neon_add_in;

PYRT_NEON_INLINE pyrt_neon_add_in pyrt_neon_add_in_of(int32_t off, int32_t mult, int32_t shift) {
  pyrt_neon_add_in p;
  p.off = vdupq_n_s32(off);
  p.mult = vdupq_n_s32(mult);
  p.shift = vdupq_n_s32(shift);
  return p;
}

/* ((v + offset) << left_shift) rescaled, four lanes */
PYRT_NEON_INLINE int32x4_t pyrt_neon_add_scaled(int16x4_t v, const pyrt_neon_add_in *p,
                                                int32x4_t lsh) {
  return pyrt_neon_requant_lt1(vshlq_s32(vaddw_s16(p->off, v), lsh), p->mult, p->shift);
}

PYRT_NEON_INLINE void pyrt_neon_add_sub(const pyrt_add_desc *d, const int8_t *a, const int8_t *b,
                                        int8_t *y, int32_t n, int sub) {
  const pyrt_neon_add_in pa = pyrt_neon_add_in_of(d->a_offset, d->a_mult, d->a_shift);
  const pyrt_neon_add_in pb = pyrt_neon_add_in_of(d->b_offset, d->b_mult, d->b_shift);
  const int32x4_t lsh = vdupq_n_s32(d->left_shift), out_mult = vdupq_n_s32(d->out_mult);
  const int32x4_t out_shift = vdupq_n_s32(d->out_shift);
  const int32x4_t out_off = vdupq_n_s32(d->output_offset);
  const int8x8_t lo = vdup_n_s8((int8_t)d->act_min), hi = vdup_n_s8((int8_t)d->act_max);
  int32_t i;
  for (i = 0; i + 8 <= n; i += 8) {
    const int16x8_t va = vmovl_s8(vld1_s8(a + i)), vb = vmovl_s8(vld1_s8(b + i));
    const int32x4_t a0 = pyrt_neon_add_scaled(vget_low_s16(va), &pa, lsh);
    const int32x4_t a1 = pyrt_neon_add_scaled(vget_high_s16(va), &pa, lsh);
    const int32x4_t b0 = pyrt_neon_add_scaled(vget_low_s16(vb), &pb, lsh);
    const int32x4_t b1 = pyrt_neon_add_scaled(vget_high_s16(vb), &pb, lsh);
    const int32x4_t s0 = sub ? vsubq_s32(a0, b0) : vaddq_s32(a0, b0);
    const int32x4_t s1 = sub ? vsubq_s32(a1, b1) : vaddq_s32(a1, b1);
    const int32x4_t r0 = vaddq_s32(pyrt_neon_requant_lt1(s0, out_mult, out_shift), out_off);
    const int32x4_t r1 = vaddq_s32(pyrt_neon_requant_lt1(s1, out_mult, out_shift), out_off);
    const int8x8_t r = vqmovn_s16(vcombine_s16(vqmovn_s32(r0), vqmovn_s32(r1)));
    vst1_s8(y + i, vmin_s8(vmax_s8(r, lo), hi));
  }
  for (; i < n; ++i) y[i] = (int8_t)pyrt_add_elem(d, a[i], b[i], sub);
}
#endif

#endif /* PYRT_NEON_ELEMENTWISE_H */
