/* Reference AVERAGE_POOL_2D int8. */
#include "ref_pool.h"

#if PYRT_BUILD_REF(avg_pool_s8)
void PYRT_K(avg_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_ref_pool(d, x, y, 0);
}
#endif
