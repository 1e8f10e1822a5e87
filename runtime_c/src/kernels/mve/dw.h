/*
 * mve depthwise convolution, int8, shared by dw_conv_3x3_s8 and dw_conv_s8 (each instantiates
 * pyrt_mve_dw with its constant flags; docs/kernels.md).
 *
 * Two ways (MVE has no lane-wise vector x vector multiply-accumulate):
 * - 3x3 without dilation, depth multiplier 1, four whole channels (pyrt_mve_dw3*): per pixel
 *   and channel one gather of the window's first eight taps and one VMLADAV (the sum over taps
 *   in one instruction), the ninth tap of the four channels by VMUL; padded taps are predicated
 *   off and replaced by the input zero point, so every window starts from kbias. From 32
 *   channels pixel by pixel (every block of a pixel, then the next pixel), below block by block.
 * - anything else (any window, dilation, depth multiplier; the channel tail, C % 4, by
 *   predicated loads and stores): four channels per int32x4 vector, VLDRB.S32 widens four
 *   channels of one tap (a gather by oc / depth multiplier when that is > 1), VMUL + VADD
 *   accumulate; up to four output pixels of a row whose windows share their valid taps go
 *   together, so each weight vector is loaded once per tap for all of them. Windows inside the
 *   input start from kbias (the input offset folded in); windows clipped by padding start from
 *   the bias and add input_offset x the sum of their valid taps' weights at the end (TFLite
 *   skips the padded taps).
 * Exact requantization (pyrt_vec_requant). No scratch, any alignment.
 */
#ifndef PYRT_MVE_DW_H
#define PYRT_MVE_DW_H

#include "mve.h"

#if PYRT_SET_MVE
/* One block of four output channels [cb, cb + 4): start values and requantization. */
typedef struct {
  int32x4_t kb, bias, mult, lsh, rsh, lo, hi;
  uint32x4_t xoff; /* depth multiplier > 1: each lane's input channel (gather offsets) */
  int32_t in_off, out_off;
  int neg;        /* every shift < 0 (pyrt_mve_dw_store) */
  mve_pred16_t p; /* the block's channels (fewer than four in the tail block) */
} pyrt_mve_dw_block;

/* The taps [*lo, *hi) of one filter axis (size taps, dil apart, the first at input coordinate
 * start) that fall inside [0, extent); empty when the window misses the input. */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_taps(int32_t start, int32_t dil, int32_t size,
                                         int32_t extent, int32_t *lo, int32_t *hi) {
  int32_t a = 0, b = size;
  if (start < 0) a = (-start + dil - 1) / dil;
  if (start + (size - 1) * dil >= extent) b = start < extent ? (extent - 1 - start) / dil + 1 : 0;
  if (a > size) a = size;
  *lo = a;
  *hi = b > a ? b : a;
}

/* Four channels of one input tap: x is the tap's pixel + cb (dm1) or the pixel (gather). */
PYRT_ALWAYS_INLINE int32x4_t pyrt_mve_dw_ldx(const int8_t *x, const pyrt_mve_dw_block *b,
                                             int tail, int dm1) {
  if (dm1) return tail ? vldrbq_z_s32(x, b->p) : vldrbq_s32(x);
  return tail ? vldrbq_gather_offset_z_s32(x, b->xoff, b->p) : vldrbq_gather_offset_s32(x, b->xoff);
}

PYRT_ALWAYS_INLINE int32x4_t pyrt_mve_dw_ldw(const int8_t *w, const pyrt_mve_dw_block *b,
                                             int tail) {
  return tail ? vldrbq_z_s32(w, b->p) : vldrbq_s32(w);
}

