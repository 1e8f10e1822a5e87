/* Reference PRELU int8 (int8 alpha), broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(prelu_s8)
void PYRT_K(prelu_s8)(const pyrt_prelu_desc *p, const pyrt_broadcast_desc *d, const int8_t *x,
                      const int8_t *alpha, int8_t *y) {
  pyrt_ref_broadcast(d, x, alpha, y, pyrt_prelu_elem8, p, 0, 0, 0);
}
#endif
