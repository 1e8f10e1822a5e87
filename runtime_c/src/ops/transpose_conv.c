/* TRANSPOSE_CONV (TFLite reference_integer_ops::TransposeConv arithmetic, kernels
 * transpose_conv_s8 / transpose_conv_s16): int8 x int8 with int32 accumulators and an optional
 * int32 bias, or int16 x int8 with int64 accumulators and an optional int64 bias. */
#include "adapt.h"

#define PYRT_TC_MAX_PAD (1L << 24)

pyrt_status pyrt_check_transpose_conv(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  const int int16 = pyrt_ttype(m, x) == PYRT_INT16;
  const int32_t lo = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_ACT_MIN);
  const int32_t hi = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_ACT_MAX);
  const int32_t in_off = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_INPUT_OFFSET);
  const int32_t out_off = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_OUTPUT_OFFSET);
  const int32_t shift_off = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_SHIFT_OFF);
  const int32_t stride_h = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_STRIDE_H);
  const int32_t stride_w = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_STRIDE_W);
  const int32_t pad_h = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_PAD_H);
  const int32_t pad_w = pyrt_param(c, PYRT_P_TRANSPOSE_CONV_PAD_W);
  int32_t cout;
  int k;
  pyrt_status st;

  if (pyrt_ttype(m, x) != (int16 ? PYRT_INT16 : PYRT_INT8) || pyrt_ttype(m, w) != PYRT_INT8 ||
      pyrt_ttype(m, y) != pyrt_ttype(m, x) ||
      (b >= 0 && pyrt_ttype(m, b) != (int16 ? PYRT_INT64 : PYRT_INT32)))
    return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != cout ||
      pyrt_tdim(m, w, 3) != pyrt_tdim(m, x, 3))
    return PYRT_E_OP_SHAPE;
  for (k = 0; k < 4; ++k)
    if (pyrt_tdim(m, x, k) < 1 || pyrt_tdim(m, w, k) < 1 || pyrt_tdim(m, y, k) < 1)
      return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;
  if (stride_h < 1 || stride_h > 65535 || stride_w < 1 || stride_w > 65535)
    return PYRT_E_OP_PARAMS;
  if (pad_h < 0 || pad_h > PYRT_TC_MAX_PAD || pad_w < 0 || pad_w > PYRT_TC_MAX_PAD)
    return PYRT_E_OP_PARAMS;
  if (int16) {
    if (in_off != 0 || out_off != 0) return PYRT_E_OP_PARAMS;
    if (lo < -32768 || lo > hi || hi > 32767) return PYRT_E_OP_PARAMS;
  } else {
    if (in_off < -127 || in_off > 128 || out_off < -128 || out_off > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(lo, hi)) return PYRT_E_OP_PARAMS;
  }
  st = pyrt_check_requant(c, pyrt_param(c, PYRT_P_TRANSPOSE_CONV_MULT_OFF), shift_off,
                          (uint32_t)cout);
  if (st != PYRT_OK) return st;
  return pyrt_check_wide_shifts(c, int16, shift_off, (uint32_t)cout);
}

void pyrt_eval_transpose_conv(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), wi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const int8_t *w = (const int8_t *)pyrt_tptr(m, wi);
  pyrt_conv_desc d;
  d.in = pyrt_dims4(m, xi);
  d.filt = pyrt_dims4(m, wi);
  d.out = pyrt_dims4(m, yi);
  d.stride_h = p[PYRT_P_TRANSPOSE_CONV_STRIDE_H];
  d.stride_w = p[PYRT_P_TRANSPOSE_CONV_STRIDE_W];
  d.dil_h = 1;
  d.dil_w = 1;
  d.pad_h = p[PYRT_P_TRANSPOSE_CONV_PAD_H];
  d.pad_w = p[PYRT_P_TRANSPOSE_CONV_PAD_W];
  d.input_offset = p[PYRT_P_TRANSPOSE_CONV_INPUT_OFFSET];
  d.output_offset = p[PYRT_P_TRANSPOSE_CONV_OUTPUT_OFFSET];
  d.act_min = p[PYRT_P_TRANSPOSE_CONV_ACT_MIN];
  d.act_max = p[PYRT_P_TRANSPOSE_CONV_ACT_MAX];
  d.depth_mult = 1;
  d.q = pyrt_quant_at(m, p[PYRT_P_TRANSPOSE_CONV_MULT_OFF], p[PYRT_P_TRANSPOSE_CONV_SHIFT_OFF]);
  if (pyrt_ttype(m, xi) == PYRT_INT16) {
    d.wide = 1;
    pyrt_transpose_conv_s16(&d, (const int16_t *)pyrt_tptr(m, xi), w,
                            (const int64_t *)pyrt_op_in(m, op, 2), (int16_t *)pyrt_tptr(m, yi));
  } else {
    d.wide = 0;
    pyrt_transpose_conv_s8(&d, (const int8_t *)pyrt_tptr(m, xi), w,
                           (const int32_t *)pyrt_op_in(m, op, 2), (int8_t *)pyrt_tptr(m, yi));
  }
}
