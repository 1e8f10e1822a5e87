/* Reference SQUARED_DIFFERENCE int8, broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(squared_difference_s8)
void PYRT_K(squared_difference_s8)(const pyrt_add_desc *p, const pyrt_broadcast_desc *d,
                                   const int8_t *a, const int8_t *b, int8_t *y) {
  pyrt_ref_broadcast(d, a, b, y, pyrt_sqdiff_elem, p, 0, 0, 0);
}
#endif
