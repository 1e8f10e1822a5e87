/* Reference SQUARED_DIFFERENCE int16, broadcasting. */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(squared_difference_s16)
void PYRT_K(squared_difference_s16)(const pyrt_add_desc *p, const pyrt_broadcast_desc *d,
                                    const int16_t *a, const int16_t *b, int16_t *y) {
  pyrt_ref_broadcast(d, a, b, y, pyrt_sqdiff_elem, p, 1, 1, 1);
}
#endif
