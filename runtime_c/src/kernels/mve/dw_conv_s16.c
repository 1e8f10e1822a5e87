/* mve DEPTHWISE_CONV_2D int16 activations x int8 weights, depth multiplier 1: four channels per
 * vector (VLDRH.S32 and VLDRB.S32 widening loads, VMUL and VADD into 32-bit lanes, added to 64-bit sums
 * after at most 256 taps: |product| <= 2^22, so no lane can overflow), then TFLite's int16
 * requantization per channel, scalar (pyrt_requant16). Other depth multipliers: the reference
 * loop nest. The reference's pixel walk (ref_window.h) calls the pixel function below. */
#include "../ref_window.h"
#include "mve.h"

#if PYRT_USE_MVE(dw_conv_s16)
/* Channels c..c+3 (pred: the valid ones) over the valid taps into acc[0..3]. */
static void taps4(const int16_t *x, const int8_t *w, int32_t x_fy, int32_t x_fx, int32_t w_fy,
                  int32_t w_fx, int n_fy, int n_fx, mve_pred16_t pred, int64_t *acc) {
  int32_t part[4];
  int32x4_t sum = vdupq_n_s32(0);
  int fy, fx, j, taps = 0;
  for (j = 0; j < 4; ++j) acc[j] = 0;
  for (fy = 0; fy < n_fy; ++fy) {
    const int16_t *xp = x + fy * x_fy;
    const int8_t *wp = w + fy * w_fy;
    for (fx = 0; fx < n_fx; ++fx) {
      sum = vaddq_s32(sum, vmulq_s32(vldrhq_z_s32(xp, pred), vldrbq_z_s32(wp, pred)));
      xp += x_fx;
      wp += w_fx;
      if (++taps == 256) {
        vst1q_s32(part, sum);
        for (j = 0; j < 4; ++j) acc[j] += part[j];
        sum = vdupq_n_s32(0);
        taps = 0;
      }
    }
  }
  vst1q_s32(part, sum);
  for (j = 0; j < 4; ++j) acc[j] += part[j];
}

static PYRT_REF_NOINLINE void pixel(const pyrt_conv_desc *d, const void *xv, const int8_t *w,
                                    const void *bias, void *yv, int32_t yo, int32_t x_first,
                                    int fy0, int fy1, int fx0, int fx1, int dw, int s16) {
  const int32_t C = d->out.c, wide = d->wide, act_min = d->act_min, act_max = d->act_max;
  const int32_t x_fy = d->dil_h * d->in.w * C, x_fx = d->dil_w * C;
  const int32_t w_fx = C, w_fy = d->filt.w * C;
  const int16_t *x = (const int16_t *)xv + x_first;
  const int8_t *wf = w + fy0 * w_fy + fx0 * w_fx;
  int16_t *y = (int16_t *)yv + yo;
  int32_t c, j;
  (void)dw;
  (void)s16;
  for (c = 0; c < C; c += 4) {
    const int32_t n = C - c < 4 ? C - c : 4;
    int64_t acc[4];
    taps4(x + c, wf + c, x_fy, x_fx, w_fy, w_fx, fy1 - fy0, fx1 - fx0, vctp32q((uint32_t)n),
          acc);
    for (j = 0; j < n; ++j) {
      const int32_t r = pyrt_requant16((uint64_t)acc[j], wide, bias, c + j, d->q.mult[c + j],
                                       d->q.shift[c + j]);
      y[c + j] = (int16_t)pyrt_clamp(r, act_min, act_max);
    }
  }
}

void PYRT_K(dw_conv_s16)(const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,
                         const void *bias, int16_t *y) {
  if (d->depth_mult == 1)
    pyrt_ref_window_of(d, x, w, bias, y, 1, 1, pixel);
  else
    pyrt_ref_window(d, x, w, bias, y, 1, 1);
}
#endif
