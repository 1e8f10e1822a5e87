/* mve MAX_POOL_2D int8: sixteen channels per vector (VMAX over the window's taps, the last 1-15
 * channels by predicated loads and stores), clamped to the activation range. */
#include "../arm_dsp/pool.h"
#include "mve.h"

#if PYRT_USE_MVE(max_pool_s8)
static void pixel(const pyrt_pool_desc *d, const pyrt_pool_px *p) {
  const int32_t C = d->in.c;
  const int8x16_t lo = vdupq_n_s8((int8_t)d->act_min), hi = vdupq_n_s8((int8_t)d->act_max);
  int32_t c, fy, fx;
  for (c = 0; c < C; c += 16) {
    const mve_pred16_t pred = vctp8q((uint32_t)(C - c));
    int8x16_t m = vdupq_n_s8(-128);
    for (fy = p->w.fy0; fy < p->w.fy1; ++fy) {
      const int8_t *q = pyrt_pool_at(d, p, fy, p->w.fx0, c);
      for (fx = p->w.fx1 - p->w.fx0; fx > 0; --fx) {
        m = vmaxq_s8(m, vldrbq_z_s8(q, pred));
        q += C;
      }
    }
    vstrbq_p_s8(p->y + c, vminq_s8(vmaxq_s8(m, lo), hi), pred);
  }
}

void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_pool_each(d, x, y, pixel);
}
#endif
