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

static void pixel(const pyrt_pool_desc *d, const pyrt_pool_px *p) {
  const int32_t C = d->in.c;
  const uint32_t lo4 = ((uint32_t)(uint8_t)d->act_min) * 0x01010101u;
  const uint32_t hi4 = ((uint32_t)(uint8_t)d->act_max) * 0x01010101u;
  int32_t c, fy, fx;
  for (c = 0; c + 4 <= C; c += 4) {
    uint32_t m = 0x80808080u; /* -128 in every byte */
    for (fy = p->w.fy0; fy < p->w.fy1; ++fy) {
      const int8_t *q = pyrt_pool_at(d, p, fy, p->w.fx0, c);
      for (fx = p->w.fx0; fx < p->w.fx1; ++fx) {
        m = max4(pyrt_ld32(q), m);
        q += C;
      }
    }
    pyrt_st32(p->y + c, min4(max4(m, lo4), hi4));
  }
  for (; c < C; ++c) pyrt_pool_one(d, p, c, 1);
}

void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_pool_each(d, x, y, pixel);
}
#endif
