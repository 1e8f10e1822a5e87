/* Reference TANH int16 -> int16 (the sigmoid table, tanh(x) = 2 sigmoid(2x) - 1). */
#include "ref_sig16.h"

#if PYRT_BUILD_REF(tanh_s16)
void PYRT_K(tanh_s16)(const pyrt_sig16_desc *d, const int16_t *x, int16_t *y) {
  pyrt_ref_sig16(d, x, y, 1);
}
#endif
