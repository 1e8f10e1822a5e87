/*
 * Helpers of the arm_dsp kernel set (Armv7E-M / Armv8-M Mainline with the DSP extension):
 * ACLE SIMD32 intrinsics (arm_acle.h), unaligned word access, the exact requantization and the
 * int8 -> int16 expansion the multiply-accumulate kernels share.
 *
 * Packing convention: a word of four int8 values [v0 v1 v2 v3] is expanded by SXTB16 into
 * (v0, v2) and by SXTB16 ROR 8 into (v1, v3); SMLAD then multiplies pairs expanded the same way,
 * so activations and weights never need reordering: only both sides expanded alike.
 */
#ifndef PYRT_ARM_DSP_H
#define PYRT_ARM_DSP_H

#include <stdint.h>
#include <string.h>

#include "../kernels.h"

#if PYRT_SET_ARM_DSP
#include <arm_acle.h>

/* Two words into two asm operands: LDRD in Thumb-2 (any pair of registers); two LDRs in A32,
 * where LDRD needs an even/odd register pair the compiler does not promise. `post`: the same
 * with the base advanced by 8. */
#if defined(__thumb2__)
#define PYRT_ASM_LDRD(a, b, base, off) "ldrd   " a ", " b ", [" base ", #" off "]\n\t"
#define PYRT_ASM_LDRD_POST(a, b, base) "ldrd   " a ", " b ", [" base "], #8\n\t"
#else
#define PYRT_ASM_LDRD(a, b, base, off) \
  "ldr    " a ", [" base ", #" off "]\n\t" "ldr    " b ", [" base ", #" off "+4]\n\t"
#define PYRT_ASM_LDRD_POST(a, b, base) \
  "ldr    " a ", [" base "], #4\n\t" "ldr    " b ", [" base "], #4\n\t"
#endif

/* Specialisation of a kernel body by constant arguments (GCC and Clang, the compilers with ACLE). */
#define PYRT_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Word access at any alignment (LDR/STR allow it on these cores; memcpy compiles to one). */
static inline uint32_t pyrt_ld32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline void pyrt_st32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void pyrt_st16(void *p, uint32_t v) {
  const uint16_t h = (uint16_t)v;
  memcpy(p, &h, 2);
}

/* (v0, v2) and (v1, v3) of a word of int8 as int16 pairs. The rotation is folded into SXTB16
 * by inline assembly (gcc 12 has no __ror and does not fold it). */
static inline int32_t pyrt_sxtb16_lo(uint32_t w) { return __sxtb16((int32_t)w); }
static inline int32_t pyrt_sxtb16_hi(uint32_t w) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(w));
  return r;
}

