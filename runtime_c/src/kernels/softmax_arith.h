/*
 * SOFTMAX of int8 rows, TFLite's reference_ops::Softmax quantized path (gemmlowp fixed point,
 * kScaledDiffIntegerBits 5, kAccumulationIntegerBits 12), for an int8 output (zero point -128) or
 * an int16 output (zero point -32768). Shared by the int8 kernel and the int8 -> int16 adapter.
 */
#ifndef PYRT_SOFTMAX_ARITH_H
#define PYRT_SOFTMAX_ARITH_H

#include "kernels.h"
#include "quant.h"

/* The largest value of a row. */
static inline int32_t pyrt_row_max_s8(const int8_t *row, int32_t depth) {
  int32_t m = -128, c;
  for (c = 0; c < depth; ++c)
    if (row[c] > m) m = row[c];
  return m;
}

/* One row, its maximum already found (a kernel set may find it faster). */
static inline void pyrt_softmax_row_max(const pyrt_softmax_desc *d, const int8_t *row,
                                        int32_t max_in_row, void *out, int out_bits) {
  const int32_t out_min = out_bits == 16 ? -32768 : -128, out_max = -out_min - 1;
  const int32_t mult = d->input_multiplier, diff_min = d->diff_min;
  const int ls = d->input_left_shift;
  int32_t sum_of_exps = 0, shifted_scale;
  int num_bits_over_unit, exponent, c;
  for (c = 0; c < d->depth; ++c) {
    const int32_t diff = (int32_t)row[c] - max_in_row;
    if (diff >= diff_min) {
      const int32_t scaled = pyrt_mbqm_gt1(diff, mult, ls); /* Q5.26 */
      sum_of_exps += pyrt_rdbpot(pyrt_exp_on_negative_values_q5(scaled), 12); /* Q12.19 */
    }
  }
  /* sum_of_exps >= exp(0) = 2^19 (the row maximum always contributes) */
  shifted_scale = pyrt_get_reciprocal(sum_of_exps, 12, &num_bits_over_unit);
  exponent = num_bits_over_unit + 31 - out_bits;
  /* TFLite aborts (TFLITE_CHECK) when exponent > 31 (a row of > 256 near-equal maxima);
   * clamp to keep the shift defined. */
  if (exponent > 31) exponent = 31;
  for (c = 0; c < d->depth; ++c) {
    const int32_t diff = (int32_t)row[c] - max_in_row;
    int32_t v = out_min;
    if (diff >= diff_min) {
      const int32_t scaled = pyrt_mbqm_gt1(diff, mult, ls);
      const int32_t e = pyrt_exp_on_negative_values_q5(scaled);
      const int32_t unsat = pyrt_rdbpot(pyrt_srdhm(shifted_scale, e), exponent);
      v = pyrt_clamp(unsat + out_min, out_min, out_max);
    }
    if (out_bits == 16)
      ((int16_t *)out)[c] = (int16_t)v;
    else
      ((int8_t *)out)[c] = (int8_t)v;
  }
}

static inline void pyrt_softmax_row(const pyrt_softmax_desc *d, const int8_t *row, void *out,
                                    int out_bits) {
  pyrt_softmax_row_max(d, row, pyrt_row_max_s8(row, d->depth), out, out_bits);
}

/* Every row of an int8 -> int8 SOFTMAX, its maximum found by row_max (a kernel set's own). */
typedef int32_t (*pyrt_row_max_fn)(const int8_t *row, int32_t depth);
static inline void pyrt_softmax_rows_s8(const pyrt_softmax_desc *d, const int8_t *x, int8_t *y,
                                        pyrt_row_max_fn row_max) {
  int32_t r;
  for (r = 0; r < d->rows; ++r) {
    const int8_t *row = x + r * d->depth;
    pyrt_softmax_row_max(d, row, row_max(row, d->depth), y + r * d->depth, 8);
  }
}

#endif /* PYRT_SOFTMAX_ARITH_H */
