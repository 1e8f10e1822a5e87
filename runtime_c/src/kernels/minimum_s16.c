/* Reference MINIMUM int16, broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(minimum_s16)
void PYRT_K(minimum_s16)(const pyrt_broadcast_desc *d, const int16_t *a, const int16_t *b,
                         int16_t *y) {
  pyrt_ref_broadcast(d, a, b, y, pyrt_min_elem, (const void *)0, 1, 1, 1);
}
#endif
