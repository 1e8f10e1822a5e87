/* Reference QUANTIZE float32 -> int16. */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(quantize_f32_s16)
void PYRT_K(quantize_f32_s16)(const pyrt_quantize_desc *d, const float *x, int16_t *y) {
  pyrt_ref_quantize(d, x, y, PYRT_QT_F32, PYRT_QT_S16);
}
#endif
