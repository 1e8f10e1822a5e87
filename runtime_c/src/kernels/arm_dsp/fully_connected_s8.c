/* arm_dsp FULLY_CONNECTED int8: one batch row at a time, expanded once to int16 pairs, against
 * two weight rows at a time (SMLAD; the input offset is folded into kbias). Four batch rows or
 * more use the four-column multiply (dsp.h). */
#include "dsp.h"

#if PYRT_USE_DSP(fully_connected_s8)
/* One weight row's eight values (LDRD, post-increment) against x's expanded words. */
#define FC_ROW8(w, s)                              \
  PYRT_ASM_LDRD_POST("%[u0]", "%[u1]", "%[" w "]") \
  "sxtb16 %[h], %[u0], ror #8\n\t"                 \
  "sxtb16 %[u0], %[u0]\n\t"                        \
  "smlad  %[" s "], %[u0], %[xa], %[" s "]\n\t"     \
  "smlad  %[" s "], %[h], %[xb], %[" s "]\n\t"      \
  "sxtb16 %[h], %[u1], ror #8\n\t"                 \
  "sxtb16 %[u1], %[u1]\n\t"                        \
  "smlad  %[" s "], %[u1], %[xc], %[" s "]\n\t"     \
  "smlad  %[" s "], %[h], %[xd], %[" s "]\n\t"

/* n >= 1 blocks of eight values: the expanded input xe (words (x0, x2), (x1, x3), (x4, x6),
 * (x5, x7) per block, LDM) against two word-aligned weight rows: 16 multiply-accumulates in 21
 * instructions. One asm block (LDM needs ascending registers, hence r8-r10, r12; r7 and r11 may be frame pointers). */
