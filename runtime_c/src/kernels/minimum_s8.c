/* Reference MINIMUM int8, broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(minimum_s8)
void PYRT_K(minimum_s8)(const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,
                        int8_t *y) {
  pyrt_ref_broadcast(d, a, b, y, pyrt_min_elem, (const void *)0, 0, 0, 0);
}
#endif
