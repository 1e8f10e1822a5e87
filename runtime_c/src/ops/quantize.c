/* QUANTIZE (float32 -> int8/int16: TFLite AffineQuantize; int8/int16 -> int8/int16:
 * reference_ops::Requantize) and DEQUANTIZE (int8/int16 -> float32). The only float
 * arithmetic of the engine is here, at the model's float interfaces, and matches TFLM's:
 * q = round_half_away(x / scale) + zero_point in float32; y = scale * (q - zero_point), which
 * is exact before the one rounding to float32, as TFLM's double product cast to float. */
#include "binary.h"
#include "../kernels/quant.h"

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

/* std::round (half away from zero) of a float32, saturated to int32 (NaN -> 0). */
static int32_t round_to_i32(float q) {
  int32_t t;
  float frac;
  if (!(q == q)) return 0;
  if (q >= 2147483520.0f) return INT32_MAX; /* largest float32 below 2^31 */
  if (q <= -2147483648.0f) return INT32_MIN;
  t = (int32_t)q;        /* truncation; |q| < 2^31 */
  frac = q - (float)t; /* exact: the fractional bits of q */
  if (frac >= 0.5f) ++t;
  if (frac <= -0.5f) --t;
  return t;
}

/* QUANTIZE params: 0 input_zero_point 1 output_zero_point 2 multiplier 3 shift
 *                  4 output scale (float32 bits; float input only) */
pyrt_status pyrt_check_quantize(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int tx = pyrt_ttype(m, x), ty = pyrt_ttype(m, y);
  if (!pyrt_is_small_int(m, y)) return PYRT_E_OP_TYPE;
  if (tx != PYRT_FLOAT32 && tx != PYRT_INT8 && tx != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (pyrt_telems(m, x) != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, 1) < pyrt_type_min(ty) || pyrt_param(c, 1) > pyrt_type_max(ty))
    return PYRT_E_OP_PARAMS;
  if (tx == PYRT_FLOAT32) {
    if (!scale_ok(pyrt_param(c, 4))) return PYRT_E_OP_PARAMS;
  } else {
    if (pyrt_param(c, 0) < pyrt_type_min(tx) || pyrt_param(c, 0) > pyrt_type_max(tx))
      return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, 2) < 0 || pyrt_param(c, 3) < -31 || pyrt_param(c, 3) > 30)
      return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

static void store(void *base, int type, uint32_t i, int64_t v) {
  const int64_t lo = pyrt_type_min(type), hi = pyrt_type_max(type);
  const int32_t c = (int32_t)(v < lo ? lo : (v > hi ? hi : v));
  if (type == PYRT_INT16)
    ((int16_t *)base)[i] = (int16_t)c;
  else
    ((int8_t *)base)[i] = (int8_t)c;
}

void pyrt_eval_quantize(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int tx = pyrt_ttype(m, xi), ty = pyrt_ttype(m, yi);
  const void *x = pyrt_tptr(m, xi);
  void *y = pyrt_tptr(m, yi);
  const uint32_t n = pyrt_telems(m, yi);
  uint32_t i;
  if (tx == PYRT_FLOAT32) {
    const float scale = bits_to_float(p[4]);
    const float *xf = (const float *)x;
    for (i = 0; i < n; ++i) store(y, ty, i, (int64_t)round_to_i32(xf[i] / scale) + p[1]);
  } else if (tx == PYRT_INT16) {
    const int16_t *xs = (const int16_t *)x;
    for (i = 0; i < n; ++i) store(y, ty, i, (int64_t)pyrt_mbqm(xs[i] - p[0], p[2], p[3]) + p[1]);
  } else {
    const int8_t *xs = (const int8_t *)x;
    for (i = 0; i < n; ++i) store(y, ty, i, (int64_t)pyrt_mbqm(xs[i] - p[0], p[2], p[3]) + p[1]);
  }
}

/* DEQUANTIZE params: 0 input_zero_point 1 input scale (float32 bits) */
pyrt_status pyrt_check_dequantize(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int tx = pyrt_ttype(m, x);
  if (!pyrt_is_small_int(m, x) || pyrt_ttype(m, y) != PYRT_FLOAT32) return PYRT_E_OP_TYPE;
  if (pyrt_telems(m, x) != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, 0) < pyrt_type_min(tx) || pyrt_param(c, 0) > pyrt_type_max(tx))
    return PYRT_E_OP_PARAMS;
  if (!scale_ok(pyrt_param(c, 1))) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_dequantize(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const float scale = bits_to_float(p[1]);
  float *y = (float *)pyrt_tptr(m, yi);
  const uint32_t n = pyrt_telems(m, yi);
  uint32_t i;
  if (pyrt_ttype(m, xi) == PYRT_INT16) {
    const int16_t *x = (const int16_t *)pyrt_tptr(m, xi);
    for (i = 0; i < n; ++i) y[i] = scale * (float)(x[i] - p[0]);
  } else {
    const int8_t *x = (const int8_t *)pyrt_tptr(m, xi);
    for (i = 0; i < n; ++i) y[i] = scale * (float)(x[i] - p[0]);
  }
}
