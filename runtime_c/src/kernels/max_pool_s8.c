/* Reference MAX_POOL_2D int8. */
#include "ref_pool.h"

#if PYRT_BUILD_REF(max_pool_s8)
void PYRT_K(max_pool_s8)(const pyrt_pool_desc *d, const int8_t *x, int8_t *y) {
  pyrt_ref_pool(d, x, y, 1);
}
#endif
