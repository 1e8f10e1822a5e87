/* DEPTHWISE_CONV_2D adapter: int8 per-channel (layout 1) and int16 activations x int8 weights
 * with int64 accumulators (layout 2). At invoke: decode, then the 3x3 or the general kernel. */
#include "adapt.h"

static uint32_t dw_s8_scratch(const pyrt_conv_desc *d) {
  if (pyrt_dw_is_3x3(d)) return pyrt_dw_conv_3x3_s8_scratch_bytes(d);
  return pyrt_dw_conv_s8_scratch_bytes(d);
}

static void dw_decode(const pyrt_model *m, const pyrt_tidx *tidx, uint32_t n_in,
                      const int32_t *p, pyrt_conv_desc *d) {
  pyrt_conv_decode(m, tidx[0], tidx[1], tidx[n_in], p, d);
  d->depth_mult = p[PYRT_P_DEPTHWISE_CONV_2D_DEPTH_MULTIPLIER];
}

static pyrt_status check_depthwise(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cin, cout, dm;
  pyrt_conv_desc d;
  pyrt_status st;

  st = pyrt_check_layer_types(c, int16, PYRT_P2_DEPTHWISE_CONV_2D_WIDE_ACC,
                              PYRT_P2_DEPTHWISE_CONV_2D_INPUT_OFFSET,
                              PYRT_P2_DEPTHWISE_CONV_2D_OUTPUT_OFFSET,
                              PYRT_P2_DEPTHWISE_CONV_2D_ACT_MIN);
  if (st != PYRT_OK) return st;
  /* TFLM: int64 accumulators only */
  if (int16 && pyrt_param(c, PYRT_P2_DEPTHWISE_CONV_2D_WIDE_ACC) != 1) return PYRT_E_OP_PARAMS;

  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cin = pyrt_tdim(m, x, 3);
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != 1 ||
      pyrt_tdim(m, w, 3) != cout)
    return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  dm = pyrt_param(c, PYRT_P_DEPTHWISE_CONV_2D_DEPTH_MULTIPLIER);
  if (dm < 1 || dm > 65535) return PYRT_E_OP_PARAMS;
  if ((int64_t)cin * dm != (int64_t)cout) return PYRT_E_OP_SHAPE;
  st = pyrt_check_conv_window(c, x, w, y, cout, int16, 1);
  if (st != PYRT_OK || int16) return st;
  st = pyrt_check_kbias(c, pyrt_param(c, PYRT_P_DEPTHWISE_CONV_2D_KBIAS_OFF),
                        (const int8_t *)pyrt_tptr(m, w),
                        b >= 0 ? (const int32_t *)pyrt_tptr(m, b) : (const int32_t *)0,
                        pyrt_param(c, PYRT_P_DEPTHWISE_CONV_2D_INPUT_OFFSET), cout, 1,
                        pyrt_tdim(m, w, 1) * pyrt_tdim(m, w, 2), cout);
  if (st != PYRT_OK) return st;
  dw_decode(m, c->tidx, c->n_in, c->params, &d);
  return pyrt_check_scratch(c, dw_s8_scratch(&d));
}

pyrt_status pyrt_check_depthwise_conv(const pyrt_check_ctx *c) { return check_depthwise(c, 0); }
pyrt_status pyrt_check_depthwise_conv16(const pyrt_check_ctx *c) {
  return check_depthwise(c, 1);
}

void pyrt_eval_depthwise_conv(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xt = pyrt_op_tin(op, 0), yt = pyrt_op_tout(op, 0);
  pyrt_conv_desc d;
  dw_decode(m, op->tidx, op->n_in, p, &d);
  pyrt_conv_run_s8(pyrt_dw_is_3x3(&d) ? pyrt_dw_conv_3x3_s8 : pyrt_dw_conv_s8, &d,
                   (const int8_t *)pyrt_tptr(m, xt), pyrt_tbytes(m, xt),
                   (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)),
                   (const int32_t *)pyrt_op_in(m, op, 2),
                   pyrt_const_i32(m, p[PYRT_P_DEPTHWISE_CONV_2D_KBIAS_OFF]),
                   (int8_t *)pyrt_tptr(m, yt), pyrt_tbytes(m, yt), op->scratch);
}

void pyrt_eval_depthwise_conv16(const pyrt_model *m, const pyrt_op *op) {
  pyrt_conv_desc d;
  dw_decode(m, op->tidx, op->n_in, op->params, &d);
  d.wide = 1;
  pyrt_dw_conv_s16(&d, (const int16_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                   (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)), pyrt_op_in(m, op, 2),
                   (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
