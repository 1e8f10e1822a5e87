/* Reference ADD of same-shape int8 tensors. */
#include "elementwise_arith.h"

#if PYRT_BUILD_REF(add_s8)
void PYRT_K(add_s8)(const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n, void *scratch) {
  int32_t i;
  (void)scratch;
  for (i = 0; i < n; ++i) y[i] = (int8_t)pyrt_add_elem(d, a[i], b[i], 0);
}

uint32_t PYRT_K(add_s8_scratch_bytes)(const pyrt_add_desc *d, int32_t n) {
  (void)d;
  (void)n;
  return 0u;
}
#endif
