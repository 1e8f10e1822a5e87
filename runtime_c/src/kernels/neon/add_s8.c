/* neon ADD of same-shape int8 tensors (elementwise.h). No scratch. */
#include "elementwise.h"

#if PYRT_USE_NEON(add_s8)
void PYRT_K(add_s8)(const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                    int32_t n, void *scratch) {
  (void)scratch;
  pyrt_neon_add_sub(d, a, b, y, n, 0);
}

uint32_t PYRT_K(add_s8_scratch_bytes)(const pyrt_add_desc *d, int32_t n) {
  (void)d;
  (void)n;
  return 0u;
}
#endif
