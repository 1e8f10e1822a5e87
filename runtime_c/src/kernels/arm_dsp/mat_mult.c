/* arm_dsp: the four-column multiply-accumulate core and its packing (dsp.h). */
#include "dsp.h"

#if PYRT_SET_ARM_DSP

void pyrt_dsp_pack_4cols(const int8_t *a, const int8_t *b, const int8_t *c, const int8_t *d,
                         int32_t k, int16_t *cols) {
  uint32_t *o = (uint32_t *)(void *)cols;
  int32_t i;
  for (i = 0; i + 4 <= k; i += 4) {
    pyrt_dsp_pack_block(pyrt_ld32(a + i), pyrt_ld32(b + i), pyrt_ld32(c + i), pyrt_ld32(d + i), o);
    o += 8;
  }
  for (; i < k; ++i) {
    o[0] = ((uint32_t)(uint16_t)(int16_t)a[i]) | ((uint32_t)(int32_t)b[i] << 16);
    o[1] = ((uint32_t)(uint16_t)(int16_t)c[i]) | ((uint32_t)(int32_t)d[i] << 16);
    o += 2;
  }
}

/* One block: four values of one weight row w against the four columns c, into s0..s3: 16
 * multiply-accumulates in 13 instructions (LDM loads two columns' words at once). */
#define PYRT_MM4_BLOCK_ASM                          \
  "ldr    %[u], [%[w]], #4\n\t"                    \
  "sxtb16 %[h], %[u], ror #8\n\t"                  \
  "sxtb16 %[u], %[u]\n\t"                          \
  "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t" \
  "smlad  %[s0], %[u], %[x0], %[s0]\n\t"           \
  "smlad  %[s1], %[u], %[x1], %[s1]\n\t"           \
  "smlad  %[s0], %[h], %[x2], %[s0]\n\t"           \
  "smlad  %[s1], %[h], %[x3], %[s1]\n\t"           \
  "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t" \
  "smlad  %[s2], %[u], %[x0], %[s2]\n\t"           \
  "smlad  %[s3], %[u], %[x1], %[s3]\n\t"           \
  "smlad  %[s2], %[h], %[x2], %[s2]\n\t"           \
  "smlad  %[s3], %[h], %[x3], %[s3]\n\t"

/* The inner loop: n >= 1 blocks, two per loop iteration (plus one first if n is odd). One asm
 * block: LDM needs its registers in ascending order, hence the fixed registers r8-r10, r12 (not r7 or r11: frame pointers). */
#define PYRT_MM4_BLOCKS(C_, W_, N_, S0_, S1_, S2_, S3_)                                      \
  do {                                                                                      \
    register uint32_t x0_ __asm__("r8");                                                    \
    register uint32_t x1_ __asm__("r9");                                                    \
    register uint32_t x2_ __asm__("r10");                                                   \
    register uint32_t x3_ __asm__("r12");                                                   \
    uint32_t u_, h_;                                                                        \
    __asm__ volatile("tst    %[n], #1\n\t"                                                   \
                     "beq    2f\n\t" PYRT_MM4_BLOCK_ASM "subs   %[n], %[n], #1\n\t"          \
                     "beq    3f\n\t"                                                        \
                     "2:\n\t" PYRT_MM4_BLOCK_ASM PYRT_MM4_BLOCK_ASM                           \
                     "subs   %[n], %[n], #2\n\t"                                            \
                     "bne    2b\n\t"                                                        \
                     "3:\n\t"                                                               \
                     : [c] "+r"(C_), [w] "+r"(W_), [n] "+r"(N_), [s0] "+r"(S0_),          \
                       [s1] "+r"(S1_), [s2] "+r"(S2_), [s3] "+r"(S3_), [x0] "=&r"(x0_),     \
                       [x1] "=&r"(x1_), [x2] "=&r"(x2_), [x3] "=&r"(x3_), [u] "=&r"(u_),    \
                       [h] "=&r"(h_)                                                        \
                     :                                                                      \
                     : "cc", "memory");                                                     \
  } while (0)

