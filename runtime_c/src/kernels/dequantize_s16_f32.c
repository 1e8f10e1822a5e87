/* Reference DEQUANTIZE int16 -> float32. */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(dequantize_s16_f32)
void PYRT_K(dequantize_s16_f32)(const pyrt_quantize_desc *d, const int16_t *x, float *y) {
  pyrt_ref_dequantize(d, x, y, PYRT_QT_S16);
}
#endif