/* Requantize, add the output offset, clamp, store four channels. neg: every shift of the block
 * is negative (no left shift; every lane rounds, pyrt_vec_requant's mask is the sign). */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_store(int8_t *y, int32x4_t acc, const pyrt_mve_dw_block *b,
                                          int tail, int neg) {
  int32x4_t r;
  if (neg) {
    r = vqrdmulhq_s32(acc, b->mult);
    r = vrshlq_s32(vqaddq_s32(r, vshrq_n_s32(r, 31)), b->rsh);
  } else {
    r = pyrt_vec_requant(acc, b->mult, b->lsh, b->rsh);
  }
  r = vaddq_n_s32(r, b->out_off);
  r = vminq_s32(vmaxq_s32(r, b->lo), b->hi);
  if (tail)
    vstrbq_p_s32(y, r, b->p);
  else
    vstrbq_s32(y, r);
}

/* The vector (s0, s1, s2, s3), lane by lane (left to the compiler; the two-lane VMOV would save
 * two instructions but was not worth hand-written lane order). */
PYRT_ALWAYS_INLINE int32x4_t pyrt_mve_dw_lanes(int32_t s0, int32_t s1, int32_t s2, int32_t s3) {
  int32x4_t v = vdupq_n_s32(s0);
  v = vsetq_lane_s32(s1, v, 1);
  v = vsetq_lane_s32(s2, v, 2);
  return vsetq_lane_s32(s3, v, 3);
}

/* Filter geometry in bytes: taps x_fy / x_fx apart in the input, w_fy / w_fx in the weights. */
typedef struct {
  int32_t x_fy, x_fx, w_fy, w_fx;
} pyrt_mve_dw_steps;

/* n (1 to 4) output pixels, xs bytes apart in the input and ys in the output, whose windows
 * have the same valid taps: nfy rows x nfx columns, the first at x and w. `clipped`: the
 * windows lose taps to padding (start from the bias, add the input offset per valid weight). */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_pixels(const int8_t *x, int32_t xs, const int8_t *w,
                                           int32_t nfy, int32_t nfx, const pyrt_mve_dw_steps *s,
                                           const pyrt_mve_dw_block *b, int8_t *y, int32_t ys,
                                           int n, int clipped, int tail, int dm1) {
  const int32x4_t a = clipped ? b->bias : b->kb;
  const int32_t x_fx = s->x_fx, w_fx = s->w_fx;
  const int32_t x_next = s->x_fy - nfx * x_fx, w_next = s->w_fy - nfx * w_fx; /* row to row */
  int32x4_t a0 = a, a1 = a, a2 = a, a3 = a, ws = vdupq_n_s32(0);
  /* one pointer per pixel, walking the taps */
  const int8_t *p0 = x, *p1 = x + xs, *p2 = x + 2 * xs, *p3 = x + 3 * xs, *wp = w;
  int32_t fy, fx;
#pragma GCC unroll 3
  for (fy = 0; fy < nfy; ++fy) {
#pragma GCC unroll 3
    for (fx = 0; fx < nfx; ++fx) {
      const int32x4_t wv = pyrt_mve_dw_ldw(wp, b, tail);
      if (clipped) ws = vaddq_s32(ws, wv);
      a0 = vaddq_s32(a0, vmulq_s32(pyrt_mve_dw_ldx(p0, b, tail, dm1), wv));
      if (n > 1) a1 = vaddq_s32(a1, vmulq_s32(pyrt_mve_dw_ldx(p1, b, tail, dm1), wv));
      if (n > 2) a2 = vaddq_s32(a2, vmulq_s32(pyrt_mve_dw_ldx(p2, b, tail, dm1), wv));
      if (n > 3) a3 = vaddq_s32(a3, vmulq_s32(pyrt_mve_dw_ldx(p3, b, tail, dm1), wv));
      p0 += x_fx;
      p1 += x_fx;
      p2 += x_fx;
      p3 += x_fx;
      wp += w_fx;
      /* one tap at a time, sums in order: gcc would otherwise hoist every load and product of
       * the window, precompute every address and spill them */
      __asm__ volatile("" : "+w"(a0), "+r"(p0), "+r"(wp)::"memory");
      if (n > 1) __asm__ volatile("" : "+w"(a1), "+r"(p1));
      if (n > 2) __asm__ volatile("" : "+w"(a2), "+r"(p2));
      if (n > 3) __asm__ volatile("" : "+w"(a3), "+r"(p3));
    }
    p0 += x_next;
    p1 += x_next;
    p2 += x_next;
    p3 += x_next;
    wp += w_next;
  }
  if (clipped) {
    a0 = vmlaq_n_s32(a0, ws, b->in_off);
    a1 = vmlaq_n_s32(a1, ws, b->in_off);
    a2 = vmlaq_n_s32(a2, ws, b->in_off);
    a3 = vmlaq_n_s32(a3, ws, b->in_off);
  }
  pyrt_mve_dw_store(y, a0, b, tail, 0);
  if (n > 1) pyrt_mve_dw_store(y + ys, a1, b, tail, 0);
  if (n > 2) pyrt_mve_dw_store(y + 2 * ys, a2, b, tail, 0);
  if (n > 3) pyrt_mve_dw_store(y + 3 * ys, a3, b, tail, 0);
}

