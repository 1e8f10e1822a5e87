/* mve AVERAGE_POOL_2D int8: eight channels per vector, summed in 16-bit lanes (added to 32-bit
 * sums after at most 256 taps, so no lane can overflow), then TFLite's rounded division (half
 * away from zero) per channel, scalar: Helium has no integer division. The last 1-7 channels
 * by predicated loads (zeros in the inactive lanes, which are not stored). */
#include "../arm_dsp/pool.h"
#include "mve.h"

#if PYRT_USE_MVE(avg_pool_s8)
/* Sum of channels c..c+7 (pred: the valid ones; `full`: all eight, unpredicated loads) over
 * window rows [fy, fy1) into 16-bit lanes: at most 256 taps, so no lane can overflow. */
static inline __attribute__((always_inline)) int16x8_t rows_sum(
    const int8_t *xn, int32_t C, int32_t W, const pyrt_pool_win *w, int32_t fy, int32_t fy1,
    mve_pred16_t pred, int full) {
  const int32_t n = w->fx1 - w->fx0;
  int16x8_t acc = vdupq_n_s16(0);
  int32_t fx;
  for (; fy < fy1; ++fy) {
    const int8_t *p = xn + ((w->iy0 + fy) * W + w->ix0 + w->fx0) * C;
    for (fx = n; fx > 0; --fx) {
      acc = vaddq_s16(acc, full ? vldrbq_s16(p) : vldrbq_z_s16(p, pred));
      p += C;
    }
  }
  return acc;
}

/* Adds the eight 16-bit lanes to s[0..7]. */
static void flush(int16x8_t acc, int32_t *s) {
  int16_t part[8];
  int32_t j;
  vst1q_s16(part, acc);
  for (j = 0; j < 8; ++j) s[j] += part[j];
}

/* Sums of channels c..c+7 (pred: the valid ones) over the window into s[0..7]: in one pass
 * when it has at most 256 taps, else in passes of rows that keep each lane's taps <= 256
 * (one window row of more than 256 taps: column by column, at most 256 taps per pass). */
static void window_sums8(const int8_t *xn, int32_t C, int32_t W, const pyrt_pool_win *w,
                         mve_pred16_t pred, int full, int32_t *s) {
  const int32_t row = w->fx1 - w->fx0;
  int32_t j, fy;
  for (j = 0; j < 8; ++j) s[j] = 0;
  if (row * (w->fy1 - w->fy0) <= 256) {
    flush(full ? rows_sum(xn, C, W, w, w->fy0, w->fy1, pred, 1)
               : rows_sum(xn, C, W, w, w->fy0, w->fy1, pred, 0), s);
  } else if (row <= 256) {
    const int32_t per = 256 / row;
    for (fy = w->fy0; fy < w->fy1; fy += per)
      flush(rows_sum(xn, C, W, w, fy, fy + per < w->fy1 ? fy + per : w->fy1, pred, 0), s);
  } else {
    for (fy = w->fy0; fy < w->fy1; ++fy) {
      pyrt_pool_win part = *w;
      for (part.fx0 = w->fx0; part.fx0 < w->fx1; part.fx0 += 256) {
        part.fx1 = part.fx0 + 256 < w->fx1 ? part.fx0 + 256 : w->fx1;
        flush(rows_sum(xn, C, W, &part, fy, fy + 1, pred, 0), s);
      }
    }
  }
}

static void pixel(const pyrt_pool_desc *d, const pyrt_pool_px *p) {
  const int32_t C = d->in.c, W = d->in.w;
  int32_t c, j;
  for (c = 0; c < C; c += 8) {
    const int32_t left = C - c < 8 ? C - c : 8;
    int32_t s[8];
    window_sums8(p->x + c, C, W, &p->w, vctp16q((uint32_t)left), left == 8, s);
    for (j = 0; j < left; ++j)
      p->y[c + j] = (int8_t)pyrt_clamp(pyrt_pool_avg(s[j], p->count), d->act_min, d->act_max);
  }
}

void PYRT_K(avg_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_pool_each(d, x, y, pixel);
}
#endif
