/*
 * Fixed-point helpers, arithmetic identical to TFLite's int8 reference path
 * (tensorflow/lite/kernels/internal/common.{h,cc}, double rounding, and gemmlowp's
 * fixedpoint.h for softmax). Written for C99 without undefined behaviour: additions
 * and left shifts that TFLite leaves to wrap are done modulo 2^32 here, which gives
 * the same results as TFLite on two's-complement targets. Right shifts of negative
 * values are arithmetic (as on every compiler this engine targets).
 */
#ifndef PYRT_QUANT_H
#define PYRT_QUANT_H

#include <stdint.h>

/* two's-complement wrap from uint32 to int32 without implementation-defined conversion */
static inline int32_t pyrt_wrap32(uint32_t u) {
  return (u & 0x80000000UL) ? -(int32_t)(~u) - 1 : (int32_t)u;
}
static inline int32_t pyrt_add_wrap(int32_t a, int32_t b) {
  return pyrt_wrap32((uint32_t)a + (uint32_t)b);
}
static inline int32_t pyrt_sub_wrap(int32_t a, int32_t b) {
  return pyrt_wrap32((uint32_t)a - (uint32_t)b);
}
static inline int32_t pyrt_shl_wrap(int32_t a, int s) { return pyrt_wrap32((uint32_t)a << s); }

/* gemmlowp SaturatingRoundingDoublingHighMul (VQRDMULH) */
static inline int32_t pyrt_srdhm(int32_t a, int32_t b) {
  int64_t ab;
  int32_t nudge;
  if (a == b && a == INT32_MIN) return INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = (ab >= 0) ? (1L << 30) : (1L - (1L << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* gemmlowp RoundingDivideByPOT: rounding arithmetic right shift, exponent in [0, 31] */
static inline int32_t pyrt_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + ((x < 0) ? 1 : 0);
  return (x >> exponent) + ((remainder > threshold) ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier (double rounding); shift in [-31, 30], > 0 is a left
 * shift applied before the multiplication. */
static inline int32_t pyrt_mbqm(int32_t x, int32_t mult, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return pyrt_rdbpot(pyrt_srdhm(pyrt_shl_wrap(x, left), mult), right);
}

/* TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp; left_shift in [-31, 0] */
static inline int32_t pyrt_mbqm_lt1(int32_t x, int32_t mult, int left_shift) {
  return pyrt_rdbpot(pyrt_srdhm(x, mult), -left_shift);
}

/* TFLite MultiplyByQuantizedMultiplierGreaterThanOne; left_shift in [0, 31] */
static inline int32_t pyrt_mbqm_gt1(int32_t x, int32_t mult, int left_shift) {
  return pyrt_srdhm(pyrt_wrap32((uint32_t)x << left_shift), mult);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0 (saturating left
 * shift); exponent in [1, 30]. */
static inline int32_t pyrt_sat_shl(int32_t x, int exponent) {
  const int32_t threshold = (int32_t)((1L << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return pyrt_shl_wrap(x, exponent);
}

/* gemmlowp RoundingHalfSum for int32 */
static inline int32_t pyrt_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

static inline int pyrt_clz32(uint32_t x) {
#if defined(__GNUC__)
  return x ? __builtin_clz(x) : 32;
#else
  int n = 0;
  if (x == 0u) return 32;
  while (!(x & 0x80000000UL)) {
    x <<= 1;
    ++n;
  }
  return n;
#endif
}

/* ---- gemmlowp fixed-point functions (raw int32 values; Qm.n noted per value) ---- */

/* exp(a) for a in [-1/4, 0), a and result Q0.31 */
static inline int32_t pyrt_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 */
  const int32_t x = pyrt_add_wrap(a, (int32_t)1 << 28); /* a + 1/8 */
  const int32_t x2 = pyrt_srdhm(x, x);
  const int32_t x3 = pyrt_srdhm(x2, x);
  const int32_t x4 = pyrt_srdhm(x2, x2);
  const int32_t x4_over_4 = pyrt_rdbpot(x4, 2);
  const int32_t poly = pyrt_rdbpot(
      pyrt_add_wrap(pyrt_srdhm(pyrt_add_wrap(x4_over_4, x3), constant_1_over_3), x2), 1);
  return pyrt_add_wrap(constant_term, pyrt_srdhm(constant_term, pyrt_add_wrap(x, poly)));
}

/* exp(a) for a <= 0; a is Q5.26 (kScaledDiffIntegerBits = 5), result Q0.31 */
static inline int32_t pyrt_exp_on_negative_values_q5(int32_t a) {
  const int32_t one_quarter = (int32_t)1 << 24; /* 1/4 in Q5.26 */
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
  int32_t result = pyrt_exp_quarter(pyrt_sat_shl(a_mod_quarter_minus_one_quarter, 5));
  const int32_t remainder = pyrt_sub_wrap(a_mod_quarter_minus_one_quarter, a);
  if (remainder & ((int32_t)1 << 24)) result = pyrt_srdhm(result, 1672461947); /* exp(-1/4) */
  if (remainder & ((int32_t)1 << 25)) result = pyrt_srdhm(result, 1302514674); /* exp(-1/2) */
  if (remainder & ((int32_t)1 << 26)) result = pyrt_srdhm(result, 790015084);  /* exp(-1) */
  if (remainder & ((int32_t)1 << 27)) result = pyrt_srdhm(result, 290630308);  /* exp(-2) */
  if (remainder & ((int32_t)1 << 28)) result = pyrt_srdhm(result, 39332535);   /* exp(-4) */
  if (remainder & ((int32_t)1 << 29)) result = pyrt_srdhm(result, 720401);     /* exp(-8) */
  if (remainder & ((int32_t)1 << 30)) result = pyrt_srdhm(result, 242);        /* exp(-16) */
  if (a == 0) result = INT32_MAX; /* One() in Q0.31 */
  return result;
}

/* 1 / (1 + a) for a in [0, 1), a and result Q0.31 (Newton-Raphson, 3 iterations) */
static inline int32_t pyrt_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = pyrt_rounding_half_sum(a, INT32_MAX);
  const int32_t c48_17 = 1515870810;      /* 48/17 in Q2.29 */
  const int32_t cneg32_17 = -1010580540;  /* -32/17 in Q2.29 */
  const int32_t one_q2 = (int32_t)1 << 29;
  int32_t x = pyrt_add_wrap(c48_17, pyrt_srdhm(half_denominator, cneg32_17));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t hdx = pyrt_srdhm(half_denominator, x);
    const int32_t one_minus = pyrt_sub_wrap(one_q2, hdx);
    x = pyrt_add_wrap(x, pyrt_sat_shl(pyrt_srdhm(x, one_minus), 2));
  }
  return pyrt_sat_shl(x, 1);
}

/* TFLite GetReciprocal(x, x_integer_digits): x > 0 */
static inline int32_t pyrt_get_reciprocal(int32_t x, int x_integer_digits,
                                          int *num_bits_over_unit) {
  const int headroom_plus_one = pyrt_clz32((uint32_t)x);
  const int32_t shifted_sum_minus_one =
      pyrt_wrap32(((uint32_t)x << headroom_plus_one) - ((uint32_t)1 << 31));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  return pyrt_one_over_one_plus_x(shifted_sum_minus_one);
}

static inline int32_t pyrt_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* PYRT_QUANT_H */
