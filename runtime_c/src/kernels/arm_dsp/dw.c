/* arm_dsp: depthwise convolution with depth multiplier 1 (dw.h). */
#include "dw.h"

#if PYRT_SET_ARM_DSP
static inline void store4(int8_t *y, const pyrt_conv_desc *d, int32_t c, int32_t a0, int32_t a1,
                          int32_t a2, int32_t a3) {
  const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
  const int32_t r0 = pyrt_dsp_out(a0, d->q.mult[c], d->q.shift[c], off, lo, hi);
  const int32_t r1 = pyrt_dsp_out(a1, d->q.mult[c + 1], d->q.shift[c + 1], off, lo, hi);
  const int32_t r2 = pyrt_dsp_out(a2, d->q.mult[c + 2], d->q.shift[c + 2], off, lo, hi);
  const int32_t r3 = pyrt_dsp_out(a3, d->q.mult[c + 3], d->q.shift[c + 3], off, lo, hi);
  pyrt_st32(y + c, (uint32_t)(r0 & 0xFF) | ((uint32_t)(r1 & 0xFF) << 8) |
                       ((uint32_t)(r2 & 0xFF) << 16) | ((uint32_t)r3 << 24));
}

/* One output pixel: taps [fy0, fy1) x [fx0, fx1) of the window at (iy0, ix0), accumulators
 * starting from init[c] (0 when init is NULL). */
static void pixel(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                  const int32_t *init, int32_t iy0, int32_t ix0, int32_t fy0, int32_t fy1,
                  int32_t fx0, int32_t fx1, int with_offset, int8_t *y, int32_t c_begin) {
  const int32_t C = d->in.c, row = d->in.w * C, fw = d->filt.w;
  const int32_t off2 = (int32_t)(((uint32_t)d->input_offset & 0xFFFFu) |
                                 ((uint32_t)d->input_offset << 16));
  int32_t c, fy, fx;
  for (c = c_begin; c + 4 <= C; c += 4) {
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    if (init) {
      a0 = init[c];
      a1 = init[c + 1];
      a2 = init[c + 2];
      a3 = init[c + 3];
    }
    for (fy = fy0; fy < fy1; ++fy) {
      const int8_t *xr = x + (iy0 + fy * d->dil_h) * row + c;
      const int8_t *wr = w + fy * fw * C + c;
      for (fx = fx0; fx < fx1; ++fx) {
        const uint32_t xv = pyrt_ld32(xr + (ix0 + fx * d->dil_w) * C);
        const uint32_t wv = pyrt_ld32(wr + fx * C);
        int32_t x02 = pyrt_sxtb16_lo(xv), x13 = pyrt_sxtb16_hi(xv);
        const int32_t w02 = pyrt_sxtb16_lo(wv), w13 = pyrt_sxtb16_hi(wv);
        if (with_offset) {
          x02 = __sadd16(x02, off2);
          x13 = __sadd16(x13, off2);
        }
        a0 = __smlabb(x02, w02, a0);
        a2 = __smlatt(x02, w02, a2);
        a1 = __smlabb(x13, w13, a1);
        a3 = __smlatt(x13, w13, a3);
      }
    }
    store4(y, d, c, a0, a1, a2, a3);
  }
  for (; c < C; ++c) {
    int32_t a = init ? init[c] : 0;
    for (fy = fy0; fy < fy1; ++fy)
      for (fx = fx0; fx < fx1; ++fx) {
        const int32_t xv = x[(iy0 + fy * d->dil_h) * row + (ix0 + fx * d->dil_w) * C + c];
        a = __smlabb(xv + (with_offset ? d->input_offset : 0), w[(fy * fw + fx) * C + c], a);
      }
    y[c] = (int8_t)pyrt_dsp_out(a, d->q.mult[c], d->q.shift[c], d->output_offset, d->act_min,
                                d->act_max);
  }
}

/* First tap index f with in0 + f * dil >= 0, and one past the last with in0 + f * dil < size. */
static void valid_taps(int32_t in0, int32_t dil, int32_t n, int32_t size, int32_t *f0,
                       int32_t *f1) {
  int32_t a = 0, b = n;
  while (a < n && in0 + a * dil < 0) ++a;
  while (b > a && in0 + (b - 1) * dil >= size) --b;
  *f0 = a;
  *f1 = b;
}

/* Output pixel (oy, ox) of batch plane xn/yn, channels [c_begin, C). */
static void out_pixel(const pyrt_conv_desc *d, const int8_t *xn, const int8_t *w,
                      const int32_t *bias, const int32_t *kbias, int8_t *yn, int32_t oy,
                      int32_t ox, int32_t c_begin) {
  const int32_t C = d->in.c, fh = d->filt.h, fw = d->filt.w;
  const int32_t iy0 = oy * d->stride_h - d->pad_h, ix0 = ox * d->stride_w - d->pad_w;
  int32_t fy0, fy1, fx0, fx1;
  int8_t *yp = yn + (oy * d->out.w + ox) * C;
  valid_taps(iy0, d->dil_h, fh, d->in.h, &fy0, &fy1);
  valid_taps(ix0, d->dil_w, fw, d->in.w, &fx0, &fx1);
  if (fy0 == 0 && fy1 == fh && fx0 == 0 && fx1 == fw)
    pixel(d, xn, w, kbias, iy0, ix0, 0, fh, 0, fw, 0, yp, c_begin);
  else
    pixel(d, xn, w, bias, iy0, ix0, fy0, fy1, fx0, fx1, 1, yp, c_begin); /* bias may be NULL */
}

void pyrt_dsp_dw_conv_border(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                             const int32_t *bias, const int32_t *kbias, int8_t *y, int32_t oy0,
                             int32_t oy1, int32_t ox0, int32_t ox1, int32_t c_done) {
  const int32_t C = d->in.c;
  const int32_t in_plane = d->in.h * d->in.w * C, out_plane = d->out.h * d->out.w * C;
  int32_t n, oy, ox;
  for (n = 0; n < d->in.n; ++n)
    for (oy = 0; oy < d->out.h; ++oy)
      for (ox = 0; ox < d->out.w; ++ox) {
        const int inside = oy >= oy0 && oy < oy1 && ox >= ox0 && ox < ox1;
        if (!inside || c_done < C)
          out_pixel(d, x + n * in_plane, w, bias, kbias, y + n * out_plane, oy, ox,
                    inside ? c_done : 0);
      }
}

void pyrt_dsp_dw_conv_dm1(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *bias, const int32_t *kbias, int8_t *y) {
  pyrt_dsp_dw_conv_border(d, x, w, bias, kbias, y, 0, 0, 0, 0, 0);
}
#endif
