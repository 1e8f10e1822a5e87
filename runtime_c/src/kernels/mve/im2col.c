/* mve: convolution by im2col of a few output pixels and the multiply core (mve.h), shared by
 * conv_s8 (any window, stride, dilation, padding, groups, batches) and conv_few_ch_s8. */
#include "mve.h"

#if PYRT_USE_MVE(conv_s8) || PYRT_USE_MVE(conv_few_ch_s8)

/* n >= 0 bytes from src to dst: a tail-predicated low-overhead loop (WLSTP/LETP, no iteration
 * for n = 0), one load and one store per 16 bytes; the last n % 16 by predication. */
static inline void copy_run(int8_t *dst, const int8_t *src, int32_t n) {
  register int32_t c __asm__("lr") = n;
  __asm__ volatile("wlstp.8 lr, lr, 2f\n"
                   "1:\n\t"
                   "vldrb.8 q0, [%[s]], #16\n\t"
                   "vstrb.8 q0, [%[d]], #16\n\t"
                   "letp lr, 1b\n"
                   "2:"
                   : [d] "+r"(dst), [s] "+r"(src), "+r"(c)
                   :
                   : "q0", "memory");
}

/* n >= 0 bytes of v at dst, likewise. */
static inline void fill_run(int8_t *dst, int8x16_t v, int32_t n) {
  register int32_t c __asm__("lr") = n;
  __asm__ volatile("wlstp.8 lr, lr, 2f\n"
                   "1:\n\t"
                   "vstrb.8 %q[v], [%[d]], #16\n\t"
                   "letp lr, 1b\n"
                   "2:"
                   : [d] "+r"(dst), "+r"(c)
                   : [v] "w"(v)
                   : "memory");
}

/* The window of the output pixel whose top-left input tap is (iy0, ix0) of image `img`, input
 * channels c0 .. c0 + filt.c, into col (k bytes, tap-major as the weights). Taps in the padding
 * read the input zero point zp (x + input_offset = 0 there, so kbias holds). */
static __attribute__((noinline)) void im2col(const pyrt_conv_desc *d, const int8_t *img,
                                             int32_t iy0, int32_t ix0, int32_t c0, int8x16_t zp,
                                             int8_t *col) {
  const int32_t fh = d->filt.h, fw = d->filt.w, fc = d->filt.c, in_h = d->in.h, in_w = d->in.w;
  const int32_t in_c = d->in.c, dil_h = d->dil_h, dil_w = d->dil_w, run = fw * fc;
  int32_t fy, fx, fx0 = 0, fx1 = fw;
  const int contiguous = dil_w == 1 && fc == in_c; /* a filter row is one input run */
  if (contiguous) { /* the taps inside the input: [fx0, fx1) */
    fx0 = ix0 < 0 ? -ix0 : 0;
    fx1 = in_w - ix0 < fw ? in_w - ix0 : fw;
    if (fx1 < fx0) fx1 = fx0;
  }
  for (fy = 0; fy < fh; ++fy, col += run) {
    const int32_t iy = iy0 + fy * dil_h;
    const int8_t *row;
    if (iy < 0 || iy >= in_h) {
      fill_run(col, zp, run);
      continue;
    }
    row = img + iy * in_w * in_c;
    if (contiguous) {
      fill_run(col, zp, fx0 * fc);
      copy_run(col + fx0 * fc, row + (ix0 + fx0) * fc, (fx1 - fx0) * fc);
      fill_run(col + fx1 * fc, zp, (fw - fx1) * fc);
    } else {
      for (fx = 0; fx < fw; ++fx) {
        const int32_t ix = ix0 + fx * dil_w;
        if (ix < 0 || ix >= in_w)
          fill_run(col + fx * fc, zp, fc);
        else
          copy_run(col + fx * fc, row + ix * in_c + c0, fc);
      }
    }
  }
}

/* A window inside the input: fh runs of `run` bytes, `step` apart; runs of up to 16 bytes (first
 * layers) one predicated load and store each. */
