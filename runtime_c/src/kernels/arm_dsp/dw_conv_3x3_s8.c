/* arm_dsp DEPTHWISE_CONV_2D 3x3, depth multiplier 1, no dilation, any stride and padding.
 *
 * Four channels at a time, all output pixels per block of four channels: the block's 9 weight
 * words are expanded once into (c0, c2) / (c1, c3) int16 pairs, each input word (four channels of
 * one tap) by SXTB16 the same way, and SMLABB / SMLATT accumulate every channel separately.
 * Every window starts from kbias (the input offset folded in); taps of windows clipped by padding
 * read the input zero point instead, which contributes nothing, as TFLite's skipped taps. Requantization is exact (dsp.h); the four outputs of a
 * pixel are clamped together with SSUB8/SEL and stored as one word. Remaining channels (C % 4)
 * also go through dw.c. */
#include "dw.h"

#if PYRT_USE_DSP(dw_conv_3x3_s8)
/* Per-channel requantization of one block of four channels. */
typedef struct {
  int32_t m[4], e1[4];
  uint32_t pow[4];
  const int8_t *shift;
  int32_t out_off;
  uint32_t lo4, hi4; /* activation bounds, replicated in each byte */
} block_quant;

PYRT_ALWAYS_INLINE int32_t rq(const block_quant *q, int32_t j, int32_t acc, int neg) {
  if (neg) return pyrt_dsp_requant_neg(acc, q->m[j], q->e1[j], q->pow[j]);
  return pyrt_dsp_requant(acc, q->m[j], q->shift[j]);
}

/* The four channels' outputs + output offset, saturated to int8, packed, clamped with
 * SSUB8/SEL against the replicated bounds, stored as one word. */
static inline void store_block(int8_t *y, int32_t r0, int32_t r1, int32_t r2, int32_t r3,
                               const block_quant *q) {
  const int32_t off = q->out_off;
  uint32_t v = (uint32_t)__ssat(r0 + off, 8);
  v = pyrt_bfi8(v, (uint32_t)__ssat(r1 + off, 8), 8);
  v = pyrt_bfi8(v, (uint32_t)__ssat(r2 + off, 8), 16);
  v = pyrt_bfi8(v, (uint32_t)__ssat(r3 + off, 8), 24);
  (void)__ssub8((int32_t)v, (int32_t)q->lo4); /* GE per byte: v >= lo */
  v = (uint32_t)__sel((int32_t)v, (int32_t)q->lo4);
  (void)__ssub8((int32_t)q->hi4, (int32_t)v); /* GE per byte: hi >= v */
  v = (uint32_t)__sel((int32_t)v, (int32_t)q->hi4);
  pyrt_st32(y, v);
}

