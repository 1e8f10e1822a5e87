/* neon MUL of same-shape int8 tensors: eight elements a step, (a + a_offset) * (b + b_offset)
 * (|.| <= 255 * 255: int16 operands, SMULL to int32, no wrap) requantized by pyrt_vec_requant,
 * offset, narrowed with saturation and clamped; the last n % 8 by the reference arithmetic. */
#include "../elementwise_arith.h"
#include "neon.h"

#if PYRT_USE_NEON(mul_s8)
void PYRT_K(mul_s8)(const pyrt_mul_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n) {
  const int16x8_t a_off = vdupq_n_s16((int16_t)d->a_offset);
  const int16x8_t b_off = vdupq_n_s16((int16_t)d->b_offset);
  const int32x4_t mult = vdupq_n_s32(d->out_mult);
  const int32x4_t lsh = vdupq_n_s32(d->out_shift > 0 ? d->out_shift : 0);
  const int32x4_t rsh = vdupq_n_s32(d->out_shift > 0 ? 0 : d->out_shift);
  const int32x4_t out_off = vdupq_n_s32(d->output_offset);
  const int8x8_t lo = vdup_n_s8((int8_t)d->act_min), hi = vdup_n_s8((int8_t)d->act_max);
  int32_t i;
  for (i = 0; i + 8 <= n; i += 8) {
    const int16x8_t va = vaddq_s16(vmovl_s8(vld1_s8(a + i)), a_off);
    const int16x8_t vb = vaddq_s16(vmovl_s8(vld1_s8(b + i)), b_off);
    const int32x4_t p0 = vmull_s16(vget_low_s16(va), vget_low_s16(vb));
    const int32x4_t p1 = vmull_s16(vget_high_s16(va), vget_high_s16(vb));
    const int32x4_t r0 = vaddq_s32(pyrt_vec_requant(p0, mult, lsh, rsh), out_off);
    const int32x4_t r1 = vaddq_s32(pyrt_vec_requant(p1, mult, lsh, rsh), out_off);
    const int8x8_t r = vqmovn_s16(vcombine_s16(vqmovn_s32(r0), vqmovn_s32(r1)));
    vst1_s8(y + i, vmin_s8(vmax_s8(r, lo), hi));
  }
  for (; i < n; ++i) y[i] = (int8_t)pyrt_mul_elem(d, a[i], b[i]);
}
#endif
