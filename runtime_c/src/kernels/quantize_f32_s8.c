/* Reference QUANTIZE float32 -> int8. */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(quantize_f32_s8)
void PYRT_K(quantize_f32_s8)(const pyrt_quantize_desc *d, const float *x, int8_t *y) {
  pyrt_ref_quantize(d, x, y, PYRT_QT_F32, PYRT_QT_S8);
}
#endif