/* The columns [ox0, ox1) whose windows lie inside the input rows' width, n of them: groups of
 * four, then the rest. k3: a 3x3 filter (constant tap counts). */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_run(const int8_t *x, int32_t xs, const int8_t *w,
                                        int32_t nfy, int32_t nfx, const pyrt_mve_dw_steps *s,
                                        const pyrt_mve_dw_block *b, int8_t *y, int32_t ys,
                                        int32_t n, int clipped, int tail, int dm1, int k3) {
  if (k3) {
    nfx = 3;
    if (!clipped) nfy = 3;
  }
  for (; n >= 4; n -= 4, x += 4 * xs, y += 4 * ys)
    pyrt_mve_dw_pixels(x, xs, w, nfy, nfx, s, b, y, ys, 4, clipped, tail, dm1);
  if (n == 3)
    pyrt_mve_dw_pixels(x, xs, w, nfy, nfx, s, b, y, ys, 3, clipped, tail, dm1);
  else if (n == 2)
    pyrt_mve_dw_pixels(x, xs, w, nfy, nfx, s, b, y, ys, 2, clipped, tail, dm1);
  else if (n == 1)
    pyrt_mve_dw_pixels(x, xs, w, nfy, nfx, s, b, y, ys, 1, clipped, tail, dm1);
}

/* 3x3 without dilation, four whole channels (not the tail block): per channel, one gather of
 * the window's first eight taps (int8 to int16 lanes) against the channel's eight weights,
 * VMLADAV; the ninth tap of the four channels by one VMUL. Taps in the padding are predicated
 * off the gather and replaced by the input zero point, which contributes nothing with kbias (as
 * TFLite skips them); the ninth then reads a zero-point word. */
typedef struct {
  int16x8_t w8[4]; /* weights of taps 0-7, one vector per channel */
  int32x4_t w9;    /* tap 8 of the four channels */
  uint16x8_t o;    /* input offsets of taps 0-7 from the window's top-left value */
  int16x8_t zp;    /* the input zero point */
  int32_t kb[4], o9;
  int8_t zp4[4];
} pyrt_mve_dw3;

/* The gather's offsets fit in 16 bits: two input rows and two pixels. */
PYRT_ALWAYS_INLINE int pyrt_mve_dw3_fits(const pyrt_conv_desc *d) {
  return 2 * d->in.w * d->in.c + 2 * d->in.c <= 65535 && 7 * d->out.c <= 65535;
}

PYRT_ALWAYS_INLINE void pyrt_mve_dw3_of(const pyrt_conv_desc *d, const int8_t *w,
                                        const int32_t *kbias, int32_t cb, pyrt_mve_dw3 *g) {
  const int32_t C = d->in.c, R = d->in.w * C;
  uint16_t o[8], ow[8];
  int32_t t;
  for (t = 0; t < 8; ++t) {
    o[t] = (uint16_t)((t / 3) * R + (t % 3) * C);
    ow[t] = (uint16_t)(t * C);
  }
  g->o = vld1q_u16(o);
  for (t = 0; t < 4; ++t) {
    g->w8[t] = vldrbq_gather_offset_s16(w + cb + t, vld1q_u16(ow));
    g->kb[t] = kbias[cb + t];
    g->zp4[t] = (int8_t)-d->input_offset;
  }
  g->zp = vdupq_n_s16((int16_t)-d->input_offset);
  g->w9 = vldrbq_s32(w + 8 * C + cb);
  g->o9 = 2 * R + 2 * C;
}

