/* mve SOFTMAX int8 -> int8: each row's maximum sixteen values at a time (VMAXV, the last 1-15
 * by a predicated load and a predicated VMAXV), then TFLite's gemmlowp fixed-point
 * exponentials and reciprocal as the reference (softmax_arith.h). */
#include "../softmax_arith.h"
#include "mve.h"

#if PYRT_USE_MVE(softmax_s8)
static int32_t row_max(const int8_t *row, int32_t depth) {
  int8_t m = -128;
  int32_t c;
  for (c = 0; c < depth; c += 16) {
    const mve_pred16_t p = vctp8q((uint32_t)(depth - c));
    m = vmaxvq_p_s8(m, vldrbq_z_s8(row + c, p), p);
  }
  return m;
}

void PYRT_K(softmax_s8)(const pyrt_softmax_desc *d, const int8_t *x, int8_t *y) {
  pyrt_softmax_rows_s8(d, x, y, row_max);
}
#endif
