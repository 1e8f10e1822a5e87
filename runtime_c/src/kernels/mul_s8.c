/* Reference MUL of same-shape int8 tensors. */
#include "elementwise_arith.h"

#if PYRT_BUILD_REF(mul_s8)
void PYRT_K(mul_s8)(const pyrt_mul_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = (int8_t)pyrt_mul_elem(d, a[i], b[i]);
}
#endif
