/* neon: the int8 multiply core with its requantization (neon.h). */
#include "neon.h"

#if PYRT_SET_NEON

/* acc += the 16 products of a and b, as four int32 partial sums (summed across lanes later) */
#if defined(__ARM_FEATURE_DOTPROD)
#define MAC16(acc, a, b) ((acc) = vdotq_s32((acc), (a), (b)))
#else
#define MAC16(acc, a, b)                                                                     \
  ((acc) = vpadalq_s16(vpadalq_s16((acc), vmull_s8(vget_low_s8(a), vget_low_s8(b))),       \
                       pyrt_neon_mull_high(a, b)))
#endif
#define MAC8(acc, a, b) ((acc) = vpadalq_s16((acc), vmull_s8((a), (b))))
/* MAC16 when no weight is -128: the two products of a lane pair summed in int16 first */
#if defined(__ARM_FEATURE_DOTPROD)
#define MAC16P(acc, a, b) MAC16(acc, a, b)
#else
#define MAC16P(acc, a, b)                                                                    \
  ((acc) = vpadalq_s16((acc), pyrt_neon_mlal_high(vmull_s8(vget_low_s8(a), vget_low_s8(b)),  \
                                                  (a), (b))))
#endif
/* one of the two by a constant `pairs` */
#define MAC16X(acc, a, b)      \
  do {                         \
    if (pairs)                 \
      MAC16P(acc, a, b);       \
    else                       \
      MAC16(acc, a, b);        \
  } while (0)

int32_t pyrt_neon_no_min8(const int8_t *w, int32_t n) {
  const int8x16_t lo = vdupq_n_s8(-128);
  uint8x16_t hit = vdupq_n_u8(0);
  uint8_t t[16];
  int32_t i, any = 0;
  for (i = 0; i + 16 <= n; i += 16) hit = vorrq_u8(hit, vceqq_s8(vld1q_s8(w + i), lo));
  for (; i < n; ++i) any |= w[i] == -128;
  vst1q_u8(t, hit);
  for (i = 0; i < 16; ++i) any |= t[i];
  return !any;
}

static const uint8_t iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* One group of four output channels: weight rows and per-channel parameters. */
typedef struct {
  const int8_t *w[4];
  int32x4_t kbias, mult, lsh, rsh;
} group;

/* The four dot products of each of the nr rows xr (1 or PYRT_NEON_ROWS) with the group's weight rows:
 * out[p] lane c = row p . weight row c. m16 / m8: the tail masks (mat_mult). */
PYRT_NEON_INLINE void tile(const int8_t *const *xr, int nr, const group *g, int32_t k,
                           uint8x16_t m16, uint8x8_t m8, int32x4_t *out, int pairs) {
  int32x4_t acc[4][4];
  int32_t i;
  int p, c;
#pragma GCC unroll 4
  for (p = 0; p < nr; ++p)
#pragma GCC unroll 4
    for (c = 0; c < 4; ++c) acc[p][c] = vdupq_n_s32(0);
  for (i = 0; i + 16 <= k; i += 16) {
    int8x16_t xv[4], wv[4];
#pragma GCC unroll 4
    for (c = 0; c < 4; ++c) wv[c] = vld1q_s8(g->w[c] + i);
#pragma GCC unroll 4
    for (p = 0; p < nr; ++p) {
      xv[p] = vld1q_s8(xr[p] + i);
#pragma GCC unroll 4
      for (c = 0; c < 4; ++c) MAC16X(acc[p][c], xv[p], wv[c]);
    }
  }
  if (k >= 16) {
    if (k & 15) { /* the last 16 values of the rows, those already summed masked off in x */
      int8x16_t xv[4], wv[4];
      i = k - 16;
#pragma GCC unroll 4
      for (c = 0; c < 4; ++c) wv[c] = vld1q_s8(g->w[c] + i);
#pragma GCC unroll 4
      for (p = 0; p < nr; ++p) {
        xv[p] = vreinterpretq_s8_u8(vandq_u8(vreinterpretq_u8_s8(vld1q_s8(xr[p] + i)), m16));
#pragma GCC unroll 4
        for (c = 0; c < 4; ++c) MAC16X(acc[p][c], xv[p], wv[c]);
      }
    }
  } else { /* 8 <= k < 16: the first 8 values, then the last 8 (the overlap masked off) */
    int8x8_t xv[4], wv[4];
#pragma GCC unroll 4
    for (c = 0; c < 4; ++c) wv[c] = vld1_s8(g->w[c]);
#pragma GCC unroll 4
    for (p = 0; p < nr; ++p) {
      xv[p] = vld1_s8(xr[p]);
#pragma GCC unroll 4
      for (c = 0; c < 4; ++c) MAC8(acc[p][c], xv[p], wv[c]);
    }
    if (k > 8) {
#pragma GCC unroll 4
      for (c = 0; c < 4; ++c) wv[c] = vld1_s8(g->w[c] + k - 8);
#pragma GCC unroll 4
      for (p = 0; p < nr; ++p) {
        xv[p] = vreinterpret_s8_u8(vand_u8(vreinterpret_u8_s8(vld1_s8(xr[p] + k - 8)), m8));
#pragma GCC unroll 4
        for (c = 0; c < 4; ++c) MAC8(acc[p][c], xv[p], wv[c]);
      }
    }
  }
#pragma GCC unroll 4
  for (p = 0; p < nr; ++p)
    out[p] = pyrt_neon_padd(pyrt_neon_padd(acc[p][0], acc[p][1]),
                            pyrt_neon_padd(acc[p][2], acc[p][3]));
}

