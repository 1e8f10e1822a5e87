/*
 * The reference pooling loop (TFLite reference_integer_ops::AveragePool / MaxPool, int8): the
 * window clipped to the input, average rounded half away from zero over the valid part.
 */
#ifndef PYRT_REF_POOL_H
#define PYRT_REF_POOL_H

#include "kernels.h"
#include "quant.h"

/* The window of output (oy, ox) clipped to the input: rows [fy0, fy1), columns [fx0, fx1) from
 * input origin (iy0, ix0). */
typedef struct {
  int32_t iy0, ix0, fy0, fy1, fx0, fx1;
} pyrt_pool_win;

static inline pyrt_pool_win pyrt_pool_window(const pyrt_pool_desc *d, int32_t oy, int32_t ox) {
  pyrt_pool_win w;
  w.iy0 = oy * d->stride_h - d->pad_h;
  w.ix0 = ox * d->stride_w - d->pad_w;
  w.fy0 = w.iy0 < 0 ? -w.iy0 : 0;
  w.fy1 = d->f_h < d->in.h - w.iy0 ? d->f_h : d->in.h - w.iy0;
  w.fx0 = w.ix0 < 0 ? -w.ix0 : 0;
  w.fx1 = d->f_w < d->in.w - w.ix0 ? d->f_w : d->in.w - w.ix0;
  return w;
}

/* TFLite's average: the window's sum over its count (>= 1), rounded half away from zero. */
static inline int32_t pyrt_pool_avg(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/* One output pixel of a pooling, as the kernel sets' pixel functions see it: the image's input,
 * the pixel's C outputs, its clipped window and the window's tap count (>= 1: checked at init). */
typedef struct {
  const int8_t *x;
  int8_t *y;
  pyrt_pool_win w;
  int32_t count;
} pyrt_pool_px;

/* The input value of channel c at the window's tap (fy, fx) (coordinates within the filter). */
static inline const int8_t *pyrt_pool_at(const pyrt_pool_desc *d, const pyrt_pool_px *p,
                                         int32_t fy, int32_t fx, int32_t c) {
  return p->x + ((p->w.iy0 + fy) * d->in.w + p->w.ix0 + fx) * d->in.c + c;
}

/* Every output pixel, in order, by `pixel` (a constant at every call: inlined). */
typedef void (*pyrt_pool_px_fn)(const pyrt_pool_desc *d, const pyrt_pool_px *p);
static inline void pyrt_pool_each(const pyrt_pool_desc *d, const int8_t *x, int8_t *y,
                                  pyrt_pool_px_fn pixel) {
  const int32_t C = d->in.c, in_plane = d->in.h * d->in.w * C;
  int32_t n, oy, ox;
  pyrt_pool_px p;
  for (n = 0; n < d->in.n; ++n)
    for (oy = 0; oy < d->out.h; ++oy)
      for (ox = 0; ox < d->out.w; ++ox) {
        p.x = x + n * in_plane;
        p.y = y + ((n * d->out.h + oy) * d->out.w + ox) * C;
        p.w = pyrt_pool_window(d, oy, ox);
        p.count = (p.w.fy1 - p.w.fy0) * (p.w.fx1 - p.w.fx0);
        pixel(d, &p);
      }
}

/* Channel c of one pixel, scalar (the channels a set's vectors leave): the clamped average or
 * maximum over the window. */
static inline void pyrt_pool_one(const pyrt_pool_desc *d, const pyrt_pool_px *p, int32_t c,
                                 int is_max) {
  int32_t acc = is_max ? -128 : 0, fy, fx;
  for (fy = p->w.fy0; fy < p->w.fy1; ++fy)
    for (fx = p->w.fx0; fx < p->w.fx1; ++fx) {
      const int32_t v = *pyrt_pool_at(d, p, fy, fx, c);
      if (is_max)
        acc = v > acc ? v : acc;
      else
        acc += v;
    }
  if (!is_max) acc = pyrt_pool_avg(acc, p->count);
  p->y[c] = (int8_t)pyrt_clamp(acc, d->act_min, d->act_max);
}

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
            acc = pyrt_pool_avg(acc, count);
          }
          yp[ch] = (int8_t)pyrt_clamp(acc, act_min, act_max);
        }
      }
    }
  }
}

#endif /* PYRT_REF_POOL_H */
