/* mve ADD/SUB core (elementwise.h). Below PYRT_DSP_ADD_LUT_MIN elements each input is
 * rescaled arithmetically; from there on, each input value's rescaled form is read from a
 * 256-entry table per input (built per call in scratch, indexed by the raw byte) with one
 * gather load per four elements, and only the output is requantized per element. */
#include "elementwise.h"

#if PYRT_SET_MVE
typedef struct {
  pyrt_mve_add_in a, b;
  int32_t out_mult;
  int32x4_t out_rsh;
  pyrt_mve_clamp c;
} add_params;

/* (sa +/- sb) wrapping, rescaled to the output, offset, clamped. */
static inline __attribute__((always_inline)) int32x4_t out4(int32x4_t sa, int32x4_t sb,
                                                            const add_params *p, int sub) {
  const int32x4_t s = sub ? vsubq_s32(sa, sb) : vaddq_s32(sa, sb);
  return pyrt_mve_offset_clamp(pyrt_mve_rescale_lt1(s, p->out_mult, p->out_rsh), &p->c);
}

/* Rescaled inputs for the 256 raw bytes u: entry u holds f((int8_t)u). */
static void fill_table(int32_t *t, const pyrt_mve_add_in *in) {
  int32x4_t u = vreinterpretq_s32_u32(vidupq_n_u32(0, 1)); /* 0, 1, 2, 3 */
  int32_t i;
  for (i = 0; i < 256; i += 4) {
    const int32x4_t v = vshrq_n_s32(vshlq_n_s32(u, 24), 24); /* the byte as int8 */
    vst1q_s32(t + i, pyrt_mve_add_scale(v, in));
    u = vaddq_n_s32(u, 4);
  }
}

static inline __attribute__((always_inline)) void add_sub_arith(const add_params *p, const int8_t *a, const int8_t *b, int8_t *y,
                          int32_t n, int sub) {
  for (; n >= 4; n -= 4) {
    vstrbq_s32(y, out4(pyrt_mve_add_scale(vldrbq_s32(a), &p->a),
                       pyrt_mve_add_scale(vldrbq_s32(b), &p->b), p, sub));
    a += 4;
    b += 4;
    y += 4;
  }
  if (n > 0) {
    const mve_pred16_t q = vctp32q((uint32_t)n);
    vstrbq_p_s32(y, out4(pyrt_mve_add_scale(vldrbq_z_s32(a, q), &p->a),
                         pyrt_mve_add_scale(vldrbq_z_s32(b, q), &p->b), p, sub), q);
  }
}

static inline __attribute__((always_inline)) void add_sub_table(
    const add_params *pp, const int32_t *ta, const int32_t *tb, const int8_t *a, const int8_t *b,
    int8_t *y, int32_t n, int sub) {
  const uint8_t *ua = (const uint8_t *)a, *ub = (const uint8_t *)b;
  const add_params copy = *pp; /* in registers for the loop, not reloaded through pp */
  const add_params *p = &copy;
  for (; n >= 4; n -= 4) {
    const int32x4_t sa = vldrwq_gather_shifted_offset_s32(ta, vldrbq_u32(ua));
    const int32x4_t sb = vldrwq_gather_shifted_offset_s32(tb, vldrbq_u32(ub));
    vstrbq_s32(y, out4(sa, sb, p, sub));
    ua += 4;
    ub += 4;
    y += 4;
  }
  if (n > 0) {
    const mve_pred16_t q = vctp32q((uint32_t)n);
    const int32x4_t sa = vldrwq_gather_shifted_offset_z_s32(ta, vldrbq_z_u32(ua, q), q);
    const int32x4_t sb = vldrwq_gather_shifted_offset_z_s32(tb, vldrbq_z_u32(ub, q), q);
    vstrbq_p_s32(y, out4(sa, sb, p, sub), q);
  }
}

void pyrt_mve_add_sub(const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                      int32_t n, int sub, void *scratch) {
  add_params p;
  p.a = pyrt_mve_add_input(d->a_offset, d->left_shift, d->a_mult, d->a_shift);
  p.b = pyrt_mve_add_input(d->b_offset, d->left_shift, d->b_mult, d->b_shift);
  p.out_mult = d->out_mult;
  p.out_rsh = vdupq_n_s32(d->out_shift);
  p.c = pyrt_mve_clamp_of(d->output_offset, d->act_min, d->act_max);
  if (pyrt_dsp_add_scratch(n) != 0u) {
    int32_t *t = (int32_t *)scratch;
    fill_table(t, &p.a);
    fill_table(t + 256, &p.b);
    if (sub)
      add_sub_table(&p, t, t + 256, a, b, y, n, 1);
    else
      add_sub_table(&p, t, t + 256, a, b, y, n, 0);
  } else if (sub) {
    add_sub_arith(&p, a, b, y, n, 1);
  } else {
    add_sub_arith(&p, a, b, y, n, 0);
  }
}
#endif
