/* int8 unary activations through a 256-entry lookup table computed offline with TFLM's
 * arithmetic (RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH): y[i] = lut[x[i] + 128]. */
#include "adapt.h"

/* params: 0 lut_offset (CONST-relative, 256 int8 entries, entry k for input k - 128) */
pyrt_status pyrt_check_lut8(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t off = pyrt_param(c, 0);
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (!pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (off < 0 || (uint32_t)off > c->clen || c->clen - (uint32_t)off < 256u) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_lut8(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int8_t *x = (const int8_t *)pyrt_tptr(m, xi);
  int8_t *y = (int8_t *)pyrt_tptr(m, yi);
  const int8_t *lut = pyrt_const_i8(m, op->params[0]);
  const uint32_t n = pyrt_tbytes(m, yi);
  uint32_t i;
  for (i = 0; i < n; ++i) y[i] = lut[(int32_t)x[i] + 128];
}

/* ---- int16 LOGISTIC / TANH (TFLite reference_integer_ops, layout 2) ----
 * params: 0 input_multiplier  1 input_shift (right, rounding)  2 table offset (256 uint16
 * sigmoid(i / 24) in Q0.16). */
pyrt_status pyrt_check_sig16(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t off = pyrt_param(c, 2);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, y) != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (!pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, 0) < 0 || pyrt_param(c, 0) > 32767 || pyrt_param(c, 1) < 0 ||
      pyrt_param(c, 1) > 31)
    return PYRT_E_OP_PARAMS;
  if (off < 0 || (off & 1) != 0 || (uint32_t)off > c->clen || c->clen - (uint32_t)off < 512u)
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

/* x * multiplier, rounding right shift, as TFLite (the product fits 31 bits) */
static int32_t sig16_input(int16_t x, int32_t mult, int shift) {
  const int64_t round = shift > 0 ? ((int64_t)1 << (shift - 1)) : 0;
  return (int32_t)(((int64_t)x * mult + round) >> shift);
}

/* The 256-entry uint16 sigmoid table, linearly interpolated at |v| in steps of 2^frac; `sat`
 * past its end. Shared by int16 LOGISTIC (frac 9) and TANH (frac 8), as in TFLite. */
static uint32_t sigmoid_interp(const uint16_t *t, uint32_t a, int frac, uint32_t sat) {
  const uint32_t uh = a >> frac;
  if (uh >= 255u) return sat;
  return ((uint32_t)t[uh] << frac) + (a & ((1u << frac) - 1u)) * ((uint32_t)t[uh + 1] - t[uh]);
}

void pyrt_eval_logistic16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int16_t *x = (const int16_t *)pyrt_tptr(m, xi);
  int16_t *y = (int16_t *)pyrt_tptr(m, yi);
  const uint16_t *t = (const uint16_t *)(const void *)(m->cbase + op->params[2]);
  const int32_t mult = op->params[0];
  const int shift = op->params[1];
  const uint32_t n = pyrt_telems(m, yi);
  uint32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t v = sig16_input(x[i], mult, shift);
    uint32_t r = sigmoid_interp(t, (uint32_t)(v < 0 ? -v : v), 9, 0x7FFFu << 10);
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    y[i] = (int16_t)(r >> 10); /* in [0, 32767] */
  }
}

void pyrt_eval_tanh16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int16_t *x = (const int16_t *)pyrt_tptr(m, xi);
  int16_t *y = (int16_t *)pyrt_tptr(m, yi);
  const uint16_t *t = (const uint16_t *)(const void *)(m->cbase + op->params[2]);
  const int32_t mult = op->params[0];
  const int shift = op->params[1];
  const uint32_t n = pyrt_telems(m, yi);
  uint32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t v = sig16_input(x[i], mult, shift);
    int32_t r = (int32_t)sigmoid_interp(t, (uint32_t)(v < 0 ? -v : v), 8, 0xFFFFu << 8);
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    y[i] = (int16_t)(r >> 8); /* in [-32767, 32767] */
  }
}