/* Clamp modes: which of the activation bounds can bite after saturating to int8. */
#define CLAMP_NONE 0 /* [-128, 127] */
#define CLAMP_LO 1   /* [lo, 127] (ReLU) */
#define CLAMP_BOTH 2

static inline int32_t clamp_out(int32_t r, int32_t out_off, int32_t lo, int32_t hi, int mode) {
  r = __ssat(r + out_off, 8);
  if (mode != CLAMP_NONE) r = r < lo ? lo : r;
  if (mode == CLAMP_BOTH) r = r > hi ? hi : r;
  return r;
}

PYRT_ALWAYS_INLINE void mat_mult(const int16_t *cols, const int8_t *w, int32_t k, int32_t n_ch,
                                 const pyrt_dsp_mm_out *o, int8_t *const y[4], int mode) {
  const int32_t *kbias = o->kbias, *mult = o->q.mult;
  const int8_t *shift = o->q.shift;
  const int32_t q_step = o->q_step, out_off = o->out_off, lo = o->act_min, hi = o->act_max;
  const int32_t n_blk = k >> 2, tail = k & 3;
  const uint32_t *tail_cols = (const uint32_t *)(const void *)cols + 8 * n_blk;
  int8_t *y0 = y[0], *y1 = y[1], *y2 = y[2], *y3 = y[3];
  const int8_t *wp = w;
  int32_t ch, i;
  for (ch = 0; ch < n_ch; ++ch) {
    int32_t s0 = kbias[ch], s1 = s0, s2 = s0, s3 = s0;
    const int32_t m = *mult, sh = *shift;
    if (n_blk > 0) {
      const uint32_t *c = (const uint32_t *)(const void *)cols;
      int32_t n = n_blk;
      PYRT_MM4_BLOCKS(c, wp, n, s0, s1, s2, s3);
    }
    for (i = 0; i < tail; ++i) {
      const int32_t wi = wp[i];
      const int32_t ab = (int32_t)tail_cols[2 * i], cd = (int32_t)tail_cols[2 * i + 1];
      s0 = __smlabb(wi, ab, s0);
      s1 = __smlabt(wi, ab, s1);
      s2 = __smlabb(wi, cd, s2);
      s3 = __smlabt(wi, cd, s3);
    }
    wp += tail;
    if (sh < 0) { /* the usual case: multiplier below one */
      const int32_t e1 = -sh - 1;
      const uint32_t p = (uint32_t)1 << e1;
      s0 = pyrt_dsp_requant_neg(s0, m, e1, p);
      s1 = pyrt_dsp_requant_neg(s1, m, e1, p);
      s2 = pyrt_dsp_requant_neg(s2, m, e1, p);
      s3 = pyrt_dsp_requant_neg(s3, m, e1, p);
    } else {
      s0 = pyrt_dsp_requant(s0, m, sh);
      s1 = pyrt_dsp_requant(s1, m, sh);
      s2 = pyrt_dsp_requant(s2, m, sh);
      s3 = pyrt_dsp_requant(s3, m, sh);
    }
    y0[ch] = (int8_t)clamp_out(s0, out_off, lo, hi, mode);
    y1[ch] = (int8_t)clamp_out(s1, out_off, lo, hi, mode);
    y2[ch] = (int8_t)clamp_out(s2, out_off, lo, hi, mode);
    y3[ch] = (int8_t)clamp_out(s3, out_off, lo, hi, mode);
    mult += q_step;
    shift += q_step;
  }
}

void pyrt_dsp_mat_mult_4cols(const int16_t *cols, const int8_t *w, int32_t k, int32_t n_ch,
                             const pyrt_dsp_mm_out *o, int8_t *const y[4]) {
  if (o->act_min == -128 && o->act_max == 127)
    mat_mult(cols, w, k, n_ch, o, y, CLAMP_NONE);
  else if (o->act_max == 127)
    mat_mult(cols, w, k, n_ch, o, y, CLAMP_LO);
  else
    mat_mult(cols, w, k, n_ch, o, y, CLAMP_BOTH);
}

#endif /* PYRT_SET_ARM_DSP */
