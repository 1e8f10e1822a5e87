/* neon: im2col gathering and the im2col convolution shared by conv_s8 and conv_few_ch_s8. */
#include "../ref_window.h"
#include "neon.h"

#if PYRT_SET_NEON
/* n bytes from src to dst: 16 at a time, the rest by one more copy ending at the run's end
 * (overlapping what was copied: the same bytes again), bytes only for runs under 8. */
static inline void copy_run(int8_t *dst, const int8_t *src, int32_t n) {
  int32_t i = 0;
  if (n >= 16) {
    for (; i + 16 <= n; i += 16) vst1q_s8(dst + i, vld1q_s8(src + i));
    if (i < n) vst1q_s8(dst + n - 16, vld1q_s8(src + n - 16));
  } else if (n >= 8) {
    vst1_s8(dst, vld1_s8(src));
    vst1_s8(dst + n - 8, vld1_s8(src + n - 8));
  } else {
    for (; i < n; ++i) dst[i] = src[i];
  }
}

/* The window of output pixel p (channels c0 .. c0 + C_in / groups - 1) into col: KH * KW taps
 * of C_in / groups bytes, taps outside the input the input zero point. A window inside the
 * input with one group and no horizontal dilation is KH runs of KW * C_in bytes. */
static void gather(const pyrt_conv_desc *d, const int8_t *x, int32_t p, int32_t c0,
                   int8_t *col) {
  const int32_t ohw = d->out.h * d->out.w, in_w = d->in.w, in_c = d->in.c;
  const int32_t fh = d->filt.h, fw = d->filt.w, fc = d->filt.c;
  const int32_t n = p / ohw, oy = (p % ohw) / d->out.w, ox = p % d->out.w;
  const int32_t iy0 = oy * d->stride_h - d->pad_h, ix0 = ox * d->stride_w - d->pad_w;
  const int8_t *plane = x + n * d->in.h * in_w * in_c;
  const int8_t zp = (int8_t)(-d->input_offset);
  int32_t fy, fx, i;
  if (fc == in_c && d->dil_w == 1 && iy0 >= 0 && ix0 >= 0 &&
      iy0 + (fh - 1) * d->dil_h < d->in.h && ix0 + fw - 1 < in_w) {
    const int32_t run = fw * fc, row = in_w * in_c * d->dil_h;
    const int8_t *src = plane + (iy0 * in_w + ix0) * in_c;
    for (fy = 0; fy < fh; ++fy, col += run, src += row) copy_run(col, src, run);
    return;
  }
  for (fy = 0; fy < fh; ++fy) {
    const int32_t iy = iy0 + fy * d->dil_h;
    for (fx = 0; fx < fw; ++fx, col += fc) {
      const int32_t ix = ix0 + fx * d->dil_w;
      if (iy >= 0 && iy < d->in.h && ix >= 0 && ix < in_w)
        copy_run(col, plane + (iy * in_w + ix) * in_c + c0, fc);
      else
        for (i = 0; i < fc; ++i) col[i] = zp;
    }
  }
}

void pyrt_neon_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                           const int32_t *bias, const int32_t *kbias, int8_t *y,
                           void *scratch) {
  const int32_t k = d->filt.h * d->filt.w * d->filt.c;
  const int32_t groups = d->in.c / d->filt.c, per_group = d->out.c / groups;
  const int32_t n_pix = d->in.n * d->out.h * d->out.w, cout = d->out.c;
  const int32_t rows = pyrt_neon_im2col_rows(k);
  int8_t *cols = (int8_t *)scratch;
  pyrt_vec_out o =
      pyrt_vec_out_of(kbias, d->q, 1, d->output_offset, d->act_min, d->act_max);
  pyrt_vec_rows r;
  int32_t g, p, j;
  if (k < 8) {
    pyrt_ref_window(d, x, w, bias, y, 0, 0);
    return;
  }
  o.pairs = pyrt_neon_mm_pairs(w, d->out.c * k);
  r.lines = 1;
  r.x_line = 0;
  r.y_line = 0;
  r.x_step = k;
  r.y_step = cout;
  for (g = 0; g < groups; ++g) {
    const int32_t ch0 = g * per_group;
    o.kbias = kbias + ch0;
    o.q.mult = d->q.mult + ch0;
    o.q.shift = d->q.shift + ch0;
    for (p = 0; p < n_pix; p += rows) {
      r.n = n_pix - p < rows ? n_pix - p : rows;
      for (j = 0; j < r.n; ++j) gather(d, x, p + j, g * d->filt.c, cols + j * k);
      pyrt_neon_mat_mult(cols, &r, w + ch0 * k, k, per_group, &o, y + p * cout + ch0);
    }
  }
}
#endif
