/*
 * The reference loop nest of CONV_2D (grouped too) and DEPTHWISE_CONV_2D, int8 and int16:
 * TFLite's reference_integer_ops::ConvPerChannel / DepthwiseConvPerChannel arithmetic (and their
 * int16 versions), written once. The public reference kernels call it with constant `dw` and
 * `s16` arguments, so each is a specialised copy after inlining.
 */
#ifndef PYRT_REF_WINDOW_H
#define PYRT_REF_WINDOW_H

#include "kernels.h"
#include "quant.h"
#include "wide.h"

static inline void pyrt_ref_window(const pyrt_conv_desc *d, const void *x, const int8_t *w,
                                   const void *bias, void *y, int dw, int s16) {
  const int in_h = d->in.h, in_w = d->in.w, in_c = d->in.c;
  const int f_h = d->filt.h, f_w = d->filt.w;
  const int f_c = dw ? 1 : d->filt.c; /* input channels each output channel sees */
  const int out_h = d->out.h, out_w = d->out.w, out_c = d->out.c;
  const int per_group = dw ? d->depth_mult : out_c / (in_c / f_c);
  /* filter element (oc, fy, fx, ic) sits at oc * s_oc + fy * s_fy + fx * s_fx + ic */
  const int s_oc = dw ? 1 : f_h * f_w * f_c;
  const int s_fx = dw ? out_c : f_c;
  const int s_fy = s_fx * f_w;
  const int32_t in_off = d->input_offset, out_off = d->output_offset;
  /* every field in a local: the int8 output stores may alias anything, so reads through d would
   * be repeated after each store */
  const int batches = d->in.n, stride_h = d->stride_h, stride_w = d->stride_w;
  const int dil_h = d->dil_h, dil_w = d->dil_w, pad_h = d->pad_h, pad_w = d->pad_w;
  const int32_t act_min = d->act_min, act_max = d->act_max, wide = d->wide;
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int b, oy, ox, oc, fy, fx, ic;

  for (b = 0; b < batches; ++b) {
    for (oy = 0; oy < out_h; ++oy) {
      const int iy0 = oy * stride_h - pad_h;
      for (ox = 0; ox < out_w; ++ox) {
        const int ix0 = ox * stride_w - pad_w;
        const int32_t yo = ((b * out_h + oy) * out_w + ox) * out_c;
        for (oc = 0; oc < out_c; ++oc) {
          const int ic0 = (oc / per_group) * f_c;
          uint32_t acc32 = 0; /* int8: TFLite's int32 sum (wrapping in practice) */
          uint64_t acc64 = 0; /* int16: int64 sum; its low 32 bits are the int32 sum */
          int32_t r;
          for (fy = 0; fy < f_h; ++fy) {
            const int iy = iy0 + dil_h * fy;
            if (iy < 0 || iy >= in_h) continue;
            for (fx = 0; fx < f_w; ++fx) {
              const int ix = ix0 + dil_w * fx;
              int32_t xo;
              const int8_t *wp;
              if (ix < 0 || ix >= in_w) continue;
              xo = ((b * in_h + iy) * in_w + ix) * in_c + ic0;
              wp = w + oc * s_oc + fy * s_fy + fx * s_fx;
              for (ic = 0; ic < f_c; ++ic) {
                if (s16)
                  acc64 += pyrt_u64((int32_t)wp[ic] * (int32_t)((const int16_t *)x)[xo + ic]);
                else
                  acc32 += (uint32_t)((int32_t)wp[ic] *
                                      ((int32_t)((const int8_t *)x)[xo + ic] + in_off));
              }
            }
          }
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
  }
}

#endif /* PYRT_REF_WINDOW_H */
