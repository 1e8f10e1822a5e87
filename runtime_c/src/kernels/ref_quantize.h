/*
 * The reference QUANTIZE / DEQUANTIZE loops, written once for every input and output type and
 * specialised by the constant type arguments (PYRT_QT_*). Float arithmetic only at the model's
 * float interfaces, as TFLM's: q = round_half_away(x / scale) + zero_point in float32
 * (AffineQuantize); integer input: reference_ops::Requantize; y = scale * (q - zero_point),
 * exact before its one rounding to float32, as TFLM's double product cast to float.
 */
#ifndef PYRT_REF_QUANTIZE_H
#define PYRT_REF_QUANTIZE_H

#include "kernels.h"
#include "quant.h"

#define PYRT_QT_F32 0
#define PYRT_QT_S8 1
#define PYRT_QT_S16 2

/* std::round (half away from zero) of a float32, saturated to int32 (NaN -> 0). */
static inline int32_t pyrt_round_f32_to_i32(float q) {
  int32_t t;
  float frac;
  if (!(q == q)) return 0;
  if (q >= 2147483520.0f) return INT32_MAX; /* largest float32 below 2^31 */
  if (q <= -2147483648.0f) return INT32_MIN;
  t = (int32_t)q;      /* truncation; |q| < 2^31 */
  frac = q - (float)t; /* exact: the fractional bits of q */
  if (frac >= 0.5f) ++t;
  if (frac <= -0.5f) --t;
  return t;
}

static inline int32_t pyrt_qt_load(const void *x, int type, int32_t i) {
  return type == PYRT_QT_S16 ? (int32_t)((const int16_t *)x)[i] : (int32_t)((const int8_t *)x)[i];
}

static inline void pyrt_ref_quantize(const pyrt_quantize_desc *d, const void *x, void *y,
                                     int in_type, int out_type) {
  const int64_t lo = out_type == PYRT_QT_S16 ? -32768 : -128;
  const int64_t hi = out_type == PYRT_QT_S16 ? 32767 : 127;
  int32_t i;
  for (i = 0; i < d->n; ++i) {
    int64_t v;
    int32_t c;
    if (in_type == PYRT_QT_F32)
      v = (int64_t)pyrt_round_f32_to_i32(((const float *)x)[i] / d->scale);
    else
      v = pyrt_mbqm(pyrt_qt_load(x, in_type, i) - d->input_zero_point, d->mult, d->shift);
    v += d->output_zero_point;
    c = (int32_t)(v < lo ? lo : (v > hi ? hi : v));
    if (out_type == PYRT_QT_S16)
      ((int16_t *)y)[i] = (int16_t)c;
    else
      ((int8_t *)y)[i] = (int8_t)c;
  }
}

static inline void pyrt_ref_dequantize(const pyrt_quantize_desc *d, const void *x, float *y,
                                       int in_type) {
  int32_t i;
  for (i = 0; i < d->n; ++i)
    y[i] = d->scale * (float)(pyrt_qt_load(x, in_type, i) - d->input_zero_point);
}

#endif /* PYRT_REF_QUANTIZE_H */
