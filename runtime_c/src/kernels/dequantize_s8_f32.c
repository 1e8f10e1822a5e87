/* Reference DEQUANTIZE int8 -> float32. */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(dequantize_s8_f32)
void PYRT_K(dequantize_s8_f32)(const pyrt_quantize_desc *d, const int8_t *x, float *y) {
  pyrt_ref_dequantize(d, x, y, PYRT_QT_S8);
}
#endif
