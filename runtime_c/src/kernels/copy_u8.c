/* Reference byte copy with memmove semantics (RESHAPE, SQUEEZE, EXPAND_DIMS when not aliased:
 * the arena ranges may overlap). */
#include "kernels.h"

#if PYRT_BUILD_REF(copy_u8)
void PYRT_K(copy_u8)(const uint8_t *x, uint8_t *y, uint32_t n) {
  uint32_t i;
  if (y == x) return;
  if ((uintptr_t)y < (uintptr_t)x) {
    for (i = 0; i < n; ++i) y[i] = x[i];
  } else {
    for (i = n; i > 0; --i) y[i - 1] = x[i - 1];
  }
}
#endif