/* One output pixel: x = its window's top-left value (channel cb), p = the valid taps among the
 * first eight (16-bit lanes), x9 = the ninth tap's four channels (or the zero-point word). */
PYRT_ALWAYS_INLINE void pyrt_mve_dw3_pixel(const int8_t *x, mve_pred16_t p, const int8_t *x9,
                                           const pyrt_mve_dw3 *g, const pyrt_mve_dw_block *b,
                                           int8_t *y, int clipped, int neg) {
  int32_t s[4], j;
  int32x4_t acc;
#pragma GCC unroll 4
  for (j = 0; j < 4; ++j) {
    int16x8_t v;
    if (clipped)
      v = vpselq_s16(vldrbq_gather_offset_z_s16(x + j, g->o, p), g->zp, p);
    else
      v = vldrbq_gather_offset_s16(x + j, g->o);
    s[j] = vmladavaq_s16(g->kb[j], v, g->w8[j]);
  }
  acc = pyrt_mve_dw_lanes(s[0], s[1], s[2], s[3]);
  acc = vaddq_s32(acc, vmulq_s32(vldrbq_s32(x9), g->w9));
  pyrt_mve_dw_store(y, acc, b, 0, neg);
}

/* Predicate bits (16-bit lanes) of taps 0-7 in filter rows [f0, f1) / columns [f0, f1). */
PYRT_ALWAYS_INLINE uint32_t pyrt_mve_dw3_rows_p(int32_t f0, int32_t f1) {
  return (((uint32_t)1 << (6 * f1)) - 1u) & ~(((uint32_t)1 << (6 * f0)) - 1u) & 0xFFFFu;
}
PYRT_ALWAYS_INLINE uint32_t pyrt_mve_dw3_cols_p(int32_t f0, int32_t f1) {
  static const uint16_t col[3] = {0x30C3u, 0xC30Cu, 0x0C30u}; /* lanes 0,3,6 / 1,4,7 / 2,5 */
  uint32_t m = 0;
  for (; f0 < f1; ++f0) m |= col[f0];
  return m;
}

/* Every output pixel of one image for one block of four whole channels; output columns
 * [ox0, ox1) have windows inside the input's width. */
PYRT_ALWAYS_INLINE void pyrt_mve_dw3_image(const pyrt_conv_desc *d, const int8_t *xn,
                                           const pyrt_mve_dw3 *g, const pyrt_mve_dw_block *b,
                                           int8_t *yn, int32_t cb, int32_t ox0, int32_t ox1,
                                           int neg) {
  const int32_t C = d->in.c, W = d->in.w, OW = d->out.w, R = W * C;
  const int32_t sw = d->stride_w, pw = d->pad_w, xs = sw * C;
  int32_t oy, ox;
  for (oy = 0; oy < d->out.h; ++oy) {
    const int32_t iy0 = oy * d->stride_h - d->pad_h;
    const int8_t *xr = xn + iy0 * R + cb - pw * C; /* window of column 0, may lie outside */
    int8_t *yr = yn + oy * OW * C + cb;
    int32_t fy0, fy1;
    uint32_t rp;
    pyrt_mve_dw_taps(iy0, 1, 3, d->in.h, &fy0, &fy1);
    rp = pyrt_mve_dw3_rows_p(fy0, fy1);
    for (ox = 0; ox < OW; ++ox) {
      const int8_t *x = xr + ox * xs;
      int32_t fx0, fx1;
      uint32_t p;
      if (ox == ox0 && ox1 > ox0) { /* the columns inside */
        int32_t n = ox1 - ox0;
        int8_t *yp = yr + ox * C;
        if (rp == 0xFFFFu && fy1 == 3) {
          for (; n > 0; --n, x += xs, yp += C)
            pyrt_mve_dw3_pixel(x, 0xFFFF, x + g->o9, g, b, yp, 0, neg);
        } else {
          const int8_t *z = fy0 <= 2 && fy1 == 3 ? 0 : g->zp4;
          for (; n > 0; --n, x += xs, yp += C)
            pyrt_mve_dw3_pixel(x, (mve_pred16_t)rp, z ? z : x + g->o9, g, b, yp, 1, neg);
        }
        ox = ox1 - 1;
        continue;
      }
      fx0 = ox * sw - pw; /* a column clipped by padding: its taps [fx0, fx1) */
      fx1 = W - fx0 < 3 ? W - fx0 : 3;
      fx0 = fx0 < 0 ? -fx0 : 0;
      if (fx1 < fx0) fx1 = fx0;
      p = rp & pyrt_mve_dw3_cols_p(fx0, fx1);
      pyrt_mve_dw3_pixel(x, (mve_pred16_t)p,
                         fy0 <= 2 && fy1 == 3 && fx0 <= 2 && fx1 == 3 ? x + g->o9 : g->zp4, g, b,
                         yr + ox * C, 1, neg);
    }
  }
}