/* One tap of the asm below: input word at [t + off] (four channels), weights at wq + 8k. */
#define DW_TAP(off, k)                                 \
  "ldr    %[xv], [%[t]" off "]\n\t"                    \
  "sxtb16 %[x13], %[xv], ror #8\n\t"                   \
  "sxtb16 %[xv], %[xv]\n\t"                            \
  PYRT_ASM_LDRD("%[w02]", "%[w13]", "%[wq]", #k "*8")   \
  "smlabb %[a0], %[xv], %[w02], %[a0]\n\t"             \
  "smlatt %[a2], %[xv], %[w02], %[a2]\n\t"             \
  "smlabb %[a1], %[x13], %[w13], %[a1]\n\t"            \
  "smlatt %[a3], %[x13], %[w13], %[a3]\n\t"

/* The 9 taps of one window, four channels: t = top-left input word, c1 = one pixel to the right
 * (bytes; two pixels: c1 LSL 1), row = one row down; 36 multiply-accumulates in 74 instructions.
 * In asm: gcc 12 spills the C version of this loop body heavily. */
PYRT_ALWAYS_INLINE void window9(const int8_t *t, int32_t c1, int32_t row, const int32_t *wq,
                                int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
#if !defined(__OPTIMIZE__)
  /* unoptimised builds (Debug) may lack the registers: the same taps in C */
  int32_t fy, fx;
  for (fy = 0; fy < 3; ++fy, t += row)
    for (fx = 0; fx < 3; ++fx) {
      const uint32_t v = pyrt_ld32(t + fx * c1);
      const int32_t x02 = pyrt_sxtb16_lo(v), x13 = pyrt_sxtb16_hi(v);
      const int32_t w02 = wq[2 * (3 * fy + fx)], w13 = wq[2 * (3 * fy + fx) + 1];
      a0 = __smlabb(x02, w02, a0);
      a2 = __smlatt(x02, w02, a2);
      a1 = __smlabb(x13, w13, a1);
      a3 = __smlatt(x13, w13, a3);
    }
#else
  uint32_t xv, x13, w02, w13;
  /* one asm block per window row (11 registers each), the row step in between */
#define DW_ROW(k0, k1, k2)                                                                     \
  __asm__("" DW_TAP("", k0) DW_TAP(", %[c1]", k1) DW_TAP(", %[c1], lsl #1", k2)                \
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xv] "=&r"(xv),        \
            [x13] "=&r"(x13), [w02] "=&r"(w02), [w13] "=&r"(w13)                               \
          : [t] "r"(t), [c1] "r"(c1), [wq] "r"(wq)                                             \
          : "memory")
  DW_ROW(0, 1, 2);
  t += row;
  DW_ROW(3, 4, 5);
  t += row;
  DW_ROW(6, 7, 8);
#undef DW_ROW
#endif
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* n output pixels of one row whose windows lie inside the input: p = the first window's
 * top-left input word, step = stride_w x C bytes between windows. */
PYRT_ALWAYS_INLINE void interior(const int8_t *p, int32_t n, int32_t step, int32_t C,
                                 int32_t row, const int32_t *wq, const int32_t *kb,
                                 const block_quant *q, int8_t *yp, int neg) {
  for (; n > 0; --n) {
    int32_t a[4];
    a[0] = kb[0];
    a[1] = kb[1];
    a[2] = kb[2];
    a[3] = kb[3];
    window9(p, C, row, wq, a);
    store_block(yp, rq(q, 0, a[0], neg), rq(q, 1, a[1], neg), rq(q, 2, a[2], neg),
                rq(q, 3, a[3], neg), q);
    p += step;
    yp += C;
  }
}

/* One output pixel whose window is clipped: its 3x3 words (taps outside the input read the zero
 * point, which contributes nothing with kbias) are copied into a 36-byte window first. */
static void clipped(const pyrt_conv_desc *d, const int8_t *xn, int32_t cb, int32_t oy,
                    int32_t ox, const int32_t *wq, const int32_t *kb, const block_quant *q,
                    int neg, int8_t *yp) {
  const int32_t C = d->in.c, row = d->in.w * C;
  const int32_t iy0 = oy * d->stride_h - d->pad_h, ix0 = ox * d->stride_w - d->pad_w;
  const uint32_t zp4 = ((uint32_t)(uint8_t)(-d->input_offset)) * 0x01010101u;
  const int32_t fx0 = ix0 < 0 ? -ix0 : 0, fx1 = d->in.w - ix0 < 3 ? d->in.w - ix0 : 3;
  uint32_t win[9];
  int32_t a[4], fy, fx;
  for (fy = 0; fy < 3; ++fy) {
    const int32_t iy = iy0 + fy;
    uint32_t *wr = win + 3 * fy;
    wr[0] = wr[1] = wr[2] = zp4;
    if (iy >= 0 && iy < d->in.h) {
      const int8_t *src = xn + iy * row + ix0 * C + cb;
      for (fx = fx0; fx < fx1; ++fx) wr[fx] = pyrt_ld32(src + fx * C);
    }
  }
  a[0] = kb[0];
  a[1] = kb[1];
  a[2] = kb[2];
  a[3] = kb[3];
  window9((const int8_t *)win, 4, 12, wq, a);
  if (neg)
    store_block(yp, rq(q, 0, a[0], 1), rq(q, 1, a[1], 1), rq(q, 2, a[2], 1), rq(q, 3, a[3], 1),
                q);
  else
    store_block(yp, rq(q, 0, a[0], 0), rq(q, 1, a[1], 0), rq(q, 2, a[2], 0), rq(q, 3, a[3], 0),
                q);
}

/* One past the last output row (column) whose 3-tap window lies inside an input of `size`. */
static int32_t last_inside(int32_t size, int32_t pad, int32_t stride, int32_t out) {
  const int32_t span = size - 3 + pad; /* the last window start, in padded coordinates */
  int32_t end;
  if (span < 0) return 0;
  end = span / stride + 1;
  return end < out ? end : out;
}

void PYRT_K(dw_conv_3x3_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                            const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  const int32_t C = d->in.c, W = d->in.w, H = d->in.h, OW = d->out.w, OH = d->out.h;
  const int32_t sh = d->stride_h, sw = d->stride_w, row = W * C;
  /* output rows/columns whose windows are fully inside the input */
  const int32_t oy0 = (d->pad_h + sh - 1) / sh, ox0 = (d->pad_w + sw - 1) / sw;
  const int32_t oy1 = last_inside(H, d->pad_h, sh, OH), ox1 = last_inside(W, d->pad_w, sw, OW);
  int32_t n, cb, oy, ox, t;
  block_quant q;
  (void)scratch;
  q.out_off = d->output_offset;
  q.lo4 = ((uint32_t)(uint8_t)d->act_min) * 0x01010101u;
  q.hi4 = ((uint32_t)(uint8_t)d->act_max) * 0x01010101u;
  for (n = 0; n < d->in.n; ++n) {
    const int8_t *xn = x + n * H * row;
    int8_t *yn = y + n * OH * OW * C;
    for (cb = 0; cb + 4 <= C; cb += 4) {
      int32_t wq[18];
      int neg = 1;
      for (t = 0; t < 9; ++t) {
        const uint32_t u = pyrt_ld32(w + t * C + cb);
        wq[2 * t] = pyrt_sxtb16_lo(u);
        wq[2 * t + 1] = pyrt_sxtb16_hi(u);
      }
      q.shift = d->q.shift + cb;
      for (t = 0; t < 4; ++t) {
        const int32_t s = d->q.shift[cb + t];
        q.m[t] = d->q.mult[cb + t];
        q.e1[t] = s < 0 ? -s - 1 : 0;
        q.pow[t] = (uint32_t)1 << q.e1[t];
        neg &= s < 0;
      }
      for (oy = 0; oy < OH; ++oy) {
        int8_t *yr = yn + oy * OW * C + cb;
        const int row_inside = oy >= oy0 && oy < oy1;
        for (ox = 0; ox < OW; ++ox) {
          if (row_inside && ox == ox0 && ox1 > ox0) {
            const int8_t *p = xn + (oy * sh - d->pad_h) * row + (ox0 * sw - d->pad_w) * C + cb;
            if (neg)
              interior(p, ox1 - ox0, sw * C, C, row, wq, kbias + cb, &q, yr + ox0 * C, 1);
            else
              interior(p, ox1 - ox0, sw * C, C, row, wq, kbias + cb, &q, yr + ox0 * C, 0);
            ox = ox1 - 1;
            continue;
          }
          clipped(d, xn, cb, oy, ox, wq, kbias + cb, &q, neg, yr + ox * C);
        }
      }
    }
  }
  /* the channels past the last block of four */
  if (C & 3) pyrt_dsp_dw_conv_border(d, x, w, bias, kbias, y, 0, OH, 0, OW, C & ~3);
}

uint32_t PYRT_K(dw_conv_3x3_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
