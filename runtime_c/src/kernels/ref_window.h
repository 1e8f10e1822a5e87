/*
 * The reference loop nests of CONV_2D (grouped too) and DEPTHWISE_CONV_2D, int8 and int16:
 * TFLite's reference_integer_ops::ConvPerChannel / DepthwiseConvPerChannel arithmetic (and their
 * int16 versions), written once. The public reference kernels call pyrt_ref_window with constant
 * `dw` and `s16` arguments, so each is a specialised copy after inlining.
 *
 * The products and sums are TFLite's; only the bookkeeping differs from its loops:
 * - the filter taps that fall into the padding are found once per output row / column
 *   (pyrt_ref_taps) instead of being tested tap by tap, so the inner loops have no bounds checks;
 * - the inner loops are dot products over index ranges (pyrt_ref_dot_*, ref_dot.h): when a
 *   filter row meets adjacent input values (no dilation, every input channel), the row is one run;
 * - the loops of one output pixel are a function of their own (pyrt_ref_pixel, not inlined);
 * - the sums wrap (int8: modulo 2^32 as TFLite's int32 sum in practice, int16: modulo 2^64),
 *   so adding a row's partial sum at a time gives the same result as TFLite's order.
 */
#ifndef PYRT_REF_WINDOW_H
#define PYRT_REF_WINDOW_H

#include "kernels.h"
#include "quant.h"
#include "ref_dot.h"
#include "wide.h"

/* The taps k in [0, size) of one filter axis whose input coordinate start + k * dil lies in
 * [0, extent) (dil >= 1): [*lo, *hi), empty (lo == hi) when the window misses the input. */
static inline void pyrt_ref_taps(int start, int dil, int size, int extent, int *lo, int *hi) {
  int a = 0, b = size;
  if (start < 0) a = (-start + dil - 1) / dil;       /* first k with start + k * dil >= 0 */
  if (start + (size - 1) * dil >= extent)            /* last k with start + k * dil < extent */
    b = start < extent ? (extent - 1 - start) / dil + 1 : 0;
  if (a > size) a = size;
  *lo = a;
  *hi = b > a ? b : a;
}

/* One filter row of one output channel: n taps, input values xs apart, weights ws apart, each
 * tap c consecutive channels; acc32 (int8) or acc64 (int16) gets the products. */
static inline void pyrt_ref_row(const void *x, int32_t xo, int xs, const int8_t *w, int32_t wo,
                                int ws, int n, int c, int32_t in_off, uint32_t *acc32,
                                uint64_t *acc64, int s16) {
  int k;
  if (xs == c && ws == c) { /* adjacent taps: one run of n * c values */
    if (s16)
      *acc64 += PYRT_REF_DOT_S16_RUN((const int16_t *)x + xo, w + wo, n * c);
    else
      *acc32 += pyrt_ref_dot_s8((const int8_t *)x + xo, 1, w + wo, 1, n * c, in_off);
  } else if (c == 1) { /* one value per tap: a strided run */
    if (s16)
      *acc64 += pyrt_ref_dot_s16((const int16_t *)x + xo, xs, w + wo, ws, n);
    else
      *acc32 += pyrt_ref_dot_s8((const int8_t *)x + xo, xs, w + wo, ws, n, in_off);
  } else { /* a run of c values per tap */
    for (k = 0; k < n; ++k, xo += xs, wo += ws) {
      if (s16)
        *acc64 += PYRT_REF_DOT_S16_RUN((const int16_t *)x + xo, w + wo, c);
      else
        *acc32 += pyrt_ref_dot_s8((const int8_t *)x + xo, 1, w + wo, 1, c, in_off);
    }
  }
}

/* Every output channel of one output pixel y[yo ..]: the window's valid taps [fy0, fy1) x
 * [fx0, fx1), the first of which reads x[x_first] (read only if there is one). */