/* The same arithmetic, output pixel by output pixel (every whole block of four channels of a
 * pixel before the next pixel): the window's geometry and predicate once per pixel, each
 * block's weights, kbias and requantization loaded where used. For small images with many
 * channels, where pyrt_mve_dw3_image's setup per block and per row would dominate. */
typedef struct {
  const int8_t *w;
  const int32_t *kbias, *mult;
  const int8_t *shift;
  uint16x8_t o, ow; /* input offsets of taps 0-7; weight offsets of taps 0-7 */
  int16x8_t zp;
  int32x4_t lo, hi;
  int32_t c4, o9, w9, out_off;
  int8_t zp4[4];
} pyrt_mve_dw3p;

PYRT_ALWAYS_INLINE void pyrt_mve_dw3p_pixel(const int8_t *x, mve_pred16_t p, int ninth,
                                            const pyrt_mve_dw3p *g, int8_t *y, int clipped,
                                            int neg) {
  /* every field in a local: the int8 stores may alias g */
  const int8_t *w = g->w, *shift = g->shift;
  const int32_t *kbias = g->kbias, *mult = g->mult;
  const int32_t c4 = g->c4, w9 = g->w9, out_off = g->out_off;
  /* the ninth tap's four channels, or the zero-point word for every block */
  const int8_t *x9 = ninth ? x + g->o9 : g->zp4;
  const int32_t s9 = ninth ? 4 : 0;
  const uint16x8_t o = g->o, ow = g->ow;
  const int16x8_t zp = g->zp;
  const int32x4_t lo = g->lo, hi = g->hi;
  int32_t cb;
  for (cb = 0; cb < c4; cb += 4, x += 4, w += 4, x9 += s9) {
    int32_t s[4], j;
    int32x4_t acc, sh, r;
#pragma GCC unroll 4
    for (j = 0; j < 4; ++j) {
      int16x8_t v;
      if (clipped)
        v = vpselq_s16(vldrbq_gather_offset_z_s16(x + j, o, p), zp, p);
      else
        v = vldrbq_gather_offset_s16(x + j, o);
      s[j] = vmladavq_s16(v, vldrbq_gather_offset_s16(w + j, ow));
    }
    acc = pyrt_mve_dw_lanes(s[0], s[1], s[2], s[3]);
    acc = vaddq_s32(acc, vldrwq_s32(kbias + cb));
    acc = vaddq_s32(acc, vmulq_s32(vldrbq_s32(x9), vldrbq_s32(w + w9)));
    sh = vldrbq_s32(shift + cb);
    if (neg) {
      r = vqrdmulhq_s32(acc, vldrwq_s32(mult + cb));
      r = vrshlq_s32(vqaddq_s32(r, vshrq_n_s32(r, 31)), sh);
    } else {
      const int32x4_t zero = vdupq_n_s32(0);
      r = pyrt_vec_requant(acc, vldrwq_s32(mult + cb), vmaxq_s32(sh, zero), vminq_s32(sh, zero));
    }
    r = vminq_s32(vmaxq_s32(vaddq_n_s32(r, out_off), lo), hi);
    vstrbq_s32(y + cb, r);
  }
}

