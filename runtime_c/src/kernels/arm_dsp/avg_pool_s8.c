/* arm_dsp AVERAGE_POOL_2D int8: four channels per word, summed with SXTAB16 into 16-bit lanes
 * (flushed to 32-bit sums every 256 taps, so no lane can overflow), then TFLite's rounded division
 * (half away from zero) per channel. Channels past the last block of four: the reference loop. */
#include "pool.h"

#if PYRT_USE_DSP(avg_pool_s8)
static inline int32_t sxtab16_hi(int32_t acc, uint32_t x) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(x));
  return r;
}

/* Sum of the window's taps for channels c..c+3 into s[0..3]. */
static void window_sums(const pyrt_pool_desc *d, const int8_t *xn, const pyrt_pool_win *w,
                        int32_t c, int32_t *s) {
  const int32_t C = d->in.c, W = d->in.w;
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, fy, fx, taps = 0;
  int32_t a02 = 0, a13 = 0; /* (c0, c2) and (c1, c3) 16-bit lanes */
  for (fy = w->fy0; fy < w->fy1; ++fy) {
    const int8_t *p = xn + ((w->iy0 + fy) * W + w->ix0 + w->fx0) * C + c;
    for (fx = w->fx0; fx < w->fx1; ++fx) {
      const uint32_t v = pyrt_ld32(p);
      a02 = __sxtab16(a02, (int32_t)v);
      a13 = sxtab16_hi(a13, v);
      p += C;
      if (++taps == 256) { /* |lane| <= 256 x 128: flush before it could overflow */
        s0 += (int16_t)a02;
        s2 += a02 >> 16;
        s1 += (int16_t)a13;
        s3 += a13 >> 16;
        a02 = a13 = 0;
        taps = 0;
      }
    }
  }
  s[0] = s0 + (int16_t)a02;
  s[2] = s2 + (a02 >> 16);
  s[1] = s1 + (int16_t)a13;
  s[3] = s3 + (a13 >> 16);
}

void PYRT_K(avg_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  const int32_t C = d->in.c, in_plane = d->in.h * d->in.w * C;
  int32_t n, oy, ox, c, j;
  for (n = 0; n < d->in.n; ++n) {
    const int8_t *xn = x + n * in_plane;
    for (oy = 0; oy < d->out.h; ++oy)
      for (ox = 0; ox < d->out.w; ++ox) {
        const pyrt_pool_win w = pyrt_pool_window(d, oy, ox);
        const int32_t count = (w.fy1 - w.fy0) * (w.fx1 - w.fx0); /* >= 1 (checked at init) */
        int8_t *yp = y + ((n * d->out.h + oy) * d->out.w + ox) * C;
        for (c = 0; c + 4 <= C; c += 4) {
          int32_t s[4];
          window_sums(d, xn, &w, c, s);
          for (j = 0; j < 4; ++j) {
            const int32_t a = pyrt_pool_avg(s[j], count);
            yp[c + j] = (int8_t)pyrt_clamp(a, d->act_min, d->act_max);
          }
        }
      }
  }
  if (C & 3) { /* the last channels, one at a time */
    for (n = 0; n < d->in.n; ++n)
      for (oy = 0; oy < d->out.h; ++oy)
        for (ox = 0; ox < d->out.w; ++ox) {
          const pyrt_pool_win w = pyrt_pool_window(d, oy, ox);
          const int32_t count = (w.fy1 - w.fy0) * (w.fx1 - w.fx0);
          for (c = C & ~3; c < C; ++c) {
            int32_t s = 0, fy, fx;
            for (fy = w.fy0; fy < w.fy1; ++fy)
              for (fx = w.fx0; fx < w.fx1; ++fx)
                s += x[((n * d->in.h + w.iy0 + fy) * d->in.w + w.ix0 + fx) * C + c];
            s = pyrt_pool_avg(s, count);
            y[((n * d->out.h + oy) * d->out.w + ox) * C + c] =
                (int8_t)pyrt_clamp(s, d->act_min, d->act_max);
          }
        }
  }
}
#endif