/* Requantize four channels of one row and add the output offset (int32 lanes). */
PYRT_NEON_INLINE int32x4_t requant(int32x4_t acc, const group *g, int32x4_t out_off) {
  return vaddq_s32(pyrt_vec_requant(vaddq_s32(acc, g->kbias), g->mult, g->lsh, g->rsh),
                   out_off);
}

/* The weight rows and parameters of channels [ch, ch + 4), the missing ones of a last group
 * repeating its first channel (their results are not stored). */
static void group_of(const int8_t *w, int32_t k, int32_t ch, int32_t n_ch,
                     const pyrt_vec_out *o, group *g) {
  int32_t kb[4], mu[4], sh[4];
  int c;
  for (c = 0; c < 4; ++c) {
    const int32_t oc = ch + c < n_ch ? ch + c : ch, q = o->per_channel ? oc : 0;
    g->w[c] = w + oc * k;
    kb[c] = o->kbias[oc];
    mu[c] = o->q.mult[q];
    sh[c] = o->q.shift[q];
  }
  g->kbias = vld1q_s32(kb);
  g->mult = vld1q_s32(mu);
  g->lsh = vmaxq_s32(vld1q_s32(sh), vdupq_n_s32(0));
  g->rsh = vminq_s32(vld1q_s32(sh), vdupq_n_s32(0));
}

/* Walks the rows of a pyrt_vec_rows in order (x0, y0: the current line's first row). */
typedef struct {
  const pyrt_vec_rows *r;
  const int8_t *x0;
  int8_t *y0;
  int32_t line, j;
} cursor;

PYRT_NEON_INLINE void next_row(cursor *cu, const int8_t **xp, int8_t **yp) {
  const pyrt_vec_rows *r = cu->r;
  *xp = cu->x0 + cu->j * r->x_step;
  *yp = cu->y0 + cu->j * r->y_step;
  if (++cu->j == r->n) {
    cu->j = 0;
    if (++cu->line < r->lines) {
      cu->x0 += r->x_line;
      cu->y0 += r->y_line;
    }
  }
}

/* Stores the `left` (1-4) channels of lane group p of b (row p) at y. */
PYRT_NEON_INLINE void store_row(int8_t *y, int8x16_t b, int p, int32_t left) {
  int8_t t[16];
  int32_t c;
  vst1q_s8(t, b);
  for (c = 0; c < left; ++c) y[c] = t[4 * p + c];
}

