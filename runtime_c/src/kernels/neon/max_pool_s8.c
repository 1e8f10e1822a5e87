/* neon MAX_POOL_2D int8: sixteen channels per step (SMAX over the window's taps), clamped to the
 * activation range; the last C % 16 channels one at a time. */
#include "../ref_pool.h"
#include "neon.h"

#if PYRT_USE_NEON(max_pool_s8)
static void pixel(const pyrt_pool_desc *d, const pyrt_pool_px *p) {
  const int32_t C = d->in.c;
  const int8x16_t lo = vdupq_n_s8((int8_t)d->act_min), hi = vdupq_n_s8((int8_t)d->act_max);
  int32_t c, fy, fx;
  for (c = 0; c + 16 <= C; c += 16) {
    int8x16_t m = vdupq_n_s8(-128);
    for (fy = p->w.fy0; fy < p->w.fy1; ++fy) {
      const int8_t *q = pyrt_pool_at(d, p, fy, p->w.fx0, c);
      for (fx = p->w.fx1 - p->w.fx0; fx > 0; --fx) {
        m = vmaxq_s8(m, vld1q_s8(q));
        q += C;
      }
    }
    vst1q_s8(p->y + c, vminq_s8(vmaxq_s8(m, lo), hi));
  }
  for (; c < C; ++c) pyrt_pool_one(d, p, c, 1);
}

void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_pool_each(d, x, y, pixel);
}
#endif
