/* arm_dsp CONV_2D 1x1 (pointwise, any stride, no padding, one group): every four output pixels
 * are one four-column multiply (dsp.h) of their input pixels against all filters. */
#include "dsp.h"

#if PYRT_USE_DSP(conv_1x1_s8)
static const int8_t *pixel(const pyrt_conv_desc *d, const int8_t *x, int32_t p) {
  const int32_t ohw = d->out.h * d->out.w, n = p / ohw, r = p % ohw;
  return x + ((n * d->in.h + (r / d->out.w) * d->stride_h) * d->in.w +
              (r % d->out.w) * d->stride_w) * d->in.c;
}

void PYRT_K(conv_1x1_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                         const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  const int32_t cin = d->in.c, cout = d->out.c;
  const int32_t n_pix = d->in.n * d->out.h * d->out.w;
  int16_t *cols = (int16_t *)scratch;
  pyrt_dsp_mm_out o;
  int32_t p;
  (void)bias;
  o.kbias = kbias;
  o.q = d->q;
  o.q_step = 1;
  o.out_off = d->output_offset;
  o.act_min = d->act_min;
  o.act_max = d->act_max;
  for (p = 0; p < n_pix; p += 4) {
    int8_t *ys[4];
    const int8_t *xs[4];
    int32_t j;
    for (j = 0; j < 4; ++j) { /* the last pixels of an uneven count repeat the last one */
      const int32_t q = p + j < n_pix ? p + j : n_pix - 1;
      xs[j] = pixel(d, x, q);
      ys[j] = y + q * cout;
    }
    pyrt_dsp_pack_4cols(xs[0], xs[1], xs[2], xs[3], cin, cols);
    pyrt_dsp_mat_mult_4cols(cols, w, cin, cout, &o, ys);
  }
}

uint32_t PYRT_K(conv_1x1_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  return pyrt_dsp_cols_bytes(d->in.c);
}
#endif
