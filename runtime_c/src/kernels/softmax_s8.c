/* Reference SOFTMAX int8 -> int8 (output scale 1/256, zero point -128). */
#include "softmax_arith.h"

#if PYRT_BUILD_REF(softmax_s8)
void PYRT_K(softmax_s8)(const pyrt_softmax_desc *d, const int8_t *x, int8_t *y) {
  int32_t r;
  for (r = 0; r < d->rows; ++r) pyrt_softmax_row(d, x + r * d->depth, y + r * d->depth, 8);
}
#endif