/* v with bits [lsb, lsb + 8) replaced by the low byte of b (BFI; gcc 12 does not form it here). */
#define pyrt_bfi8(v, b, lsb)                                              \
  __extension__({                                                         \
    uint32_t v_ = (v);                                                    \
    __asm__("bfi %0, %1, #" #lsb ", #8" : "+r"(v_) : "r"((uint32_t)(b))); \
    v_;                                                                   \
  })

static inline int32_t pyrt_smlad(int32_t a, int32_t b, int32_t acc) {
  return __smlad(a, b, acc);
}

/* TFLite's MultiplyByQuantizedMultiplier (double rounding: SaturatingRoundingDoublingHighMul,
 * then RoundingDivideByPOT), exact for every int32 x, multiplier m in [0, 2^31) and shift in
 * [-31, 30], in one SMLAL:
 * - shift = -e < 0: floor((floor((x m + 2^30) / 2^31) + 2^(e-1) - [x < 0]) / 2^e)
 *   = (x m + 2^30 + 2^31 (2^(e-1) - [x < 0])) >> (31 + e); the high word >> (e - 1);
 * - shift >= 0: the high multiply of (x << shift) (wrapping, as TFLite) with 2^30 added.
 * (Checked against pyrt_mbqm on random and extreme arguments by tests/kernels.) */
static inline int32_t pyrt_dsp_requant(int32_t x, int32_t m, int32_t shift) {
  if (shift < 0) {
    const int32_t e1 = -shift - 1;
    const uint32_t t = ((uint32_t)1 << e1) - ((uint32_t)x >> 31); /* 2^(e-1) - [x < 0] */
    uint64_t acc = ((uint64_t)(t >> 1) << 32) | (uint64_t)(0x40000000u | (t << 31));
    acc += (uint64_t)((int64_t)x * (int64_t)m);
    return (int32_t)(uint32_t)(acc >> 32) >> e1;
  } else {
    const int32_t xs = (int32_t)((uint32_t)x << shift);
    const uint64_t acc = 0x40000000u + (uint64_t)((int64_t)xs * (int64_t)m);
    return (int32_t)(uint32_t)(acc >> 31);
  }
}

/* pyrt_dsp_requant for shift = -(e1 + 1) < 0 with pow = 2^e1 precomputed (per channel). */
static inline int32_t pyrt_dsp_requant_neg(int32_t x, int32_t m, int32_t e1, uint32_t pow) {
  const uint32_t t = pow - ((uint32_t)x >> 31);
  uint64_t acc = ((uint64_t)(t >> 1) << 32) | (uint64_t)(0x40000000u | (t << 31));
  acc += (uint64_t)((int64_t)x * (int64_t)m);
  return (int32_t)(uint32_t)(acc >> 32) >> e1;
}

/* Add the output offset and clamp to [lo, hi] (a sub-range of int8). */
static inline int32_t pyrt_dsp_clamp8(int32_t r, int32_t out_off, int32_t lo, int32_t hi) {
  r = __ssat(r + out_off, 8);
  r = r < lo ? lo : r;
  return r > hi ? hi : r;
}

/* Requantize, add the output offset and clamp. */
static inline int32_t pyrt_dsp_out(int32_t acc, int32_t m, int32_t shift, int32_t out_off,
                                   int32_t lo, int32_t hi) {
  return pyrt_dsp_clamp8(pyrt_dsp_requant(acc, m, shift), out_off, lo, hi);
}

/* Multiply-accumulate core shared by CONV_2D (im2col, 1x1, first layers) and FULLY_CONNECTED:
 * four activation columns against `n_ch` weight rows of `k` int8 each (row stride k), giving
 * four outputs per channel: y[j][ch] for column j. `cols` holds the four columns as int16,
 * interleaved by blocks of four values: for each block, the words (a0, a2), (b0, b2), (a1, a3),
 * (b1, b3), (c0, c2), (d0, d2), (c1, c3), (d1, d3) (pyrt_dsp_pack_block); then, for the k % 4
 * last values, the words (a_i, b_i), (c_i, d_i). acc = kbias[ch] + sum w * col, then
 * per-channel requantization (multiplier index ch * q_step). */
typedef struct {
  const int32_t *kbias;
  pyrt_quant q;
  int32_t q_step; /* 1: per channel, 0: one multiplier for all */
  int32_t out_off, act_min, act_max;
} pyrt_dsp_mm_out;

void pyrt_dsp_mat_mult_4cols(const int16_t *cols, const int8_t *w, int32_t k, int32_t n_ch,
                             const pyrt_dsp_mm_out *o, int8_t *const y[4]);

/* One block of four values of each column (words of int8 a, b, c, d) into its 8 words. */
static inline void pyrt_dsp_pack_block(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
                                       uint32_t *o) {
  o[0] = (uint32_t)pyrt_sxtb16_lo(a);
  o[1] = (uint32_t)pyrt_sxtb16_lo(b);
  o[2] = (uint32_t)pyrt_sxtb16_hi(a);
  o[3] = (uint32_t)pyrt_sxtb16_hi(b);
  o[4] = (uint32_t)pyrt_sxtb16_lo(c);
  o[5] = (uint32_t)pyrt_sxtb16_lo(d);
  o[6] = (uint32_t)pyrt_sxtb16_hi(c);
  o[7] = (uint32_t)pyrt_sxtb16_hi(d);
}

/* Expand k int8 values of four columns into `cols` in the layout above. */
void pyrt_dsp_pack_4cols(const int8_t *a, const int8_t *b, const int8_t *c, const int8_t *d,
                         int32_t k, int16_t *cols);

/* Bytes of a four-column buffer for k values. */
static inline uint32_t pyrt_dsp_cols_bytes(int32_t k) { return 8u * (uint32_t)k; }

#endif /* PYRT_SET_ARM_DSP */
#endif /* PYRT_ARM_DSP_H */
