/* SOFTMAX and LOG_SOFTMAX (TFLite reference_ops, quantized paths):
 * - SOFTMAX int8 -> int8 / int16 (layout 1): gemmlowp fixed point, kScaledDiffIntegerBits 5,
 *   kAccumulationIntegerBits 12, output zero point -128 / -32768;
 * - SOFTMAX int16 -> int16 (layout 2, kernel softmax_s16): SoftmaxInt16 with two interpolated
 *   513-entry tables;
 * - LOG_SOFTMAX int8 (kernel log_softmax_s8): LogSoftmaxQuantized (gemmlowp exp and
 *   log_x_for_x_greater_than_or_equal_to_1).
 */
#include "adapt.h"
#include "../kernels/softmax_arith.h"

#define PYRT_SOFTMAX_MAX_DEPTH 4095 /* depth * exp(0) in Q12.19 must fit int32 */

/* params: 0 input_multiplier  1 input_left_shift  2 diff_min */
static pyrt_status check_scaling(const pyrt_check_ctx *c);

pyrt_status pyrt_check_softmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);

  if (pyrt_ttype(m, x) != PYRT_INT8 ||
      (pyrt_ttype(m, y) != PYRT_INT8 && pyrt_ttype(m, y) != PYRT_INT16))
    return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, pyrt_trank(m, x) - 1) > PYRT_SOFTMAX_MAX_DEPTH) return PYRT_E_OP_SHAPE;
  return check_scaling(c);
}

/* input_multiplier, input_left_shift, diff_min (params 0..2) as TFLite's
 * PreprocessSoftmaxScaling and CalculateInputRadius produce them */
