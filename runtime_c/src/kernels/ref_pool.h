/*
 * The reference pooling loop (TFLite reference_integer_ops::AveragePool / MaxPool, int8): the
 * window clipped to the input, average rounded half away from zero over the valid part.
 */
#ifndef PYRT_REF_POOL_H
#define PYRT_REF_POOL_H

#include "kernels.h"
#include "quant.h"

static inline void pyrt_ref_pool(const pyrt_pool_desc *d, const int8_t *x, int8_t *y,
                                 int is_max) {
  /* every field in a local: the int8 output stores may alias anything, so reads through d would
   * be repeated after each store */
  const int batches = d->in.n, in_h = d->in.h, in_w = d->in.w, depth = d->in.c;
  const int out_h = d->out.h, out_w = d->out.w, f_h = d->f_h, f_w = d->f_w;
  const int stride_h = d->stride_h, stride_w = d->stride_w, pad_h = d->pad_h, pad_w = d->pad_w;
  const int32_t act_min = d->act_min, act_max = d->act_max;
  int b, oy, ox, ch, fy, fx;
  for (b = 0; b < batches; ++b) {
    for (oy = 0; oy < out_h; ++oy) {
      const int iy0 = oy * stride_h - pad_h;
      const int fy0 = iy0 < 0 ? -iy0 : 0;
      const int fy1 = f_h < in_h - iy0 ? f_h : in_h - iy0;
      for (ox = 0; ox < out_w; ++ox) {
        const int ix0 = ox * stride_w - pad_w;
        const int fx0 = ix0 < 0 ? -ix0 : 0;
        const int fx1 = f_w < in_w - ix0 ? f_w : in_w - ix0;
        int8_t *yp = y + ((b * out_h + oy) * out_w + ox) * depth;
        for (ch = 0; ch < depth; ++ch) {
          int32_t acc = is_max ? -128 : 0;
          for (fy = fy0; fy < fy1; ++fy)
            for (fx = fx0; fx < fx1; ++fx) {
              const int32_t v = x[((b * in_h + iy0 + fy) * in_w + ix0 + fx) * depth + ch];
              if (is_max)
                acc = v > acc ? v : acc;
              else
                acc += v;
            }
          if (!is_max) {
            /* count >= 1 (checked at init) */
            const int32_t count = (fy1 - fy0) * (fx1 - fx0);
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          yp[ch] = (int8_t)pyrt_clamp(acc, act_min, act_max);
        }
      }
    }
  }
}

#endif /* PYRT_REF_POOL_H */
