/* Reference MAXIMUM int8, broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(maximum_s8)
void PYRT_K(maximum_s8)(const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,
                        int8_t *y) {
  pyrt_ref_broadcast(d, a, b, y, pyrt_max_elem, (const void *)0, 0, 0, 0);
}
#endif