static pyrt_status check_scaling(const pyrt_check_ctx *c) {
  int32_t ls, diff_min, radius;
  ls = pyrt_param(c, PYRT_P_SOFTMAX_INPUT_SHIFT);
  diff_min = pyrt_param(c, PYRT_P_SOFTMAX_DIFF_MIN);
  if (pyrt_param(c, PYRT_P_SOFTMAX_INPUT_MULTIPLIER) < 0 || ls < 0 || ls > 31 || diff_min > 0) return PYRT_E_OP_PARAMS;
  /* every difference that reaches the exp (|diff| <= min(-diff_min, 255)) must not overflow
   * when shifted left by input_left_shift (TFLite's diff_min guarantees it) */
  radius = (diff_min < -255) ? 255 : -diff_min;
  if (((int64_t)radius << ls) > (int64_t)INT32_MAX) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_softmax(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int8_t *x = (const int8_t *)pyrt_tptr(m, xi);
  pyrt_softmax_desc d;
  d.depth = pyrt_tdim(m, xi, pyrt_trank(m, xi) - 1);
  d.rows = (int32_t)(pyrt_tbytes(m, xi) / (uint32_t)d.depth);
  d.input_multiplier = p[PYRT_P_SOFTMAX_INPUT_MULTIPLIER];
  d.input_left_shift = p[PYRT_P_SOFTMAX_INPUT_SHIFT];
  d.diff_min = p[PYRT_P_SOFTMAX_DIFF_MIN];
  if (pyrt_ttype(m, yi) == PYRT_INT8) {
    pyrt_softmax_s8(&d, x, (int8_t *)pyrt_tptr(m, yi));
  } else { /* int8 -> int16 */
    int16_t *y = (int16_t *)pyrt_tptr(m, yi);
    int32_t r;
    for (r = 0; r < d.rows; ++r) pyrt_softmax_row(&d, x + r * d.depth, y + r * d.depth, 16);
  }
}

/* ---- SOFTMAX int16 -> int16 (layout 2) ---- */

#define PYRT_LUT16_BYTES (2u * 513u)

/* exp_lut, recip_lut: 513 int16 entries each, 2-aligned, in CONST */
pyrt_status pyrt_check_softmax16(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t shift = pyrt_param(c, PYRT_P2_SOFTMAX_INPUT_SHIFT);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, y) != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, PYRT_P2_SOFTMAX_INPUT_MULTIPLIER) < 0 || shift < -31 || shift > 30)
    return PYRT_E_OP_PARAMS;
  if (!pyrt_const_ok(c, pyrt_param(c, PYRT_P2_SOFTMAX_EXP_LUT), PYRT_LUT16_BYTES, 2) ||
      !pyrt_const_ok(c, pyrt_param(c, PYRT_P2_SOFTMAX_RECIP_LUT), PYRT_LUT16_BYTES, 2))
    return PYRT_E_OP_PARAMS;
  {
    /* exp values are in [0, 1] (Q0.15, as TFLM generates them): the kernel's sum of a row then
     * stays in [0, 65535 x 32767] and its normalising shift is defined (fuzzer finding) */
    const int16_t *lut = (const int16_t *)(const void *)(c->cbase + (uint32_t)pyrt_param(
                                                             c, PYRT_P2_SOFTMAX_EXP_LUT));
    uint32_t i;
    for (i = 0; i < PYRT_LUT16_BYTES / 2u; ++i)
      if (lut[i] < 0) return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

/* rows of the last dimension of tensor t */
static void softmax_rows(const pyrt_model *m, int32_t t, int32_t *rows, int32_t *depth) {
  *depth = pyrt_tdim(m, t, pyrt_trank(m, t) - 1);
  *rows = (int32_t)(pyrt_telems(m, t) / (uint32_t)*depth);
}

void pyrt_eval_softmax16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0);
  pyrt_softmax16_desc d;
  softmax_rows(m, xi, &d.rows, &d.depth);
  d.input_multiplier = p[PYRT_P2_SOFTMAX_INPUT_MULTIPLIER];
  d.input_shift = p[PYRT_P2_SOFTMAX_INPUT_SHIFT];
  d.exp_lut = (const int16_t *)(const void *)(m->cbase + p[PYRT_P2_SOFTMAX_EXP_LUT]);
  d.recip_lut = (const int16_t *)(const void *)(m->cbase + p[PYRT_P2_SOFTMAX_RECIP_LUT]);
  pyrt_softmax_s16(&d, (const int16_t *)pyrt_tptr(m, xi),
                   (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}

/* ---- LOG_SOFTMAX int8 ---- */

pyrt_status pyrt_check_log_softmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t ls = pyrt_param(c, PYRT_P_LOG_SOFTMAX_INPUT_LEFT_SHIFT);
  const int32_t diff_min = pyrt_param(c, PYRT_P_LOG_SOFTMAX_DIFF_MIN);
  const int32_t rev_rs = pyrt_param(c, PYRT_P_LOG_SOFTMAX_REVERSE_SCALING_RIGHT_SHIFT);
  int32_t radius;
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, pyrt_trank(m, x) - 1) > PYRT_SOFTMAX_MAX_DEPTH) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, PYRT_P_LOG_SOFTMAX_INPUT_MULTIPLIER) < 0 || ls < 0 || ls > 31 ||
      diff_min > 0)
    return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, PYRT_P_LOG_SOFTMAX_REVERSE_SCALING_DIVISOR) < 0 || rev_rs < 0 || rev_rs > 31)
    return PYRT_E_OP_PARAMS;
  radius = (diff_min < -255) ? 255 : -diff_min;
  if (((int64_t)radius << ls) > (int64_t)INT32_MAX) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_log_softmax(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0);
  pyrt_log_softmax_desc d;
  softmax_rows(m, xi, &d.rows, &d.depth);
  d.input_multiplier = p[PYRT_P_LOG_SOFTMAX_INPUT_MULTIPLIER];
  d.input_left_shift = p[PYRT_P_LOG_SOFTMAX_INPUT_LEFT_SHIFT];
  d.reverse_scaling_divisor = p[PYRT_P_LOG_SOFTMAX_REVERSE_SCALING_DIVISOR];
  d.reverse_scaling_right_shift = p[PYRT_P_LOG_SOFTMAX_REVERSE_SCALING_RIGHT_SHIFT];
  d.diff_min = p[PYRT_P_LOG_SOFTMAX_DIFF_MIN];
  pyrt_log_softmax_s8(&d, (const int8_t *)pyrt_tptr(m, xi),
                      (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