/* Every output pixel of one image, channels [0, C & ~3). neg: every shift < 0. */
PYRT_ALWAYS_INLINE void pyrt_mve_dw3p_image(const pyrt_conv_desc *d, const int8_t *xn,
                                            const int8_t *w, const int32_t *kbias, int8_t *yn,
                                            int32_t ox0, int32_t ox1, int neg) {
  const int32_t C = d->in.c, W = d->in.w, OW = d->out.w, R = W * C;
  const int32_t sw = d->stride_w, pw = d->pad_w, xs = sw * C;
  const int32_t OH = d->out.h, H = d->in.h, sh = d->stride_h, ph = d->pad_h;
  pyrt_mve_dw3p g;
  uint16_t o[8], ow[8];
  int32_t t, oy, ox;
  for (t = 0; t < 8; ++t) {
    o[t] = (uint16_t)((t / 3) * R + (t % 3) * C);
    ow[t] = (uint16_t)(t * C);
  }
  g.w = w;
  g.kbias = kbias;
  g.mult = d->q.mult;
  g.shift = d->q.shift;
  g.o = vld1q_u16(o);
  g.ow = vld1q_u16(ow);
  g.zp = vdupq_n_s16((int16_t)-d->input_offset);
  g.lo = vdupq_n_s32(d->act_min);
  g.hi = vdupq_n_s32(d->act_max);
  g.c4 = C & ~3;
  g.o9 = 2 * R + 2 * C;
  g.w9 = 8 * C;
  g.out_off = d->output_offset;
  for (t = 0; t < 4; ++t) g.zp4[t] = (int8_t)-d->input_offset;
  for (oy = 0; oy < OH; ++oy) {
    const int32_t iy0 = oy * sh - ph;
    const int8_t *xr = xn + iy0 * R - pw * C; /* window of column 0, may lie outside */
    int8_t *yr = yn + oy * OW * C;
    int32_t fy0, fy1;
    uint32_t rp;
    int row9, full;
    pyrt_mve_dw_taps(iy0, 1, 3, H, &fy0, &fy1);
    rp = pyrt_mve_dw3_rows_p(fy0, fy1);
    row9 = fy0 <= 2 && fy1 == 3; /* the last filter row is inside */
    full = rp == 0xFFFFu && row9;
    for (ox = 0; ox < OW; ++ox) {
      const int8_t *x = xr + ox * xs;
      int32_t fx0, fx1;
      if (ox >= ox0 && ox < ox1) { /* a column inside */
        if (full)
          pyrt_mve_dw3p_pixel(x, 0xFFFF, 1, &g, yr + ox * C, 0, neg);
        else
          pyrt_mve_dw3p_pixel(x, (mve_pred16_t)rp, row9, &g, yr + ox * C, 1, neg);
        continue;
      }
      fx0 = ox * sw - pw; /* a column clipped by padding: its taps [fx0, fx1) */
      fx1 = W - fx0 < 3 ? W - fx0 : 3;
      fx0 = fx0 < 0 ? -fx0 : 0;
      if (fx1 < fx0) fx1 = fx0;
      pyrt_mve_dw3p_pixel(x, (mve_pred16_t)(rp & pyrt_mve_dw3_cols_p(fx0, fx1)),
                          row9 && fx0 <= 2 && fx1 == 3, &g, yr + ox * C, 1, neg);
    }
  }
}

/* Out of line: gcc allocates its loop's registers apart from the block-by-block path. */
static __attribute__((noinline)) void pyrt_mve_dw3p_all(const pyrt_conv_desc *d, const int8_t *xn,
                                                    const int8_t *w, const int32_t *kbias,
                                                    int8_t *yn, int32_t ox0, int32_t ox1,
                                                    int neg) {
  if (neg)
    pyrt_mve_dw3p_image(d, xn, w, kbias, yn, ox0, ox1, 1);
  else
    pyrt_mve_dw3p_image(d, xn, w, kbias, yn, ox0, ox1, 0);
}

