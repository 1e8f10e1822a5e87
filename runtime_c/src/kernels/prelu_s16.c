/* Reference PRELU int16 (int8 alpha), broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(prelu_s16)
void PYRT_K(prelu_s16)(const pyrt_prelu_desc *p, const pyrt_broadcast_desc *d,
                       const int16_t *x, const int8_t *alpha, int16_t *y) {
  pyrt_ref_broadcast(d, x, alpha, y, pyrt_prelu_elem16, p, 1, 0, 1);
}
#endif
