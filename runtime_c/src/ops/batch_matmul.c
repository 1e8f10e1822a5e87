/* BATCH_MATMUL int8 (TFLite reference_ops::BatchMatMul<int8_t, int32_t> as TFLM calls it,
 * kernel batch_matmul_s8): adj_x / adj_y transpose the last two dimensions of lhs / rhs, batch
 * dimensions (rank <= 5) broadcast; one per-tensor multiplier, no fused activation. */
#include "adapt.h"

/* dims of t right-aligned into 5 (leading 1s) */
static void dims5(const pyrt_model *m, int32_t t, int32_t d[5]) {
  const int r = pyrt_trank(m, t);
  int k;
  for (k = 0; k < 5; ++k) d[k] = (k < 5 - r) ? 1 : pyrt_tdim(m, t, k - (5 - r));
}

pyrt_status pyrt_check_batch_matmul(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int32_t adj_x = pyrt_param(c, PYRT_P_BATCH_MATMUL_ADJ_X);
  const int32_t adj_y = pyrt_param(c, PYRT_P_BATCH_MATMUL_ADJ_Y);
  const int32_t lhs_off = pyrt_param(c, PYRT_P_BATCH_MATMUL_LHS_OFFSET);
  const int32_t rhs_off = pyrt_param(c, PYRT_P_BATCH_MATMUL_RHS_OFFSET);
  const int32_t out_off = pyrt_param(c, PYRT_P_BATCH_MATMUL_OUTPUT_OFFSET);
  const int32_t shift = pyrt_param(c, PYRT_P_BATCH_MATMUL_SHIFT);
  int32_t da[5], db[5], dy[5];
  int ra, rb, k;

  if (pyrt_ttype(m, a) != PYRT_INT8 || pyrt_ttype(m, b) != PYRT_INT8 ||
      pyrt_ttype(m, y) != PYRT_INT8)
    return PYRT_E_OP_TYPE;
  ra = pyrt_trank(m, a);
  rb = pyrt_trank(m, b);
  if (ra < 2 || ra > 5 || rb < 2 || rb > 5 || pyrt_trank(m, y) != (ra > rb ? ra : rb))
    return PYRT_E_OP_SHAPE;
  if ((adj_x != 0 && adj_x != 1) || (adj_y != 0 && adj_y != 1)) return PYRT_E_OP_PARAMS;
  dims5(m, a, da);
  dims5(m, b, db);
  dims5(m, y, dy);
  for (k = 0; k < 5; ++k)
    if (da[k] < 1 || db[k] < 1) return PYRT_E_OP_SHAPE;
  for (k = 0; k < 3; ++k) {
    if (da[k] != db[k] && da[k] != 1 && db[k] != 1) return PYRT_E_OP_SHAPE;
    if (dy[k] != (da[k] > db[k] ? da[k] : db[k])) return PYRT_E_OP_SHAPE;
  }
  if ((adj_x ? da[3] : da[4]) != (adj_y ? db[4] : db[3])) return PYRT_E_OP_SHAPE;
  if (dy[3] != (adj_x ? da[4] : da[3]) || dy[4] != (adj_y ? db[3] : db[4])) return PYRT_E_OP_SHAPE;
  if (lhs_off < -127 || lhs_off > 128 || rhs_off < -127 || rhs_off > 128) return PYRT_E_OP_PARAMS;
  if (out_off < -128 || out_off > 127) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, PYRT_P_BATCH_MATMUL_MULTIPLIER) < 0 || shift < -31 || shift > 30)
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_batch_matmul(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  pyrt_batch_matmul_desc d;
  dims5(m, ai, d.lhs);
  dims5(m, bi, d.rhs);
  dims5(m, yi, d.out);
  d.lhs_offset = p[PYRT_P_BATCH_MATMUL_LHS_OFFSET];
  d.rhs_offset = p[PYRT_P_BATCH_MATMUL_RHS_OFFSET];
  d.output_offset = p[PYRT_P_BATCH_MATMUL_OUTPUT_OFFSET];
  d.mult = p[PYRT_P_BATCH_MATMUL_MULTIPLIER];
  d.shift = p[PYRT_P_BATCH_MATMUL_SHIFT];
  d.adj_x = p[PYRT_P_BATCH_MATMUL_ADJ_X];
  d.adj_y = p[PYRT_P_BATCH_MATMUL_ADJ_Y];
  pyrt_batch_matmul_s8(&d, (const int8_t *)pyrt_tptr(m, ai), (const int8_t *)pyrt_tptr(m, bi),
                       (int8_t *)pyrt_tptr(m, yi));
}
