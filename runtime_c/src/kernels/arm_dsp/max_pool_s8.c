/* arm_dsp MAX_POOL_2D int8: four channels per word, running maximum with SSUB8 / SEL, then the
 * activation clamp on the packed word. Channels past the last block of four: one at a time. */
#include "pool.h"

#if PYRT_USE_DSP(max_pool_s8)
static inline uint32_t max4(uint32_t a, uint32_t b) {
  (void)__ssub8((int32_t)a, (int32_t)b); /* GE per byte: a >= b */
  return (uint32_t)__sel((int32_t)a, (int32_t)b);
}

static inline uint32_t min4(uint32_t a, uint32_t b) {
  (void)__ssub8((int32_t)a, (int32_t)b);
  return (uint32_t)__sel((int32_t)b, (int32_t)a);
}

void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  const int32_t C = d->in.c, W = d->in.w, in_plane = d->in.h * W * C;
  const uint32_t lo4 = ((uint32_t)(uint8_t)d->act_min) * 0x01010101u;
  const uint32_t hi4 = ((uint32_t)(uint8_t)d->act_max) * 0x01010101u;
  int32_t n, oy, ox, c, fy, fx;
  for (n = 0; n < d->in.n; ++n) {
    const int8_t *xn = x + n * in_plane;
    for (oy = 0; oy < d->out.h; ++oy)
      for (ox = 0; ox < d->out.w; ++ox) {
        const pyrt_dsp_win w = pyrt_dsp_pool_win(d, oy, ox);
        int8_t *yp = y + ((n * d->out.h + oy) * d->out.w + ox) * C;
        for (c = 0; c + 4 <= C; c += 4) {
          uint32_t m = 0x80808080u; /* -128 in every byte */
          for (fy = w.fy0; fy < w.fy1; ++fy) {
            const int8_t *p = xn + ((w.iy0 + fy) * W + w.ix0 + w.fx0) * C + c;
            for (fx = w.fx0; fx < w.fx1; ++fx) {
              m = max4(pyrt_ld32(p), m);
              p += C;
            }
          }
          pyrt_st32(yp + c, min4(max4(m, lo4), hi4));
        }
        for (; c < C; ++c) {
          int32_t m = -128;
          for (fy = w.fy0; fy < w.fy1; ++fy)
            for (fx = w.fx0; fx < w.fx1; ++fx) {
              const int32_t v = xn[((w.iy0 + fy) * W + w.ix0 + fx) * C + c];
              m = v > m ? v : m;
            }
          yp[c] = (int8_t)pyrt_clamp(m, d->act_min, d->act_max);
        }
      }
  }
}
#endif