static inline void rows2(const uint32_t *xe, const int8_t *w0, const int8_t *w1, int32_t n,
                         int32_t *s0, int32_t *s1) {
  register uint32_t xa __asm__("r8");
  register uint32_t xb __asm__("r9");
  register uint32_t xc __asm__("r10");
  register uint32_t xd __asm__("r12");
  int32_t a = *s0, b = *s1;
  uint32_t u0, u1, h;
  /* one block first if n is odd, then two per iteration (one loop branch per 32 MACs) */
  __asm__ volatile("tst    %[n], #1\n\t"
                   "beq    2f\n\t"
                   "ldmia  %[x]!, {%[xa], %[xb], %[xc], %[xd]}\n\t"
                   FC_ROW8("w0", "a") FC_ROW8("w1", "b")
                   "subs   %[n], %[n], #1\n\t"
                   "beq    3f\n\t"
                   "2:\n\t"
                   "ldmia  %[x]!, {%[xa], %[xb], %[xc], %[xd]}\n\t"
                   FC_ROW8("w0", "a") FC_ROW8("w1", "b")
                   "ldmia  %[x]!, {%[xa], %[xb], %[xc], %[xd]}\n\t"
                   FC_ROW8("w0", "a") FC_ROW8("w1", "b")
                   "subs   %[n], %[n], #2\n\t"
                   "bne    2b\n\t"
                   "3:\n\t"
                   : [x] "+r"(xe), [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(n), [a] "+r"(a),
                     [b] "+r"(b), [xa] "=&r"(xa), [xb] "=&r"(xb), [xc] "=&r"(xc),
                     [xd] "=&r"(xd), [u0] "=&r"(u0), [u1] "=&r"(u1), [h] "=&r"(h)
                   :
                   : "cc", "memory");
  *s0 = a;
  *s1 = b;
}

/* x's k & ~3 first values expanded into xe: (x0, x2), (x1, x3) per block of four. */
static void expand(const int8_t *x, int32_t k, uint32_t *xe) {
  int32_t i;
  for (i = 0; i + 4 <= k; i += 4) {
    const uint32_t v = pyrt_ld32(x + i);
    xe[0] = (uint32_t)pyrt_sxtb16_lo(v);
    xe[1] = (uint32_t)pyrt_sxtb16_hi(v);
    xe += 2;
  }
}

/* acc + row w . x over values [from, k): expanded x (xe) for the blocks of four, raw x after. */
static inline int32_t dot_rest(const uint32_t *xe, const int8_t *x, const int8_t *w, int32_t from,
                               int32_t k, int32_t acc) {
  int32_t i;
  for (i = from; i + 4 <= k; i += 4) {
    const uint32_t u = pyrt_ld32(w + i);
    acc = pyrt_smlad(pyrt_sxtb16_lo(u), (int32_t)xe[i / 2], acc);
    acc = pyrt_smlad(pyrt_sxtb16_hi(u), (int32_t)xe[i / 2 + 1], acc);
  }
  for (; i < k; ++i) acc = __smlabb(w[i], x[i], acc);
  return acc;
}

/* Requantization of one output channel: per-tensor layers decode the multiplier once. */
typedef struct {
  int32_t m, shift, e1;
  uint32_t pow;
  int32_t off, lo, hi;
} fc_quant;

static inline void fc_quant_of(const pyrt_fc_desc *d, int32_t q, fc_quant *r) {
  r->m = d->q.mult[q];
  r->shift = d->q.shift[q];
  r->e1 = r->shift < 0 ? -r->shift - 1 : 0;
  r->pow = (uint32_t)1 << r->e1;
}

/* neg: the caller knows the shift is negative (per-tensor layers, decided once); relu: the
 * activation's upper bound is 127 (only the lower one can bite after saturating to int8). */
PYRT_ALWAYS_INLINE int8_t fc_out(int32_t acc, const fc_quant *q, int neg, int relu) {
  int32_t r = (neg || q->shift < 0) ? pyrt_dsp_requant_neg(acc, q->m, q->e1, q->pow)
                                    : pyrt_dsp_requant(acc, q->m, q->shift);
  if (!relu) return (int8_t)pyrt_dsp_clamp8(r, q->off, q->lo, q->hi);
  r = __ssat(r + q->off, 8);
  return (int8_t)(r < q->lo ? q->lo : r);
}

/* Output channels [0, n) of one batch row x: x expanded once into xe, then two weight rows at a
 * time (rows2 when rows are word-aligned). The usual case is specialised: `fast` = k a multiple
 * of 8 (no tails) and w word-aligned, one multiplier for the layer, with a negative shift; `relu` =
 * activation upper bound 127. */
PYRT_ALWAYS_INLINE void vector_rows(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                    const int32_t *kbias, int8_t *y, uint32_t *xe, int fast,
                                    int relu) {
  /* rows2's LDRD needs word-aligned rows: k % 4 == 0 and w word-aligned (the converter aligns
   * weights; the format allows any byte, where the C loop with single loads takes over) */
  const int32_t k = d->accum, n = d->out_ch;
  const int32_t n8 = ((k & 3) == 0 && ((uintptr_t)w & 3u) == 0) ? k >> 3 : 0;
  const int32_t step = (!fast && d->per_channel) ? 1 : 0;
  fc_quant q;
  int32_t oc = 0;
  q.off = d->output_offset;
  q.lo = d->act_min;
  q.hi = d->act_max;
  fc_quant_of(d, 0, &q);
  expand(x, k, xe);
  for (; oc + 2 <= n; oc += 2) {
    const int8_t *w0 = w + oc * k;
    int32_t s0 = kbias[oc], s1 = kbias[oc + 1];
    if (fast) {
      rows2(xe, w0, w0 + k, n8, &s0, &s1);
    } else {
      if (n8 > 0) rows2(xe, w0, w0 + k, n8, &s0, &s1);
      s0 = dot_rest(xe, x, w0, 8 * n8, k, s0);
      s1 = dot_rest(xe, x, w0 + k, 8 * n8, k, s1);
    }
    if (step) fc_quant_of(d, oc, &q);
    y[oc] = fc_out(s0, &q, fast, relu);
    if (step) fc_quant_of(d, oc + 1, &q);
    y[oc + 1] = fc_out(s1, &q, fast, relu);
  }
  if (oc < n) {
    if (step) fc_quant_of(d, oc, &q);
    y[oc] = fc_out(dot_rest(xe, x, w + oc * k, 0, k, kbias[oc]), &q, fast, relu);
  }
}

void PYRT_K(fully_connected_s8)(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch) {
  const int32_t k = d->accum, n = d->out_ch;
  int32_t b = 0;
  (void)bias;
  if (d->batches >= 4) {
    pyrt_dsp_mm_out o;
    o.kbias = kbias;
    o.q = d->q;
    o.q_step = d->per_channel ? 1 : 0;
    o.out_off = d->output_offset;
    o.act_min = d->act_min;
    o.act_max = d->act_max;
    for (; b + 4 <= d->batches; b += 4) {
      int8_t *ys[4];
      ys[0] = y + b * n;
      ys[1] = ys[0] + n;
      ys[2] = ys[1] + n;
      ys[3] = ys[2] + n;
      pyrt_dsp_pack_4cols(x + b * k, x + (b + 1) * k, x + (b + 2) * k, x + (b + 3) * k, k,
                          (int16_t *)scratch);
      pyrt_dsp_mat_mult_4cols((const int16_t *)scratch, w, k, n, &o, ys);
    }
  }
  for (; b < d->batches; ++b) {
    if ((k & 7) == 0 && ((uintptr_t)w & 3u) == 0 && !d->per_channel && d->q.shift[0] < 0) {
      if (d->act_max == 127)
        vector_rows(d, x + b * k, w, kbias, y + b * n, (uint32_t *)scratch, 1, 1);
      else
        vector_rows(d, x + b * k, w, kbias, y + b * n, (uint32_t *)scratch, 1, 0);
    } else {
      vector_rows(d, x + b * k, w, kbias, y + b * n, (uint32_t *)scratch, 0, 0);
    }
  }
}

/* The four-column buffer (four batch rows or more) or one expanded batch row. */
uint32_t PYRT_K(fully_connected_s8_scratch_bytes)(const pyrt_fc_desc *d) {
  return d->batches >= 4 ? pyrt_dsp_cols_bytes(d->accum) : 2u * ((uint32_t)d->accum & ~3u);
}
#endif
