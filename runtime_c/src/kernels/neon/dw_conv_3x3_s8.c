/* neon 3x3 DEPTHWISE_CONV_2D (depth multiplier 1, no dilation, any stride and padding): per
 * output pixel eight channels at a time (the last eight overlapping the previous ones when the
 * count is not a multiple of 8), the nine taps by SMULL into int16 and SADDW into int32 (exact
 * for every int8 value); kbias holds the bias and input offset, taps in the padding read the
 * input zero point. No scratch; fewer than 8 channels: the reference loop. */
#include "../ref_window.h"
#include "neon.h"

#if PYRT_USE_NEON(dw_conv_3x3_s8)

/* Every channel of one output pixel; t[tap]: the input pixel under the tap (NULL in the padding,
 * only when `border`). */
PYRT_NEON_INLINE void pixel(const pyrt_conv_desc *d, const int8_t *const *t, const int8_t *w,
                            const int32_t *kbias, int8_t *y, int border) {
  const int32_t ch = d->out.c;
  const int8x8_t zp = vdup_n_s8((int8_t)(-d->input_offset));
  const int32x4_t out_off = vdupq_n_s32(d->output_offset), zero = vdupq_n_s32(0);
  const int8x8_t lo = vdup_n_s8((int8_t)d->act_min), hi = vdup_n_s8((int8_t)d->act_max);
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int32_t c = 0;
  for (;;) {
    int32x4_t a0, a1, s0, s1;
    int16x8_t sh;
    int8x8_t b;
    int k;
    if (c + 8 > ch) c = ch - 8;
    a0 = vld1q_s32(kbias + c);
    a1 = vld1q_s32(kbias + c + 4);
#pragma GCC unroll 9
    for (k = 0; k < 9; ++k) {
      const int8x8_t xv = border && !t[k] ? zp : vld1_s8(t[k] + c);
      const int16x8_t pr = vmull_s8(xv, vld1_s8(w + k * ch + c));
      a0 = vaddw_s16(a0, vget_low_s16(pr));
      a1 = vaddw_high_s16(a1, pr);
    }
    sh = vmovl_s8(vld1_s8(shift + c));
    s0 = vmovl_s16(vget_low_s16(sh));
    s1 = vmovl_high_s16(sh);
    a0 = pyrt_neon_requant(a0, vld1q_s32(mult + c), vmaxq_s32(s0, zero), vminq_s32(s0, zero));
    a1 = pyrt_neon_requant(a1, vld1q_s32(mult + c + 4), vmaxq_s32(s1, zero),
                           vminq_s32(s1, zero));
    b = vqmovn_s16(vcombine_s16(vqmovn_s32(vaddq_s32(a0, out_off)),
                                vqmovn_s32(vaddq_s32(a1, out_off))));
    vst1_s8(y + c, vmin_s8(vmax_s8(b, lo), hi));
    c += 8;
    if (c >= ch) break;
  }
}

void PYRT_K(dw_conv_3x3_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                            const int32_t *bias, const int32_t *kbias, int8_t *y,
                            void *scratch) {
  const int32_t in_h = d->in.h, in_w = d->in.w, ch = d->in.c;
  const int32_t out_h = d->out.h, out_w = d->out.w;
  int32_t b, oy, ox, fy, fx;
  (void)scratch;
  if (ch < 8) {
    pyrt_ref_window(d, x, w, bias, y, 1, 0);
    return;
  }
  for (b = 0; b < d->in.n; ++b) {
    const int8_t *plane = x + b * in_h * in_w * ch;
    for (oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * d->stride_h - d->pad_h;
      for (ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * d->stride_w - d->pad_w;
        int8_t *yp = y + ((b * out_h + oy) * out_w + ox) * ch;
        const int8_t *t[9];
        int inside = 1;
        for (fy = 0; fy < 3; ++fy)
          for (fx = 0; fx < 3; ++fx) {
            const int32_t iy = iy0 + fy, ix = ix0 + fx;
            const int ok = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            t[fy * 3 + fx] = ok ? plane + (iy * in_w + ix) * ch : (const int8_t *)0;
            inside &= ok;
          }
        if (inside)
          pixel(d, t, w, kbias, yp, 0);
        else
          pixel(d, t, w, kbias, yp, 1);
      }
    }
  }
}

uint32_t PYRT_K(dw_conv_3x3_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
