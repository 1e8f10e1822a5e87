/* SOFTMAX int8 -> int8 (TFLite reference_ops::Softmax, quantized path, gemmlowp fixed point:
 * kScaledDiffIntegerBits 5, kAccumulationIntegerBits 12, output zero point -128). */
#include "kernels.h"
#include "quant.h"

#define PYRT_SOFTMAX_MAX_DEPTH 4095 /* depth * exp(0) in Q12.19 must fit int32 */

/* params: 0 input_multiplier  1 input_left_shift  2 diff_min */
pyrt_status pyrt_check_softmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  int32_t ls, diff_min, radius;

  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, pyrt_trank(m, x) - 1) > PYRT_SOFTMAX_MAX_DEPTH) return PYRT_E_OP_SHAPE;

  ls = pyrt_param(c, 1);
  diff_min = pyrt_param(c, 2);
  if (pyrt_param(c, 0) < 0 || ls < 0 || ls > 31 || diff_min > 0) return PYRT_E_OP_PARAMS;
  /* every difference that reaches the exp (|diff| <= min(-diff_min, 255)) must not overflow
   * when shifted left by input_left_shift (TFLite's diff_min guarantees it) */
  radius = (diff_min < -255) ? 255 : -diff_min;
  if (((int64_t)radius << ls) > (int64_t)INT32_MAX) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_softmax(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], yi = op->tidx[op->n_in];
  const int8_t *in = (const int8_t *)pyrt_tptr(m, xi);
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int32_t mult = p[0];
  const int ls = p[1];
  const int32_t diff_min = p[2];
  const int depth = pyrt_tdim(m, xi, pyrt_trank(m, xi) - 1);
  const int outer = (int)(pyrt_tbytes(m, xi) / (uint32_t)depth);
  int i, c;

  for (i = 0; i < outer; ++i) {
    const int8_t *row = in + i * depth;
    int8_t *orow = out + i * depth;
    int32_t max_in_row = -128, sum_of_exps = 0, shifted_scale;
    int num_bits_over_unit, exponent;
    for (c = 0; c < depth; ++c)
      if (row[c] > max_in_row) max_in_row = row[c];

    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)row[c] - max_in_row;
      if (diff >= diff_min) {
        const int32_t scaled = pyrt_mbqm_gt1(diff, mult, ls); /* Q5.26 */
        sum_of_exps += pyrt_rdbpot(pyrt_exp_on_negative_values_q5(scaled), 12); /* Q12.19 */
      }
    }

    /* sum_of_exps >= exp(0) = 2^19 (the row maximum always contributes) */
    shifted_scale = pyrt_get_reciprocal(sum_of_exps, 12, &num_bits_over_unit);
    exponent = num_bits_over_unit + 31 - 8;
    /* TFLite aborts (TFLITE_CHECK) when exponent > 31 (a row of > 256 near-equal maxima);
     * clamp to keep the shift defined. */
    if (exponent > 31) exponent = 31;

    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)row[c] - max_in_row;
      if (diff >= diff_min) {
        const int32_t scaled = pyrt_mbqm_gt1(diff, mult, ls);
        const int32_t e = pyrt_exp_on_negative_values_q5(scaled);
        const int32_t unsat = pyrt_rdbpot(pyrt_srdhm(shifted_scale, e), exponent);
        orow[c] = (int8_t)pyrt_clamp(unsat - 128, -128, 127);
      } else {
        orow[c] = -128;
      }
    }
  }
}
