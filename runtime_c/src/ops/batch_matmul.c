/* BATCH_MATMUL, int8 (TFLite reference_ops::BatchMatMul<int8_t, int32_t> as TFLM calls it):
 * out[..., m, n] = requant(sum_k (lhs[..., m, k] - lhs_zp) * (rhs[..., k, n] - rhs_zp)), with
 * adj_x / adj_y transposing the last two dimensions of lhs / rhs and the batch dimensions
 * (rank <= 5) broadcast. One per-tensor multiplier, no fused activation. */
#include "adapt.h"
#include "../kernels/quant.h"

/* params: 0 lhs_offset (-lhs zp)  1 rhs_offset (-rhs zp)  2 output_offset  3 multiplier
 *         4 shift  5 adj_x  6 adj_y */

/* dims of t right-aligned into 5 (leading 1s) */
static void dims5(const pyrt_model *m, int32_t t, int32_t d[5]) {
  const int r = pyrt_trank(m, t);
  int k;
  for (k = 0; k < 5; ++k) d[k] = (k < 5 - r) ? 1 : pyrt_tdim(m, t, k - (5 - r));
}

pyrt_status pyrt_check_batch_matmul(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int32_t adj_x = pyrt_param(c, 5), adj_y = pyrt_param(c, 6);
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
  if (pyrt_param(c, 0) < -127 || pyrt_param(c, 0) > 128) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 1) < -127 || pyrt_param(c, 1) > 128) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 2) < -128 || pyrt_param(c, 2) > 127) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 3) < 0 || pyrt_param(c, 4) < -31 || pyrt_param(c, 4) > 30)
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_batch_matmul(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const int8_t *lhs = (const int8_t *)pyrt_tptr(m, ai);
  const int8_t *rhs = (const int8_t *)pyrt_tptr(m, bi);
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int32_t lhs_offset = p[0], rhs_offset = p[1], output_offset = p[2];
  const int32_t mult = p[3];
  const int shift = p[4], adj_x = p[5], adj_y = p[6];
  int32_t da[5], db[5], dy[5];
  int b0, b1, b2, i, j, k, rows, cols, depth;
  int32_t a_mat, b_mat, y_mat;

  dims5(m, ai, da);
  dims5(m, bi, db);
  dims5(m, yi, dy);
  rows = dy[3];
  cols = dy[4];
  depth = adj_x ? da[3] : da[4];
  a_mat = da[3] * da[4];
  b_mat = db[3] * db[4];
  y_mat = rows * cols;
  for (b0 = 0; b0 < dy[0]; ++b0) {
    for (b1 = 0; b1 < dy[1]; ++b1) {
      for (b2 = 0; b2 < dy[2]; ++b2) {
        const int8_t *ap = lhs + (((da[0] > 1 ? b0 : 0) * da[1] + (da[1] > 1 ? b1 : 0)) * da[2] +
                                  (da[2] > 1 ? b2 : 0)) * a_mat;
        const int8_t *bp = rhs + (((db[0] > 1 ? b0 : 0) * db[1] + (db[1] > 1 ? b1 : 0)) * db[2] +
                                  (db[2] > 1 ? b2 : 0)) * b_mat;
        int8_t *yp = out + ((b0 * dy[1] + b1) * dy[2] + b2) * y_mat;
        for (i = 0; i < rows; ++i) {
          for (j = 0; j < cols; ++j) {
            uint32_t acc = 0;
            int32_t r;
            for (k = 0; k < depth; ++k) {
              const int32_t av = ap[adj_x ? k * rows + i : i * depth + k];
              const int32_t bv = bp[adj_y ? j * depth + k : k * cols + j];
              acc += (uint32_t)((av + lhs_offset) * (bv + rhs_offset));
            }
            r = pyrt_mbqm(pyrt_wrap32(acc), mult, shift);
            yp[i * cols + j] = (int8_t)pyrt_clamp(pyrt_add_wrap(r, output_offset), -128, 127);
          }
        }
      }
    }
  }
}
