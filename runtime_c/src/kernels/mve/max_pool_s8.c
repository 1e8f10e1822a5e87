/* mve MAX_POOL_2D int8: sixteen channels per vector (VMAX over the window's taps, the last 1-15
 * channels by predicated loads and stores), clamped to the activation range. */
#include "../arm_dsp/pool.h"
#include "mve.h"

#if PYRT_USE_MVE(max_pool_s8)
void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  const int32_t C = d->in.c, W = d->in.w, in_plane = d->in.h * W * C;
  const int8x16_t lo = vdupq_n_s8((int8_t)d->act_min), hi = vdupq_n_s8((int8_t)d->act_max);
  int32_t n, oy, ox, c, fy, fx;
  for (n = 0; n < d->in.n; ++n) {
    const int8_t *xn = x + n * in_plane;
    for (oy = 0; oy < d->out.h; ++oy)
      for (ox = 0; ox < d->out.w; ++ox) {
        const pyrt_dsp_win w = pyrt_dsp_pool_win(d, oy, ox);
        int8_t *yp = y + ((n * d->out.h + oy) * d->out.w + ox) * C;
        for (c = 0; c < C; c += 16) {
          const mve_pred16_t pred = vctp8q((uint32_t)(C - c));
          int8x16_t m = vdupq_n_s8(-128);
          for (fy = w.fy0; fy < w.fy1; ++fy) {
            const int8_t *p = xn + ((w.iy0 + fy) * W + w.ix0 + w.fx0) * C + c;
            for (fx = w.fx1 - w.fx0; fx > 0; --fx) {
              m = vmaxq_s8(m, vldrbq_z_s8(p, pred));
              p += C;
            }
          }
          vstrbq_p_s8(yp + c, vminq_s8(vmaxq_s8(m, lo), hi), pred);
        }
      }
  }
}
#endif
