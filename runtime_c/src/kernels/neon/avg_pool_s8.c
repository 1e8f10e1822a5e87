/* neon AVERAGE_POOL_2D int8: sixteen channels per step, summed in 16-bit lanes (SADDW / SADDW2
 * of the int8 values; added to 32-bit sums after at most 256 taps, so no lane can overflow),
 * then TFLite's rounded division per channel, scalar (NEON has no integer division). The last
 * C % 16 channels: the same sums, one channel at a time. */
#include "../ref_pool.h"
#include "neon.h"

#if PYRT_USE_NEON(avg_pool_s8)
/* Adds the eight 16-bit lanes of acc to s[0..7]. */
static inline void flush8(int16x8_t acc, int32_t *s) {
  int16_t part[8];
  int32_t j;
  vst1q_s16(part, acc);
  for (j = 0; j < 8; ++j) s[j] += part[j];
}

/* Sums of channels c..c+15 over the window into s[0..15]. */
static void window_sums16(const int8_t *xn, int32_t C, int32_t W, const pyrt_pool_win *w,
                          int32_t *s) {
  int16x8_t lo = vdupq_n_s16(0), hi = vdupq_n_s16(0);
  int32_t fy, fx, j, taps = 0;
  for (j = 0; j < 16; ++j) s[j] = 0;
  for (fy = w->fy0; fy < w->fy1; ++fy) {
    const int8_t *p = xn + ((w->iy0 + fy) * W + w->ix0 + w->fx0) * C;
    for (fx = w->fx1 - w->fx0; fx > 0; --fx) {
      const int8x16_t v = vld1q_s8(p);
      lo = vaddw_s8(lo, vget_low_s8(v));
      hi = vaddw_s8(hi, vget_high_s8(v));
      p += C;
      if (++taps == 256) { /* |lane| <= 256 x 128: add before it could overflow */
        flush8(lo, s);
        flush8(hi, s + 8);
        lo = hi = vdupq_n_s16(0);
        taps = 0;
      }
    }
  }
  flush8(lo, s);
  flush8(hi, s + 8);
}

static void pixel(const pyrt_pool_desc *d, const pyrt_pool_px *p) {
  const int32_t C = d->in.c;
  int32_t c, j;
  for (c = 0; c + 16 <= C; c += 16) {
    int32_t s[16];
    window_sums16(p->x + c, C, d->in.w, &p->w, s);
    for (j = 0; j < 16; ++j)
      p->y[c + j] = (int8_t)pyrt_clamp(pyrt_pool_avg(s[j], p->count), d->act_min, d->act_max);
  }
  for (; c < C; ++c) pyrt_pool_one(d, p, c, 0);
}

void PYRT_K(avg_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_pool_each(d, x, y, pixel);
}
#endif
