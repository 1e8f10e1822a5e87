/* neon 3x3 DEPTHWISE_CONV_2D (depth multiplier 1, no dilation, any stride and padding): per
 * output row eight channels at a time (weights and parameters loaded once per row), the nine
 * taps by SMULL into int16 (two taps by SMULL + SMLAL when no weight is -128) and SADDW into
 * int32 (exact for every int8 value); kbias holds the bias and input offset, taps in the
 * padding read the input zero point. No scratch; fewer than 8 channels: the reference loop. */
#include "../ref_window.h"
#include "neon.h"

#if PYRT_USE_NEON(dw_conv_3x3_s8)

/* Eight channels of one output row: their weights and parameters (loaded once per row). */
typedef struct {
  int8x8_t w[9];
  int32x4_t kb0, kb1, mult0, mult1, lsh0, rsh0, lsh1, rsh1;
} block;

PYRT_NEON_INLINE void block_of(const pyrt_conv_desc *d, const int8_t *w, const int32_t *kbias,
                               int32_t c, block *k) {
  const int32_t ch = d->out.c;
  const int32x4_t zero = vdupq_n_s32(0);
  const int16x8_t sh = vmovl_s8(vld1_s8(d->q.shift + c));
  const int32x4_t s0 = vmovl_s16(vget_low_s16(sh)), s1 = vmovl_s16(vget_high_s16(sh));
  int t;
#pragma GCC unroll 9
  for (t = 0; t < 9; ++t) k->w[t] = vld1_s8(w + t * ch + c);
  k->kb0 = vld1q_s32(kbias + c);
  k->kb1 = vld1q_s32(kbias + c + 4);
  k->mult0 = vld1q_s32(d->q.mult + c);
  k->mult1 = vld1q_s32(d->q.mult + c + 4);
  k->lsh0 = vmaxq_s32(s0, zero);
  k->rsh0 = vminq_s32(s0, zero);
  k->lsh1 = vmaxq_s32(s1, zero);
  k->rsh1 = vminq_s32(s1, zero);
}

/* acc += the product of tap x (8 channels) and weights wt, widened exactly */
#define TAP(a0, a1, xv, wt)                     \
  do {                                          \
    const int16x8_t pr_ = vmull_s8((xv), (wt)); \
    (a0) = vaddw_s16((a0), vget_low_s16(pr_));  \
    (a1) = vaddw_s16((a1), vget_high_s16(pr_)); \
  } while (0)

/* Requantize, offset, clamp and store eight channels. */
PYRT_NEON_INLINE void finish(const block *k, int32x4_t a0, int32x4_t a1, int32x4_t out_off,
                             int8x8_t lo, int8x8_t hi, int8_t *y) {
  a0 = vaddq_s32(pyrt_vec_requant(a0, k->mult0, k->lsh0, k->rsh0), out_off);
  a1 = vaddq_s32(pyrt_vec_requant(a1, k->mult1, k->lsh1, k->rsh1), out_off);
  vst1_s8(y, vmin_s8(vmax_s8(vqmovn_s16(vcombine_s16(vqmovn_s32(a0), vqmovn_s32(a1))), lo), hi));
}

/* Every channel of one output pixel whose window meets the padding, eight at a time (the last
 * eight overlapping the previous ones when the count is not a multiple of 8): the taps found
 * once (NULL in the padding, read as the input zero point). */
static void border_pixel(const pyrt_conv_desc *d, const int8_t *plane, const int8_t *w,
                         const int32_t *kbias, int32_t iy0, int32_t ix0, int8_t *y) {
  const int32_t in_h = d->in.h, in_w = d->in.w, ch = d->in.c;
  const int8x8_t zp = vdup_n_s8((int8_t)(-d->input_offset));
  const int32x4_t out_off = vdupq_n_s32(d->output_offset);
  const int8x8_t lo = vdup_n_s8((int8_t)d->act_min), hi = vdup_n_s8((int8_t)d->act_max);
  const int8_t *t[9];
  int32_t c = 0;
  int fy, fx;
  for (fy = 0; fy < 3; ++fy)
    for (fx = 0; fx < 3; ++fx) {
      const int32_t iy = iy0 + fy, ix = ix0 + fx;
      t[fy * 3 + fx] = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w
                           ? plane + (iy * in_w + ix) * ch
                           : (const int8_t *)0;
    }
  for (;;) {
    block k;
    int32x4_t a0, a1;
    if (c + 8 > ch) c = ch - 8;
    block_of(d, w, kbias, c, &k);
    a0 = k.kb0;
    a1 = k.kb1;
#pragma GCC unroll 9
    for (fy = 0; fy < 9; ++fy) TAP(a0, a1, t[fy] ? vld1_s8(t[fy] + c) : zp, k.w[fy]);
    finish(&k, a0, a1, out_off, lo, hi, y + c);
    c += 8;
    if (c >= ch) break;
  }
}

