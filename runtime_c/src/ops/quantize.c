/* QUANTIZE (float32 -> int8/int16: TFLite AffineQuantize; int8/int16 -> int8/int16:
 * reference_ops::Requantize) and DEQUANTIZE (int8/int16 -> float32), kernels quantize_<in>_<out>
 * and dequantize_<in>_f32 (kernels/ref_quantize.h: the engine's only float arithmetic, at the
 * model's float interfaces). */
#include "binary.h"

static float bits_to_float(int32_t bits) {
  union {
    uint32_t u;
    float f;
  } v;
  v.u = (uint32_t)bits;
  return v.f;
}

/* A positive, finite, normal float32 scale, checked on its bit pattern. */
static int scale_ok(int32_t bits) {
  const uint32_t u = (uint32_t)bits;
  const uint32_t exponent = (u >> 23) & 0xFFu;
  return (u & 0x80000000UL) == 0u && exponent != 0u && exponent != 0xFFu;
}

/* output_scale is read for a float input only; input_zero_point, mult, shift otherwise */
pyrt_status pyrt_check_quantize(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int tx = pyrt_ttype(m, x), ty = pyrt_ttype(m, y);
  if (!pyrt_is_small_int(m, y)) return PYRT_E_OP_TYPE;
  if (tx != PYRT_FLOAT32 && tx != PYRT_INT8 && tx != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (pyrt_telems(m, x) != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if (!pyrt_type_holds(ty, pyrt_param(c, PYRT_P_QUANTIZE_OUTPUT_ZERO_POINT)))
    return PYRT_E_OP_PARAMS;
  if (tx == PYRT_FLOAT32) {
    if (!scale_ok(pyrt_param(c, PYRT_P_QUANTIZE_OUTPUT_SCALE))) return PYRT_E_OP_PARAMS;
  } else {
    const int32_t shift = pyrt_param(c, PYRT_P_QUANTIZE_SHIFT);
    if (!pyrt_type_holds(tx, pyrt_param(c, PYRT_P_QUANTIZE_INPUT_ZERO_POINT)))
      return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, PYRT_P_QUANTIZE_MULT) < 0 || shift < -31 || shift > 30)
      return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

void pyrt_eval_quantize(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int tx = pyrt_ttype(m, xi), y16 = pyrt_ttype(m, yi) == PYRT_INT16;
  const void *x = pyrt_tptr(m, xi);
  void *y = pyrt_tptr(m, yi);
  pyrt_quantize_desc d;
  d.n = (int32_t)pyrt_telems(m, yi);
  d.input_zero_point = p[PYRT_P_QUANTIZE_INPUT_ZERO_POINT];
  d.output_zero_point = p[PYRT_P_QUANTIZE_OUTPUT_ZERO_POINT];
  d.mult = p[PYRT_P_QUANTIZE_MULT];
  d.shift = p[PYRT_P_QUANTIZE_SHIFT];
  d.scale = 0.0f;
  if (tx == PYRT_FLOAT32) {
    d.scale = bits_to_float(p[PYRT_P_QUANTIZE_OUTPUT_SCALE]);
    if (y16)
      pyrt_quantize_f32_s16(&d, (const float *)x, (int16_t *)y);
    else
      pyrt_quantize_f32_s8(&d, (const float *)x, (int8_t *)y);
  } else if (tx == PYRT_INT16) {
    if (y16)
      pyrt_quantize_s16_s16(&d, (const int16_t *)x, (int16_t *)y);
    else
      pyrt_quantize_s16_s8(&d, (const int16_t *)x, (int8_t *)y);
  } else {
    if (y16)
      pyrt_quantize_s8_s16(&d, (const int8_t *)x, (int16_t *)y);
    else
      pyrt_quantize_s8_s8(&d, (const int8_t *)x, (int8_t *)y);
  }
}

pyrt_status pyrt_check_dequantize(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  if (!pyrt_is_small_int(m, x) || pyrt_ttype(m, y) != PYRT_FLOAT32) return PYRT_E_OP_TYPE;
  if (pyrt_telems(m, x) != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if (!pyrt_type_holds(pyrt_ttype(m, x), pyrt_param(c, PYRT_P_DEQUANTIZE_INPUT_ZERO_POINT)))
    return PYRT_E_OP_PARAMS;
  if (!scale_ok(pyrt_param(c, PYRT_P_DEQUANTIZE_INPUT_SCALE))) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_dequantize(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const void *x = pyrt_tptr(m, xi);
  float *y = (float *)pyrt_tptr(m, yi);
  pyrt_quantize_desc d;
  d.n = (int32_t)pyrt_telems(m, yi);
  d.input_zero_point = op->params[PYRT_P_DEQUANTIZE_INPUT_ZERO_POINT];
  d.output_zero_point = 0;
  d.mult = 0;
  d.shift = 0;
  d.scale = bits_to_float(op->params[PYRT_P_DEQUANTIZE_INPUT_SCALE]);
  if (pyrt_ttype(m, xi) == PYRT_INT16)
    pyrt_dequantize_s16_f32(&d, (const int16_t *)x, y);
  else
    pyrt_dequantize_s8_f32(&d, (const int8_t *)x, y);
}
