/* Reference MEAN int8 over any set of up to 6 dimensions. */
#include "ref_reduce.h"

#if PYRT_BUILD_REF(mean_s8)
void PYRT_K(mean_s8)(const pyrt_mean_desc *d, const int8_t *x, int8_t *y) {
  pyrt_ref_mean(d, x, y, 0);
}
#endif
