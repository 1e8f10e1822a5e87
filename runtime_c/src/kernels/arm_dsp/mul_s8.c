/* arm_dsp MUL of same-shape int8 tensors: (a + a_offset) x (b + b_offset), then the
 * one-SMLAL requantization (dsp.h), offset, clamp. */
#include "dsp.h"

#if PYRT_USE_DSP(mul_s8)
void PYRT_K(mul_s8)(const pyrt_mul_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n) {
  const int32_t aoff = d->a_offset, boff = d->b_offset, m = d->out_mult, s = d->out_shift;
  const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t p = (a[i] + aoff) * (b[i] + boff); /* |p| <= 255 x 255 */
    y[i] = (int8_t)pyrt_dsp_clamp8(pyrt_dsp_requant(p, m, s), off, lo, hi);
  }
}
#endif