static PYRT_REF_NOINLINE void pyrt_ref_pixel(const pyrt_conv_desc *d, const void *x,
                                             const int8_t *w, const void *bias, void *y,
                                             int32_t yo, int32_t x_first, int fy0, int fy1,
                                             int fx0, int fx1, int dw, int s16) {
  const int in_w = d->in.w, in_c = d->in.c, f_w = d->filt.w;
  const int f_c = dw ? 1 : d->filt.c; /* input channels each output channel sees */
  const int out_c = d->out.c;
  const int per_group = dw ? d->depth_mult : out_c / (in_c / f_c);
  /* filter element (oc, fy, fx, ic) sits at oc * s_oc + fy * s_fy + fx * s_fx + ic */
  const int s_oc = dw ? 1 : d->filt.h * f_w * f_c;
  const int s_fx = dw ? out_c : f_c;
  const int s_fy = s_fx * f_w;
  /* input steps between filter taps: one row (fy), one column (fx) */
  const int32_t x_fy = d->dil_h * in_w * in_c, x_fx = d->dil_w * in_c;
  const int32_t w_first = fy0 * s_fy + fx0 * s_fx, n_fx = fx1 - fx0;
  /* every field in a local: the int8 output stores may alias anything, so reads through d would
   * be repeated after each store */
  const int32_t in_off = d->input_offset, out_off = d->output_offset;
  const int32_t act_min = d->act_min, act_max = d->act_max, wide = d->wide;
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int ic0, oc, fy;

  /* output channel oc sees input channels ic0 .. ic0 + f_c - 1: per_group channels each */
  for (ic0 = 0, oc = 0; oc < out_c; ic0 += f_c) {
    const int oc_end = oc + per_group;
    for (; oc < oc_end; ++oc) {
      uint32_t acc32 = 0; /* int8: TFLite's int32 sum (wrapping in practice) */
      uint64_t acc64 = 0; /* int16: int64 sum; its low 32 bits are the int32 sum */
      int32_t xo = x_first + ic0, wo = oc * s_oc + w_first, r;
      for (fy = fy0; fy < fy1 && n_fx > 0; ++fy, xo += x_fy, wo += s_fy)
        pyrt_ref_row(x, xo, x_fx, w, wo, s_fx, n_fx, f_c, in_off, &acc32, &acc64, s16);
      if (s16) {
        r = pyrt_requant16(acc64, wide, bias, oc, mult[oc], shift[oc]);
        ((int16_t *)y)[yo + oc] = (int16_t)pyrt_clamp(r, act_min, act_max);
      } else {
        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
        r = pyrt_mbqm(pyrt_wrap32(acc32), mult[oc], shift[oc]);
        r = pyrt_clamp(pyrt_add_wrap(r, out_off), act_min, act_max);
        ((int8_t *)y)[yo + oc] = (int8_t)r;
      }
    }
  }
}

/* The loops of one output pixel, as pyrt_ref_pixel (a kernel set may bring its own). */
typedef void (*pyrt_ref_pixel_fn)(const pyrt_conv_desc *d, const void *x, const int8_t *w,
                                  const void *bias, void *y, int32_t yo, int32_t x_first, int fy0,
                                  int fy1, int fx0, int fx1, int dw, int s16);

/* Every output pixel by `pixel`, or by pyrt_ref_pixel when it is null (a constant at every call,
 * so the test folds; pyrt_ref_pixel's address is never taken, which keeps GCC free to specialise
 * it for the constant dw and s16: passing its address cost 25% more instructions on Cortex-M3). */
static inline void pyrt_ref_window_of(const pyrt_conv_desc *d, const void *x, const int8_t *w,
                                      const void *bias, void *y, int dw, int s16,
                                      pyrt_ref_pixel_fn pixel) {
  const int batches = d->in.n, in_h = d->in.h, in_w = d->in.w, in_c = d->in.c;
  const int f_h = d->filt.h, f_w = d->filt.w, out_h = d->out.h, out_w = d->out.w;
  const int out_c = d->out.c, stride_h = d->stride_h, stride_w = d->stride_w;
  const int dil_h = d->dil_h, dil_w = d->dil_w, pad_h = d->pad_h, pad_w = d->pad_w;
  int b, oy, ox, fy0, fy1, fx0, fx1;

  for (b = 0; b < batches; ++b) {
    for (oy = 0; oy < out_h; ++oy) {
      const int iy0 = oy * stride_h - pad_h;
      pyrt_ref_taps(iy0, dil_h, f_h, in_h, &fy0, &fy1);
      for (ox = 0; ox < out_w; ++ox) {
        const int ix0 = ox * stride_w - pad_w;
        pyrt_ref_taps(ix0, dil_w, f_w, in_w, &fx0, &fx1);
        const int32_t yo = ((b * out_h + oy) * out_w + ox) * out_c;
        const int32_t xo = ((b * in_h + iy0 + fy0 * dil_h) * in_w + ix0 + fx0 * dil_w) * in_c;
        if (pixel)
          pixel(d, x, w, bias, y, yo, xo, fy0, fy1, fx0, fx1, dw, s16);
        else
          pyrt_ref_pixel(d, x, w, bias, y, yo, xo, fy0, fy1, fx0, fx1, dw, s16);
      }
    }
  }
}

static inline void pyrt_ref_window(const pyrt_conv_desc *d, const void *x, const int8_t *w,
                                   const void *bias, void *y, int dw, int s16) {
  pyrt_ref_window_of(d, x, w, bias, y, dw, s16, (pyrt_ref_pixel_fn)0);
}

#endif /* PYRT_REF_WINDOW_H */
