/*
 * The reference TRANSPOSE_CONV loop, int8 and int16 activations (TFLite reference_integer_ops::
 * TransposeConv arithmetic): int8 with int32 accumulators and an optional int32 bias, int16
 * with int64 accumulators and an optional int64 bias (d->wide). TFLM scatters every input pixel
 * into an output-sized accumulator buffer; this loop gathers, per output element, the same
 * products instead (the sums are identical: wrapping integer addition is associative), so it
 * needs no scratch memory. Written once, specialised by the constant `s16` argument.
 */
#ifndef PYRT_REF_TRANSPOSE_CONV_H
#define PYRT_REF_TRANSPOSE_CONV_H

#include "kernels.h"
#include "quant.h"
#include "wide.h"

static inline void pyrt_ref_transpose_conv(const pyrt_conv_desc *d, const void *x,
                                           const int8_t *w, const void *bias, void *y, int s16) {
  const int in_h = d->in.h, in_w = d->in.w, in_d = d->in.c;
  const int f_h = d->filt.h, f_w = d->filt.w;
  const int out_h = d->out.h, out_w = d->out.w, out_d = d->out.c;
  const int stride_h = d->stride_h, stride_w = d->stride_w;
  const int32_t in_off = d->input_offset;
  int b, oy, ox, oc, fy, fx, ic;

  for (b = 0; b < d->in.n; ++b) {
    for (oy = 0; oy < out_h; ++oy) {
      for (ox = 0; ox < out_w; ++ox) {
        const int32_t yo = ((b * out_h + oy) * out_w + ox) * out_d;
        for (oc = 0; oc < out_d; ++oc) {
          /* int16: int64 sum; int8: its low 32 bits are TFLite's wrapping int32 sum */
          uint64_t acc = 0;
          int32_t r;
          /* input pixel iy feeds oy through fy when iy * stride - pad + fy == oy */
          for (fy = 0; fy < f_h; ++fy) {
            const int ty = oy + d->pad_h - fy;
            int iy;
            if (ty < 0) break;
            if (ty % stride_h != 0) continue;
            iy = ty / stride_h;
            if (iy >= in_h) continue;
            for (fx = 0; fx < f_w; ++fx) {
              const int tx = ox + d->pad_w - fx;
              const int8_t *wp;
              int ix, xo;
              if (tx < 0) break;
              if (tx % stride_w != 0) continue;
              ix = tx / stride_w;
              if (ix >= in_w) continue;
              xo = ((b * in_h + iy) * in_w + ix) * in_d;
              wp = w + ((oc * f_h + fy) * f_w + fx) * in_d;
              for (ic = 0; ic < in_d; ++ic) {
                if (s16)
                  acc += pyrt_u64((int32_t)((const int16_t *)x)[xo + ic] * (int32_t)wp[ic]);
                else
                  acc += pyrt_u64(((int32_t)((const int8_t *)x)[xo + ic] + in_off) *
                                  (int32_t)wp[ic]);
              }
            }
          }
          r = pyrt_requant16(acc, s16, bias, oc, d->q.mult[oc], d->q.shift[oc]);
          if (s16) {
            ((int16_t *)y)[yo + oc] = (int16_t)pyrt_clamp(r, d->act_min, d->act_max);
          } else {
            r = pyrt_clamp(pyrt_add_wrap(r, d->output_offset), d->act_min, d->act_max);
            ((int8_t *)y)[yo + oc] = (int8_t)r;
          }
        }
      }
    }
  }
}

#endif /* PYRT_REF_TRANSPOSE_CONV_H */
