/*
 * The reference int16 LOGISTIC / TANH loop (TFLite reference_integer_ops::Logistic / Tanh,
 * int16): the input scaled by a multiplier and a rounded right shift, then the uint16 sigmoid
 * table interpolated at |v| (LOGISTIC in steps of 2^9, TANH of 2^8), written once and
 * specialised by the constant `is_tanh` argument.
 */
#ifndef PYRT_REF_SIG16_H
#define PYRT_REF_SIG16_H

#include "kernels.h"

/* x * multiplier, rounding right shift, as TFLite (the product fits 31 bits) */
static inline int32_t pyrt_sig16_input(int16_t x, int32_t mult, int shift) {
  const int64_t round = shift > 0 ? ((int64_t)1 << (shift - 1)) : 0;
  return (int32_t)(((int64_t)x * mult + round) >> shift);
}

/* The 256-entry table linearly interpolated at a in steps of 2^frac; `sat` past its end. */
static inline uint32_t pyrt_sigmoid_interp(const uint16_t *t, uint32_t a, int frac,
                                           uint32_t sat) {
  const uint32_t uh = a >> frac;
  if (uh >= 255u) return sat;
  return ((uint32_t)t[uh] << frac) + (a & ((1u << frac) - 1u)) * ((uint32_t)t[uh + 1] - t[uh]);
}

static inline void pyrt_ref_sig16(const pyrt_sig16_desc *d, const int16_t *x, int16_t *y,
                                  int is_tanh) {
  const int shift = d->input_shift;
  int32_t i;
  for (i = 0; i < d->n; ++i) {
    const int32_t v = pyrt_sig16_input(x[i], d->input_multiplier, shift);
    const uint32_t a = (uint32_t)(v < 0 ? -v : v);
    if (is_tanh) {
      int32_t r = (int32_t)pyrt_sigmoid_interp(d->table, a, 8, 0xFFFFu << 8);
      r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
      y[i] = (int16_t)(r >> 8); /* in [-32767, 32767] */
    } else {
      uint32_t r = pyrt_sigmoid_interp(d->table, a, 9, 0x7FFFu << 10);
      r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
      y[i] = (int16_t)(r >> 10); /* in [0, 32767] */
    }
  }
}

#endif /* PYRT_REF_SIG16_H */
