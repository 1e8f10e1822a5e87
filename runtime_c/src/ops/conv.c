/* CONV_2D adapter: int8 per-channel (layout 1) and int16 activations x int8 weights (layout 2).
 * Checks the record once (pyrt_init); at invoke, decodes it into a pyrt_conv_desc and calls the
 * kernel of its path: 1x1, first layer (1-3 input channels) or general. */
#include "adapt.h"

/* The kernel path of an int8 convolution (pyruntime/kernels.py mirrors the choice). */
static uint32_t conv_s8_scratch(const pyrt_conv_desc *d) {
  if (pyrt_conv_is_1x1(d)) return pyrt_conv_1x1_s8_scratch_bytes(d);
  if (pyrt_conv_is_few_ch(d)) return pyrt_conv_few_ch_s8_scratch_bytes(d);
  return pyrt_conv_s8_scratch_bytes(d);
}

static pyrt_status check_conv(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cin, fid, cout;
  pyrt_conv_desc d;
  pyrt_status st;

  st = pyrt_check_layer_types(c, int16, PYRT_P2_CONV_2D_WIDE_ACC,
                              PYRT_P2_CONV_2D_INPUT_OFFSET,
                              PYRT_P2_CONV_2D_OUTPUT_OFFSET,
                              PYRT_P2_CONV_2D_ACT_MIN);
  if (st != PYRT_OK) return st;

  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cin = pyrt_tdim(m, x, 3);
  fid = pyrt_tdim(m, w, 3);
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != cout)
    return PYRT_E_OP_SHAPE;
  /* groups = cin / fid, each group of cout / groups filters sees fid input channels */
  if (cin % fid != 0 || cout % (cin / fid) != 0) return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  st = pyrt_check_conv_window(c, x, w, y, cout, int16,
                              int16 ? pyrt_param(c, PYRT_P2_CONV_2D_WIDE_ACC) : 0);
  if (st != PYRT_OK || int16) return st;
  st = pyrt_check_kbias(c, pyrt_param(c, PYRT_P_CONV_2D_KBIAS_OFF),
                        (const int8_t *)pyrt_tptr(m, w),
                        b >= 0 ? (const int32_t *)pyrt_tptr(m, b) : (const int32_t *)0,
                        pyrt_param(c, PYRT_P_CONV_2D_INPUT_OFFSET), cout,
                        pyrt_tdim(m, w, 1) * pyrt_tdim(m, w, 2) * fid,
                        pyrt_tdim(m, w, 1) * pyrt_tdim(m, w, 2) * fid, 1);
  if (st != PYRT_OK) return st;
  pyrt_conv_decode(m, x, w, y, c->params, &d);
  return pyrt_check_scratch(c, conv_s8_scratch(&d));
}

pyrt_status pyrt_check_conv(const pyrt_check_ctx *c) { return check_conv(c, 0); }
pyrt_status pyrt_check_conv16(const pyrt_check_ctx *c) { return check_conv(c, 1); }

void pyrt_eval_conv(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xt = pyrt_op_tin(op, 0), yt = pyrt_op_tout(op, 0);
  pyrt_conv_desc d;
  pyrt_conv_decode(m, xt, pyrt_op_tin(op, 1), yt, p, &d);
  /* the kernel path is the whole layer's, also when it runs in bands */
  pyrt_conv_run_s8(pyrt_conv_is_1x1(&d)      ? pyrt_conv_1x1_s8
                   : pyrt_conv_is_few_ch(&d) ? pyrt_conv_few_ch_s8
                                             : pyrt_conv_s8,
                   &d, (const int8_t *)pyrt_tptr(m, xt), pyrt_tbytes(m, xt),
                   (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)),
                   (const int32_t *)pyrt_op_in(m, op, 2),
                   pyrt_const_i32(m, p[PYRT_P_CONV_2D_KBIAS_OFF]), (int8_t *)pyrt_tptr(m, yt),
                   pyrt_tbytes(m, yt), op->scratch);
}

void pyrt_eval_conv16(const pyrt_model *m, const pyrt_op *op) {
  pyrt_conv_desc d;
  pyrt_conv_decode(m, pyrt_op_tin(op, 0), pyrt_op_tin(op, 1), pyrt_op_tout(op, 0), op->params,
                   &d);
  d.wide = op->params[PYRT_P2_CONV_2D_WIDE_ACC];
  pyrt_conv_s16(&d, (const int16_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)), pyrt_op_in(m, op, 2),
                (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
