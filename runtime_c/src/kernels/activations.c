/* int8 unary activations through a 256-entry lookup table computed offline with TFLM's
 * arithmetic (RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH): y[i] = lut[x[i] + 128]. */
#include "kernels.h"

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
  const int32_t xi = op->tidx[0], yi = op->tidx[op->n_in];
  const int8_t *x = (const int8_t *)pyrt_tptr(m, xi);
  int8_t *y = (int8_t *)pyrt_tptr(m, yi);
  const int8_t *lut = pyrt_const_i8(m, op->params[0]);
  const uint32_t n = pyrt_tbytes(m, yi);
  uint32_t i;
  for (i = 0; i < n; ++i) y[i] = lut[(int32_t)x[i] + 128];
}
