/* Unary activations: int8 RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH through a
 * 256-entry lookup table computed offline with TFLM's arithmetic (layout 1, kernel lut_s8), and
 * int16 LOGISTIC / TANH on the interpolated sigmoid table (layout 2, logistic_s16 / tanh_s16).
 * Every layout-1 operator shares RELU's words, every layout 2 LOGISTIC's (pyruntime.codegen
 * checks that operators sharing a check function share its words). */
#include "adapt.h"

/* lut_offset: 256 int8 entries in CONST, entry k for input k - 128 */
pyrt_status pyrt_check_lut8(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (!pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (!pyrt_const_ok(c, pyrt_param(c, PYRT_P_RELU_LUT_OFFSET), 256u, 1)) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_lut8(const pyrt_model *m, const pyrt_op *op) {
  const int32_t yi = pyrt_op_tout(op, 0);
  pyrt_lut_s8(pyrt_const_i8(m, op->params[PYRT_P_RELU_LUT_OFFSET]),
              (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)), (int8_t *)pyrt_tptr(m, yi),
              (int32_t)pyrt_tbytes(m, yi));
}

/* int16: input_multiplier in [0, 32767], input_shift (right, rounding) in [0, 31],
 * table_offset: 256 uint16 sigmoid(i / 24) in Q0.16, 2-aligned */
pyrt_status pyrt_check_sig16(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t mult = pyrt_param(c, PYRT_P2_LOGISTIC_INPUT_MULTIPLIER);
  const int32_t shift = pyrt_param(c, PYRT_P2_LOGISTIC_INPUT_SHIFT);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, y) != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (!pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (mult < 0 || mult > 32767 || shift < 0 || shift > 31) return PYRT_E_OP_PARAMS;
  if (!pyrt_const_ok(c, pyrt_param(c, PYRT_P2_LOGISTIC_TABLE_OFFSET), 512u, 2))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static void sig16_decode(const pyrt_model *m, const pyrt_op *op, pyrt_sig16_desc *d) {
  const int32_t *p = op->params;
  d->n = (int32_t)pyrt_telems(m, pyrt_op_tout(op, 0));
  d->input_multiplier = p[PYRT_P2_LOGISTIC_INPUT_MULTIPLIER];
  d->input_shift = p[PYRT_P2_LOGISTIC_INPUT_SHIFT];
  d->table = (const uint16_t *)(const void *)(m->cbase + p[PYRT_P2_LOGISTIC_TABLE_OFFSET]);
}

void pyrt_eval_logistic16(const pyrt_model *m, const pyrt_op *op) {
  pyrt_sig16_desc d;
  sig16_decode(m, op, &d);
  pyrt_logistic_s16(&d, (const int16_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                    (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}

void pyrt_eval_tanh16(const pyrt_model *m, const pyrt_op *op) {
  pyrt_sig16_desc d;
  sig16_decode(m, op, &d);
  pyrt_tanh_s16(&d, (const int16_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