/* The block's parameters: channels [cb, cb + 4) of C (fewer in the tail block). */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_block_of(const pyrt_conv_desc *d, const int32_t *bias,
                                             const int32_t *kbias, int32_t cb,
                                             pyrt_mve_dw_block *b, int tail, int dm1) {
  const int32x4_t zero = vdupq_n_s32(0);
  int32x4_t sh;
  b->p = tail ? vctp32q((uint32_t)(d->out.c - cb)) : (mve_pred16_t)0xffff;
  b->kb = vldrwq_z_s32(kbias + cb, b->p);
  b->bias = bias ? vldrwq_z_s32(bias + cb, b->p) : zero;
  b->mult = vldrwq_z_s32(d->q.mult + cb, b->p);
  sh = vldrbq_z_s32(d->q.shift + cb, b->p);
  b->neg = !tail && vmaxvq_s32(-1, sh) < 0;
  b->lsh = vmaxq_s32(sh, zero);
  b->rsh = vminq_s32(sh, zero);
  b->lo = vdupq_n_s32(d->act_min);
  b->hi = vdupq_n_s32(d->act_max);
  b->in_off = d->input_offset;
  b->out_off = d->output_offset;
  if (dm1) {
    b->xoff = vdupq_n_u32(0);
  } else { /* lane i reads input channel (cb + i) / depth_mult */
    uint32_t o[4];
    int32_t i;
    for (i = 0; i < 4; ++i) o[i] = (uint32_t)((cb + i) / d->depth_mult);
    b->xoff = vld1q_u32(o);
  }
}

/* Every output row of one image for one block of channels; output columns [ox0, ox1) have
 * windows inside the input's width. */
PYRT_ALWAYS_INLINE void pyrt_mve_dw_rows(const pyrt_conv_desc *d, const int8_t *xn,
                                         const int8_t *w, const pyrt_mve_dw_block *b, int8_t *yn,
                                         int32_t cb, int32_t ox0, int32_t ox1, int tail, int dm1,
                                         int k3) {
  const int32_t cin = d->in.c, C = d->out.c, W = d->in.w, OW = d->out.w;
  const int32_t fh = k3 ? 3 : d->filt.h, fw = k3 ? 3 : d->filt.w;
  const int32_t dil_h = k3 ? 1 : d->dil_h, dil_w = k3 ? 1 : d->dil_w;
  const int32_t sw = d->stride_w, pw = d->pad_w;
  pyrt_mve_dw_steps s;
  int32_t oy, ox;
  s.x_fy = dil_h * W * cin;
  s.x_fx = dil_w * cin;
  s.w_fy = fw * C;
  s.w_fx = C;
  for (oy = 0; oy < d->out.h; ++oy) {
    const int32_t iy0 = oy * d->stride_h - d->pad_h;
    int32_t fy0, fy1, nfy;
    const int8_t *xr, *wr;
    int8_t *yr = yn + oy * OW * C + cb;
    pyrt_mve_dw_taps(iy0, dil_h, fh, d->in.h, &fy0, &fy1);
    nfy = fy1 - fy0;
    /* the row's first valid tap (channel cb with dm1, else the pixel) */
    xr = xn + (iy0 + fy0 * dil_h) * W * cin + (dm1 ? cb : 0);
    wr = w + fy0 * s.w_fy + cb;
    for (ox = 0; ox < OW; ++ox) {
      int32_t ix0, fx0, fx1;
      if (ox == ox0 && ox1 > ox0) { /* the columns inside: groups of pixels */
        const int8_t *xi = xr + (ox0 * sw - pw) * cin;
        if (nfy != fh)
          pyrt_mve_dw_run(xi, sw * cin, wr, nfy, fw, &s, b, yr + ox0 * C, C, ox1 - ox0, 1, tail,
                          dm1, k3);
        else
          pyrt_mve_dw_run(xi, sw * cin, wr, nfy, fw, &s, b, yr + ox0 * C, C, ox1 - ox0, 0, tail,
                          dm1, k3);
        ox = ox1 - 1;
        continue;
      }
      ix0 = ox * sw - pw; /* a column clipped by padding: one pixel */
      pyrt_mve_dw_taps(ix0, dil_w, fw, W, &fx0, &fx1);
      pyrt_mve_dw_pixels(xr + (ix0 + fx0 * dil_w) * cin, 0, wr + fx0 * C, nfy, fx1 - fx0, &s, b,
                         yr + ox * C, 0, 1, 1, tail, dm1);
    }
  }
}

