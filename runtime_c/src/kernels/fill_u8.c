/* Reference fill of n bytes with a repeated pattern of pattern_bytes (1 to 8) bytes (the pad
 * value of PAD / PADV2 before the moves). */
#include "kernels.h"

#if PYRT_BUILD_REF(fill_u8)
void PYRT_K(fill_u8)(uint8_t *y, uint32_t n, const uint8_t *pattern, uint32_t pattern_bytes) {
  uint32_t i;
  for (i = 0; i < n; ++i) y[i] = pattern[i % pattern_bytes];
}
#endif