static inline void copy_rows(int8_t *col, const int8_t *src, int32_t fh, int32_t run,
                             int32_t step) {
  int32_t fy;
  if (run <= 16) {
    const mve_pred16_t p = vctp8q((uint32_t)run);
    for (fy = 0; fy < fh; ++fy, col += run, src += step) vstrbq_p_s8(col, vldrbq_z_s8(src, p), p);
  } else {
    for (fy = 0; fy < fh; ++fy, col += run, src += step) copy_run(col, src, run);
  }
}

void pyrt_mve_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *kbias, int8_t *y, void *scratch) {
  const int32_t k = d->filt.h * d->filt.w * d->filt.c, cout = d->out.c;
  const int32_t groups = d->in.c / d->filt.c, per_group = cout / groups;
  const int32_t out_h = d->out.h, out_w = d->out.w, img_bytes = d->in.h * d->in.w * d->in.c;
  const int32_t n_pix = d->in.n * out_h * out_w;
  const int32_t stride_h = d->stride_h, stride_w = d->stride_w, pad_h = d->pad_h, pad_w = d->pad_w;
  const int8x16_t zp = vdupq_n_s8((int8_t)(-d->input_offset));
  const int32_t fh = d->filt.h, run = d->filt.w * d->filt.c;
  const int32_t in_w = d->in.w, in_c = d->in.c, row_step = d->dil_h * in_w * in_c;
  /* windows inside the input are fh runs of run bytes, row_step apart (one group, no horizontal
   * dilation): copied by copy_rows from src[j], the others by im2col() */
  const int32_t iy_max = d->in.h - (fh - 1) * d->dil_h, ix_max = in_w - d->filt.w;
  const int runs = d->dil_w == 1 && d->filt.c == in_c;
  int8_t *cols = (int8_t *)scratch;
  int32_t p = 0, b = 0, oy = 0, ox = 0, g, j;
  pyrt_vec_rows r;
  r.lines = 1;
  r.x_line = 0;
  r.y_line = 0;
  r.x_step = k;
  r.y_step = cout;
  while (p < n_pix) {
    const int32_t n = n_pix - p < PYRT_MVE_COLS ? n_pix - p : PYRT_MVE_COLS;
    const int8_t *src[PYRT_MVE_COLS];
    int32_t pb[PYRT_MVE_COLS], py[PYRT_MVE_COLS], px[PYRT_MVE_COLS];
    for (j = 0; j < n; ++j) { /* the pixels of this batch */
      const int32_t iy0 = oy * stride_h - pad_h, ix0 = ox * stride_w - pad_w;
      const int inside = runs && iy0 >= 0 && iy0 < iy_max && ix0 >= 0 && ix0 <= ix_max;
      src[j] = inside ? x + b * img_bytes + (iy0 * in_w + ix0) * in_c : (const int8_t *)0;
      pb[j] = b;
      py[j] = iy0;
      px[j] = ix0;
      if (++ox == out_w) {
        ox = 0;
        if (++oy == out_h) {
          oy = 0;
          ++b;
        }
      }
    }
    r.n = n;
    for (g = 0; g < groups; ++g) {
      const int32_t ch0 = g * per_group;
      pyrt_quant q;
      pyrt_vec_out o;
      q.mult = d->q.mult + ch0;
      q.shift = d->q.shift + ch0;
      o = pyrt_vec_out_of(kbias + ch0, q, 1, d->output_offset, d->act_min, d->act_max);
      for (j = 0; j < n; ++j) {
        if (src[j])
          copy_rows(cols + j * k, src[j], fh, run, row_step);
        else
          im2col(d, x + pb[j] * img_bytes, py[j], px[j], g * d->filt.c, zp, cols + j * k);
      }
      pyrt_mve_mat_mult(cols, &r, w + ch0 * k, k, per_group, &o, y + p * cout + ch0);
    }
    p += n;
  }
}
#endif