/* 3x3: pixel by pixel (pyrt_mve_dw3p_image) from 32 channels, below that block by block
 * (pyrt_mve_dw3_image: its per-block setup pays off over many pixels). Measured on VWW, MAC per
 * instruction block by block / pixel by pixel: 48x48x8 0.69 / 0.44, 24x24x16 0.66 / 0.58,
 * 24x24x32 0.62 / 0.65, 12x12x32 0.57 / 0.64, 6x6x128 0.36 / 0.65. */
#define PYRT_MVE_DW_BY_PIXEL(d) ((d)->in.c >= 32)

/* The whole convolution. k3: 3x3 without dilation; dm1: depth multiplier 1. */
PYRT_ALWAYS_INLINE void pyrt_mve_dw(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                                    const int32_t *bias, const int32_t *kbias, int8_t *y, int k3,
                                    int dm1) {
  const int32_t C = d->out.c, W = d->in.w, OW = d->out.w, sw = d->stride_w, pw = d->pad_w;
  const int32_t span = (k3 ? 2 : (d->filt.w - 1) * d->dil_w); /* first to last tap */
  const int32_t in_plane = d->in.h * W * d->in.c, out_plane = d->out.h * OW * C;
  int32_t ox0 = (pw + sw - 1) / sw, ox1 = W - 1 - span + pw, n, cb;
  const int gather = k3 && dm1 && pyrt_mve_dw3_fits(d);
  const int by_pixel = PYRT_MVE_DW_BY_PIXEL(d);
  int neg_all = 1;
  pyrt_mve_dw_block b;
  pyrt_mve_dw3 g;
  for (n = 0; n < (C & ~3); ++n) neg_all &= d->q.shift[n] < 0;
  ox1 = ox1 < 0 ? 0 : ox1 / sw + 1;
  if (ox0 > OW) ox0 = OW;
  if (ox1 > OW) ox1 = OW;
  if (ox1 < ox0) ox1 = ox0;
  for (n = 0; n < d->in.n; ++n) {
    const int8_t *xn = x + n * in_plane;
    int8_t *yn = y + n * out_plane;
    cb = 0;
    if (gather && by_pixel) {
      cb = C & ~3;
      pyrt_mve_dw3p_all(d, xn, w, kbias, yn, ox0, ox1, neg_all);
    }
    for (; cb + 4 <= C; cb += 4) {
      pyrt_mve_dw_block_of(d, bias, kbias, cb, &b, 0, dm1);
      if (gather) {
        pyrt_mve_dw3_of(d, w, kbias, cb, &g);
        if (b.neg)
          pyrt_mve_dw3_image(d, xn, &g, &b, yn, cb, ox0, ox1, 1);
        else
          pyrt_mve_dw3_image(d, xn, &g, &b, yn, cb, ox0, ox1, 0);
      } else {
        pyrt_mve_dw_rows(d, xn, w, &b, yn, cb, ox0, ox1, 0, dm1, k3);
      }
    }
    if (cb < C) {
      pyrt_mve_dw_block_of(d, bias, kbias, cb, &b, 1, dm1);
      pyrt_mve_dw_rows(d, xn, w, &b, yn, cb, ox0, ox1, 1, dm1, k3);
    }
  }
}

#endif /* PYRT_SET_MVE */
#endif /* PYRT_MVE_DW_H */
