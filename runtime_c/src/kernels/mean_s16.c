/* Reference MEAN int16 over any set of up to 6 dimensions. */
#include "ref_reduce.h"

#if PYRT_BUILD_REF(mean_s16)
void PYRT_K(mean_s16)(const pyrt_mean_desc *d, const int16_t *x, int16_t *y) {
  pyrt_ref_mean(d, x, y, 1);
}
#endif
