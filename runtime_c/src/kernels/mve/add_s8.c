/* mve ADD of same-shape int8 tensors (elementwise.h). */
#include "elementwise.h"

#if PYRT_USE_MVE(add_s8)
void PYRT_K(add_s8)(const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n, void *scratch) {
  pyrt_mve_add_sub(d, a, b, y, n, 0, scratch);
}

uint32_t PYRT_K(add_s8_scratch_bytes)(const pyrt_add_desc *d, int32_t n) {
  (void)d;
  return pyrt_dsp_add_scratch(n);
}
#endif
