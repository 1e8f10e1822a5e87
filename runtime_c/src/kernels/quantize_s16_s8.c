/* Reference QUANTIZE int16 -> int8 (requantization). */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(quantize_s16_s8)
void PYRT_K(quantize_s16_s8)(const pyrt_quantize_desc *d, const int16_t *x, int8_t *y) {
  pyrt_ref_quantize(d, x, y, PYRT_QT_S16, PYRT_QT_S8);
}
#endif
