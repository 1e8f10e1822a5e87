/* neon CONV_2D 1x1 (pointwise, any stride, no padding, one group): the input pixels under the
 * output pixels are the rows of the multiply core (neon.h), one image at a time. No scratch;
 * fewer than 8 input channels: the reference loop. */
#include "../ref_window.h"
#include "neon.h"

#if PYRT_USE_NEON(conv_1x1_s8)
void PYRT_K(conv_1x1_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                         const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  const int32_t cin = d->in.c;
  pyrt_vec_out o = pyrt_vec_out_of(kbias, d->q, 1, d->output_offset, d->act_min, d->act_max);
  pyrt_vec_rows r;
  int32_t b;
  (void)scratch;
  if (cin < 8) {
    pyrt_ref_window(d, x, w, bias, y, 0, 0);
    return;
  }
  r = pyrt_vec_conv_1x1_rows(d);
  if (r.x_line == r.n * r.x_step) { /* stride 1 x 1: the image's pixels are one line of rows */
    r.n *= r.lines;
    r.lines = 1;
  }
  o.pairs = pyrt_neon_mm_pairs(w, d->out.c * cin);
  for (b = 0; b < d->in.n; ++b)
    pyrt_neon_mat_mult(x + b * d->in.h * d->in.w * cin, &r, w, cin, d->out.c, &o,
                       y + b * d->out.h * r.y_line);
}

uint32_t PYRT_K(conv_1x1_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