/* The pixels [ox0, ox1) of one output row whose windows lie inside the input: eight channels at
 * a time, their weights and parameters loaded once for all those pixels, the nine taps of each
 * window at fixed offsets; `pairs` (no weight is -128, pyrt_neon_no_min8): taps two at a time
 * summed in int16 (SMULL + SMLAL) before they widen. */
PYRT_NEON_INLINE void inner_run(const pyrt_conv_desc *d, const int8_t *plane, const int8_t *w,
                                const int32_t *kbias, int32_t iy0, int32_t ox0, int32_t ox1,
                                int8_t *y, int pairs) {
  const int32_t in_w = d->in.w, ch = d->in.c, sw = d->stride_w, row = in_w * ch;
  const int32x4_t out_off = vdupq_n_s32(d->output_offset);
  const int8x8_t lo = vdup_n_s8((int8_t)d->act_min), hi = vdup_n_s8((int8_t)d->act_max);
  int32_t c = 0, ox;
  for (;;) {
    block k;
    if (c + 8 > ch) c = ch - 8;
    block_of(d, w, kbias, c, &k);
    for (ox = ox0; ox < ox1; ++ox) {
      const int8_t *p = plane + (iy0 * in_w + ox * sw - d->pad_w) * ch + c;
      int32x4_t a0 = k.kb0, a1 = k.kb1;
      int8x8_t xv[9];
      int t;
#pragma GCC unroll 3
      for (t = 0; t < 9; t += 3, p += row) {
        xv[t] = vld1_s8(p);
        xv[t + 1] = vld1_s8(p + ch);
        xv[t + 2] = vld1_s8(p + 2 * ch);
      }
      if (pairs) {
#pragma GCC unroll 4
        for (t = 0; t < 8; t += 2) {
          const int16x8_t pr = vmlal_s8(vmull_s8(xv[t], k.w[t]), xv[t + 1], k.w[t + 1]);
          a0 = vaddw_s16(a0, vget_low_s16(pr));
          a1 = vaddw_s16(a1, vget_high_s16(pr));
        }
        TAP(a0, a1, xv[8], k.w[8]);
      } else {
#pragma GCC unroll 9
        for (t = 0; t < 9; ++t) TAP(a0, a1, xv[t], k.w[t]);
      }
      finish(&k, a0, a1, out_off, lo, hi, y + ox * ch + c);
    }
    c += 8;
    if (c >= ch) break;
  }
}

/* One output row: the pixels whose windows lie inside the input by inner_run, the others one at
 * a time. */
static void out_row(const pyrt_conv_desc *d, const int8_t *plane, const int8_t *w,
                    const int32_t *kbias, int32_t iy0, int8_t *y, int pairs) {
  const int32_t in_w = d->in.w, ch = d->in.c, out_w = d->out.w;
  const int32_t sw = d->stride_w, pw = d->pad_w;
  int32_t ox0 = 0, ox1 = 0, ox;
  if (iy0 >= 0 && iy0 + 2 < d->in.h) { /* inside: ox * sw - pw >= 0 and <= in_w - 3 */
    ox0 = (pw + sw - 1) / sw;
    ox1 = in_w - 3 + pw >= 0 ? (in_w - 3 + pw) / sw + 1 : 0;
    if (ox1 > out_w) ox1 = out_w;
    if (ox1 < ox0) ox1 = ox0;
    if (ox0 > out_w) ox0 = ox1 = out_w;
  }
  for (ox = 0; ox < ox0; ++ox) border_pixel(d, plane, w, kbias, iy0, ox * sw - pw, y + ox * ch);
  if (ox1 > ox0 && pairs)
    inner_run(d, plane, w, kbias, iy0, ox0, ox1, y, 1);
  else if (ox1 > ox0)
    inner_run(d, plane, w, kbias, iy0, ox0, ox1, y, 0);
  for (ox = ox1; ox < out_w; ++ox)
    border_pixel(d, plane, w, kbias, iy0, ox * sw - pw, y + ox * ch);
}

void PYRT_K(dw_conv_3x3_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                            const int32_t *bias, const int32_t *kbias, int8_t *y,
                            void *scratch) {
  const int32_t in_h = d->in.h, in_w = d->in.w, ch = d->in.c;
  const int32_t out_h = d->out.h, out_w = d->out.w;
  int32_t b, oy, pairs;
  (void)scratch;
  if (ch < 8) {
    pyrt_ref_window(d, x, w, bias, y, 1, 0);
    return;
  }
  pairs = pyrt_neon_no_min8(w, 9 * ch);
  for (b = 0; b < d->in.n; ++b)
    for (oy = 0; oy < out_h; ++oy)
      out_row(d, x + b * in_h * in_w * ch, w, kbias, oy * d->stride_h - d->pad_h,
              y + ((b * out_h + oy) * out_w) * ch, pairs);
}

uint32_t PYRT_K(dw_conv_3x3_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