/* The nr (1 .. PYRT_NEON_ROWS) rows xp against group g: outputs at yp, `left` channels each. */
PYRT_NEON_INLINE void rows_out(const int8_t *const *xp, int8_t *const *yp, int nr,
                               const group *g, int32_t k, int32_t left, uint8x16_t m16,
                               uint8x8_t m8, int32x4_t out_off, int8x16_t lo, int8x16_t hi,
                               int pairs) {
  int32x4_t a[4];
  int8x16_t b;
  int p;
  tile(xp, nr, g, k, m16, m8, a, pairs);
#pragma GCC unroll 4
  for (p = 0; p < 4; ++p) a[p] = p < nr ? requant(a[p], g, out_off) : a[0];
  b = vcombine_s8(vqmovn_s16(vcombine_s16(vqmovn_s32(a[0]), vqmovn_s32(a[1]))),
                  vqmovn_s16(vcombine_s16(vqmovn_s32(a[2]), vqmovn_s32(a[3]))));
  b = vminq_s8(vmaxq_s8(b, lo), hi);
  if (left == 4) {
    pyrt_neon_st4(yp[0], b, 0);
    if (nr > 1) pyrt_neon_st4(yp[1], b, 1);
    if (nr > 2) pyrt_neon_st4(yp[2], b, 2);
    if (nr > 3) pyrt_neon_st4(yp[3], b, 3);
  } else {
#pragma GCC unroll 4
    for (p = 0; p < nr; ++p) store_row(yp[p], b, p, left);
  }
}

/* pyrt_neon_mat_mult with a constant `pairs` (MAC16P instead of MAC16 in the tiles). */
PYRT_NEON_INLINE void mat_mult(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w,
                               int32_t k, int32_t n_ch, const pyrt_vec_out *o, int8_t *y,
                               int pairs) {
  const int32_t total = r->lines * r->n;
  const uint8x16_t it = vld1q_u8(iota);
  /* k >= 16: lanes >= 16 - k % 16 of the last step are new; k < 16: lanes >= 16 - k of the
   * second 8-value step */
  const uint8x16_t m16 = vcgtq_u8(it, vdupq_n_u8((uint8_t)(15 - (k & 15))));
  const uint8x8_t m8 = vcgt_u8(vget_low_u8(it), vdup_n_u8((uint8_t)(15 - (k & 15))));
  const int32x4_t out_off = vdupq_n_s32(o->out_off);
  const int8x16_t lo = vdupq_n_s8((int8_t)o->act_min), hi = vdupq_n_s8((int8_t)o->act_max);
  int32_t ch;
  for (ch = 0; ch < n_ch; ch += 4) {
    const int32_t left = n_ch - ch < 4 ? n_ch - ch : 4;
    group g;
    cursor cu;
    int32_t i;
    cu.r = r;
    cu.x0 = x;
    cu.y0 = y + ch;
    cu.line = 0;
    cu.j = 0;
    group_of(w, k, ch, n_ch, o, &g);
    for (i = 0; i + PYRT_NEON_ROWS <= total; i += PYRT_NEON_ROWS) {
      const int8_t *xp[PYRT_NEON_ROWS];
      int8_t *yp[PYRT_NEON_ROWS];
      int p;
      for (p = 0; p < PYRT_NEON_ROWS; ++p) next_row(&cu, &xp[p], &yp[p]);
      rows_out(xp, yp, PYRT_NEON_ROWS, &g, k, left, m16, m8, out_off, lo, hi, pairs);
    }
    for (; i < total; ++i) {
      const int8_t *xp[1];
      int8_t *yp[1];
      next_row(&cu, &xp[0], &yp[0]);
      rows_out(xp, yp, 1, &g, k, left, m16, m8, out_off, lo, hi, pairs);
    }
  }
}

void pyrt_neon_mat_mult(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                        int32_t n_ch, const pyrt_vec_out *o, int8_t *y) {
#if defined(__ARM_FEATURE_DOTPROD)
  mat_mult(x, r, w, k, n_ch, o, y, 0);
#else
  if (o->pairs)
    mat_mult(x, r, w, k, n_ch, o, y, 1);
  else
    mat_mult(x, r, w, k, n_ch, o, y, 0);
#endif
}

#endif /* PYRT_SET_NEON */
