/* Reference LOGISTIC int16 -> int16 (interpolated sigmoid table). */
#include "ref_sig16.h"

#if PYRT_BUILD_REF(logistic_s16)
void PYRT_K(logistic_s16)(const pyrt_sig16_desc *d, const int16_t *x, int16_t *y) {
  pyrt_ref_sig16(d, x, y, 0);
}
#endif
