/* mve MUL of same-shape int8 tensors: four elements per vector, (a + a_offset) * (b + b_offset)
 * (|.| <= 255 * 255: no wrap) requantized by pyrt_vec_requant, offset, clamped. */
#include "elementwise.h"

#if PYRT_USE_MVE(mul_s8)
static inline __attribute__((always_inline)) int32x4_t mul4(
    const pyrt_mul_desc *d, int32x4_t a, int32x4_t b, int32x4_t mult, int32x4_t lsh,
    int32x4_t rsh, const pyrt_mve_clamp *c) {
  const int32x4_t prod = vmulq_s32(vaddq_n_s32(a, d->a_offset), vaddq_n_s32(b, d->b_offset));
  return pyrt_mve_offset_clamp(pyrt_vec_requant(prod, mult, lsh, rsh), c);
}

void PYRT_K(mul_s8)(const pyrt_mul_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n) {
  const int32x4_t mult = vdupq_n_s32(d->out_mult);
  const int32x4_t lsh = vdupq_n_s32(d->out_shift > 0 ? d->out_shift : 0);
  const int32x4_t rsh = vdupq_n_s32(d->out_shift > 0 ? 0 : d->out_shift);
  const pyrt_mve_clamp c = pyrt_mve_clamp_of(d->output_offset, d->act_min, d->act_max);
  for (; n >= 4; n -= 4) {
    vstrbq_s32(y, mul4(d, vldrbq_s32(a), vldrbq_s32(b), mult, lsh, rsh, &c));
    a += 4;
    b += 4;
    y += 4;
  }
  if (n > 0) {
    const mve_pred16_t q = vctp32q((uint32_t)n);
    vstrbq_p_s32(y, mul4(d, vldrbq_z_s32(a, q), vldrbq_z_s32(b, q), mult, lsh, rsh, &c), q);
  }
}
#endif
