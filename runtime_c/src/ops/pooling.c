/* AVERAGE_POOL_2D and MAX_POOL_2D adapter, int8 (TFLite reference_integer_ops::AveragePool /
 * MaxPool arithmetic, in the kernels). Both operators share one parameter layout. */
#include "adapt.h"

#if PYRT_P_MAX_POOL_2D_ACT_MAX != PYRT_P_AVERAGE_POOL_2D_ACT_MAX || \
    PYRT_P_MAX_POOL_2D_STRIDE_H != PYRT_P_AVERAGE_POOL_2D_STRIDE_H
#error "AVERAGE_POOL_2D and MAX_POOL_2D layouts differ"
#endif

pyrt_status pyrt_check_pool(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  int32_t fh, fw;
  pyrt_status st;

  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, y) != 4) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, x, 3) != pyrt_tdim(m, y, 3))
    return PYRT_E_OP_SHAPE;

  fh = pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_FILTER_H);
  fw = pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_FILTER_W);
  /* filter_h * filter_w * 128 must fit the int32 sum: keep each below 2^12 */
  if (fh < 1 || fw < 1 || fh > 4096 || fw > 4096) return PYRT_E_OP_PARAMS;
  if (!pyrt_act_ok(pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_ACT_MIN), pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_ACT_MAX))) return PYRT_E_OP_PARAMS;
  st = pyrt_check_window(pyrt_tdim(m, x, 1), fh, pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_STRIDE_H), 1, pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_H),
                         pyrt_tdim(m, y, 1));
  if (st != PYRT_OK) return st;
  st = pyrt_check_window(pyrt_tdim(m, x, 2), fw, pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_STRIDE_W), 1, pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_W),
                         pyrt_tdim(m, y, 2));
  if (st != PYRT_OK) return st;
  /* TFLite fails on an empty window (average of nothing): the first and last windows must
   * overlap the input (implied by the geometry check above, verified anyway). */
  if (pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_H) >= fh || pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_W) >= fw) return PYRT_E_OP_PARAMS;
  if ((int64_t)(pyrt_tdim(m, y, 1) - 1) * pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_STRIDE_H) - pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_H) >= pyrt_tdim(m, x, 1) ||
      (int64_t)(pyrt_tdim(m, y, 2) - 1) * pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_STRIDE_W) - pyrt_param(c, PYRT_P_AVERAGE_POOL_2D_PAD_W) >= pyrt_tdim(m, x, 2))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static void pool_decode(const pyrt_model *m, const pyrt_op *op, pyrt_pool_desc *d) {
  const int32_t *p = op->params;
  d->in = pyrt_dims4(m, pyrt_op_tin(op, 0));
  d->out = pyrt_dims4(m, pyrt_op_tout(op, 0));
  d->stride_h = p[PYRT_P_AVERAGE_POOL_2D_STRIDE_H];
  d->stride_w = p[PYRT_P_AVERAGE_POOL_2D_STRIDE_W];
  d->f_h = p[PYRT_P_AVERAGE_POOL_2D_FILTER_H];
  d->f_w = p[PYRT_P_AVERAGE_POOL_2D_FILTER_W];
  d->pad_h = p[PYRT_P_AVERAGE_POOL_2D_PAD_H];
  d->pad_w = p[PYRT_P_AVERAGE_POOL_2D_PAD_W];
  d->act_min = p[PYRT_P_AVERAGE_POOL_2D_ACT_MIN];
  d->act_max = p[PYRT_P_AVERAGE_POOL_2D_ACT_MAX];
}

void pyrt_eval_average_pool(const pyrt_model *m, const pyrt_op *op) {
  pyrt_pool_desc d;
  pool_decode(m, op, &d);
  pyrt_avg_pool_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                   (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}

void pyrt_eval_max_pool(const pyrt_model *m, const pyrt_op *op) {
  pyrt_pool_desc d;
  pool_decode(m, op, &d);
  pyrt_max_pool_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                   (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
