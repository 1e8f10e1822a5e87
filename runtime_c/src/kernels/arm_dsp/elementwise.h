/* arm_dsp: ADD/SUB/MUL of same-shape int8 tensors with the one-SMLAL requantization (dsp.h),
 * shared by add_s8.c, sub_s8.c and mul_s8.c. */
#ifndef PYRT_ARM_DSP_ELEMENTWISE_H
#define PYRT_ARM_DSP_ELEMENTWISE_H

#include "dsp.h"

#if PYRT_SET_ARM_DSP
/* ADD/SUB with at least this many elements rescale each input through a 256-entry table built
 * per call in scratch (2 x 256 int32): two loads per element instead of two requantizations. */
#define PYRT_DSP_ADD_LUT_MIN 1024
#define PYRT_DSP_ADD_LUT_BYTES (2u * 256u * 4u)

static inline uint32_t pyrt_dsp_add_scratch(int32_t n) {
  return n >= PYRT_DSP_ADD_LUT_MIN ? PYRT_DSP_ADD_LUT_BYTES : 0u;
}

/* One input of ADD/SUB: (v + offset) << left_shift, rescaled (shift in [-31, 0]). */
static inline int32_t pyrt_dsp_add_in(int32_t v, int32_t offset, int32_t left_shift, int32_t m,
                                      int32_t shift) {
  return pyrt_dsp_requant((v + offset) << left_shift, m, shift);
}

/* The output stage: `neg` = out_shift < 0 (decided once per call), e1/pow its decoding. */
PYRT_ALWAYS_INLINE int8_t pyrt_dsp_add_out(const pyrt_add_desc *d, int32_t s, int32_t e1,
                                          uint32_t pow, int neg) {
  const int32_t r = neg ? pyrt_dsp_requant_neg(s, d->out_mult, e1, pow)
                        : pyrt_dsp_requant(s, d->out_mult, d->out_shift);
  return (int8_t)pyrt_dsp_clamp8(r, d->output_offset, d->act_min, d->act_max);
}

PYRT_ALWAYS_INLINE void pyrt_dsp_add_sub_loop(const pyrt_add_desc *d, const int8_t *a,
                                              const int8_t *b, int8_t *y, int32_t n, int sub,
                                              const int32_t *lut, int neg) {
  const int32_t e1 = d->out_shift < 0 ? -d->out_shift - 1 : 0;
  const uint32_t pow = (uint32_t)1 << e1;
  int32_t i;
  for (i = 0; i < n; ++i) {
    int32_t sa, sb;
    if (lut) {
      sa = lut[a[i] + 128];
      sb = lut[256 + b[i] + 128];
    } else {
      sa = pyrt_dsp_add_in(a[i], d->a_offset, d->left_shift, d->a_mult, d->a_shift);
      sb = pyrt_dsp_add_in(b[i], d->b_offset, d->left_shift, d->b_mult, d->b_shift);
    }
    y[i] = pyrt_dsp_add_out(
        d, sub ? (int32_t)((uint32_t)sa - (uint32_t)sb) : (int32_t)((uint32_t)sa + (uint32_t)sb),
        e1, pow, neg);
  }
}

/* TFLite's ADD / SUB: each input offset, shifted left, rescaled; summed (or subtracted),
 * rescaled to the output, offset, clamped. */
PYRT_ALWAYS_INLINE void pyrt_dsp_add_sub(const pyrt_add_desc *d, const int8_t *a, const int8_t *b,
                                         int8_t *y, int32_t n, int sub, void *scratch) {
  int32_t *lut = (int32_t *)0;
  if (n >= PYRT_DSP_ADD_LUT_MIN) {
    int32_t v;
    lut = (int32_t *)scratch;
    for (v = -128; v < 128; ++v) {
      lut[v + 128] = pyrt_dsp_add_in(v, d->a_offset, d->left_shift, d->a_mult, d->a_shift);
      lut[256 + v + 128] = pyrt_dsp_add_in(v, d->b_offset, d->left_shift, d->b_mult, d->b_shift);
    }
  }
  if (lut && d->out_shift < 0)
    pyrt_dsp_add_sub_loop(d, a, b, y, n, sub, lut, 1);
  else
    pyrt_dsp_add_sub_loop(d, a, b, y, n, sub, lut, 0);
}
#endif

#endif /* PYRT_ARM_DSP_ELEMENTWISE_H */
