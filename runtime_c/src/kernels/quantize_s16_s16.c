/* Reference QUANTIZE int16 -> int16 (requantization). */
#include "ref_quantize.h"

#if PYRT_BUILD_REF(quantize_s16_s16)
void PYRT_K(quantize_s16_s16)(const pyrt_quantize_desc *d, const int16_t *x, int16_t *y) {
  pyrt_ref_quantize(d, x, y, PYRT_QT_S16, PYRT_QT_S16);
}
#endif
