/* mve: the int8 multiply core with its requantization (mve.h). */
#include "mve.h"

#if PYRT_SET_MVE

/* One group of four output channels: weight rows, predicate and per-channel parameters. */
typedef struct {
  const int8_t *b0, *b1, *b2, *b3;
  int32x4_t kbias, mult, lsh, rsh, lo, hi;
  int32_t out_off;
  mve_pred16_t p; /* the group's channels (fewer than four at the end) */
} group;

/* The four dot products of x with the weight rows b0..b3 (k values each) plus kbias: 16 values
 * per step (one load of x, four of weights, four VMLADAVA), the last k % 16 by predicated loads
 * (zero in the inactive lanes, which read no memory). */
PYRT_ALWAYS_INLINE int32x4_t dot4(const int8_t *x, const group *g, int32_t k) {
  const int8_t *b0 = g->b0, *b1 = g->b1, *b2 = g->b2, *b3 = g->b3;
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int32_t n = k >> 4;
  int32x4_t r;
  for (; n > 0; --n) {
    const int8x16_t v = vldrbq_s8(x);
    s0 = vmladavaq_s8(s0, v, vldrbq_s8(b0));
    s1 = vmladavaq_s8(s1, v, vldrbq_s8(b1));
    s2 = vmladavaq_s8(s2, v, vldrbq_s8(b2));
    s3 = vmladavaq_s8(s3, v, vldrbq_s8(b3));
    x += 16;
    b0 += 16;
    b1 += 16;
    b2 += 16;
    b3 += 16;
  }
  if (k & 15) {
    const mve_pred16_t p = vctp8q((uint32_t)(k & 15));
    const int8x16_t v = vldrbq_z_s8(x, p);
    s0 = vmladavaq_s8(s0, v, vldrbq_z_s8(b0, p));
    s1 = vmladavaq_s8(s1, v, vldrbq_z_s8(b1, p));
    s2 = vmladavaq_s8(s2, v, vldrbq_z_s8(b2, p));
    s3 = vmladavaq_s8(s3, v, vldrbq_z_s8(b3, p));
  }
  r = vdupq_n_s32(s0);
  r = vsetq_lane_s32(s1, r, 1);
  r = vsetq_lane_s32(s2, r, 2);
  r = vsetq_lane_s32(s3, r, 3);
  return vaddq_s32(r, g->kbias);
}

/* Requantize, add the output offset, clamp: four int8 outputs (as int32 lanes). */
PYRT_ALWAYS_INLINE int32x4_t out4(int32x4_t acc, const group *g) {
  acc = vaddq_n_s32(pyrt_mve_requant(acc, g->mult, g->lsh, g->rsh), g->out_off);
  return vminq_s32(vmaxq_s32(acc, g->lo), g->hi);
}

/* Every row against one group; `tail`: fewer than four channels (predicated stores). */
PYRT_ALWAYS_INLINE void group_rows(const int8_t *x, const pyrt_mve_rows *r, int32_t k,
                                   const group *g, int8_t *y, int tail) {
  int32_t i, j;
  for (i = 0; i < r->lines; ++i) {
    const int8_t *xr = x + i * r->x_line;
    int8_t *yr = y + i * r->y_line;
    for (j = r->n; j > 0; --j) {
      const int32x4_t v = out4(dot4(xr, g, k), g);
      if (tail)
        vstrbq_p_s32(yr, v, g->p);
      else
        vstrbq_s32(yr, v);
      xr += r->x_step;
      yr += r->y_step;
    }
  }
}

/* The weight rows and parameters of channels [ch, ch + 4); `tail`: fewer are left (the missing
 * rows repeat the first one, their results are not stored); `pc`: per-channel parameters. */
PYRT_ALWAYS_INLINE void group_of(const int8_t *w, int32_t k, int32_t ch, int32_t n_ch,
                                 const pyrt_mve_mm_out *o, group *g, int tail, int pc) {
  const int32_t left = n_ch - ch;
  const int32x4_t zero = vdupq_n_s32(0);
  int32x4_t sh;
  g->b0 = w + ch * k;
  g->b1 = g->b0 + k;
  g->b2 = g->b1 + k;
  g->b3 = g->b2 + k;
  if (tail) {
    g->p = vctp32q((uint32_t)left);
    g->b1 = left > 1 ? g->b1 : g->b0;
    g->b2 = left > 2 ? g->b2 : g->b0;
    g->b3 = left > 3 ? g->b3 : g->b0;
    g->kbias = vldrwq_z_s32(o->kbias + ch, g->p);
  } else {
    g->p = 0xffff;
    g->kbias = vldrwq_s32(o->kbias + ch);
  }
  if (!pc) {
    g->mult = vdupq_n_s32(o->q.mult[0]);
    sh = vdupq_n_s32(o->q.shift[0]);
  } else if (tail) {
    g->mult = vldrwq_z_s32(o->q.mult + ch, g->p);
    sh = vldrbq_z_s32(o->q.shift + ch, g->p);
  } else {
    g->mult = vldrwq_s32(o->q.mult + ch);
    sh = vldrbq_s32(o->q.shift + ch);
  }
  g->lsh = vmaxq_s32(sh, zero);
  g->rsh = vminq_s32(sh, zero);
  g->lo = vdupq_n_s32(o->act_min);
  g->hi = vdupq_n_s32(o->act_max);
  g->out_off = o->out_off;
}

/* One row (batch-1 FULLY_CONNECTED): everything per group, inline. */
PYRT_ALWAYS_INLINE void one_row(const int8_t *x, const int8_t *w, int32_t k, int32_t n_ch,
                                const pyrt_mve_mm_out *o, int8_t *y, int pc) {
  group g;
  int32_t ch;
  for (ch = 0; ch + 4 <= n_ch; ch += 4) {
    group_of(w, k, ch, n_ch, o, &g, 0, pc);
    vstrbq_s32(y + ch, out4(dot4(x, &g, k), &g));
  }
  if (ch < n_ch) {
    group_of(w, k, ch, n_ch, o, &g, 1, pc);
    vstrbq_p_s32(y + ch, out4(dot4(x, &g, k), &g), g.p);
  }
}

/* Several rows: each group once, against every row. */
static void many_rows(const int8_t *x, const pyrt_mve_rows *r, const int8_t *w, int32_t k,
                      int32_t n_ch, const pyrt_mve_mm_out *o, int8_t *y) {
  group g;
  int32_t ch;
  for (ch = 0; ch + 4 <= n_ch; ch += 4) {
    group_of(w, k, ch, n_ch, o, &g, 0, o->per_channel);
    group_rows(x, r, k, &g, y + ch, 0);
  }
  if (ch < n_ch) {
    group_of(w, k, ch, n_ch, o, &g, 1, o->per_channel);
    group_rows(x, r, k, &g, y + ch, 1);
  }
}

void pyrt_mve_mat_mult(const int8_t *x, const pyrt_mve_rows *r, const int8_t *w, int32_t k,
                       int32_t n_ch, const pyrt_mve_mm_out *o, int8_t *y) {
  if (r->lines * r->n != 1)
    many_rows(x, r, w, k, n_ch, o, y);
  else if (o->per_channel)
    one_row(x, w, k, n_ch, o, y, 1);
  else
    one_row(x, w, k, n_ch, o, y, 0);
}

#endif /* PYRT_SET_MVE */
