/* Reference int8 table lookup (RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH int8, their
 * 256-entry tables computed offline): y[i] = table[x[i] + 128]. */
#include "kernels.h"

#if PYRT_BUILD_REF(lut_s8)
void PYRT_K(lut_s8)(const int8_t *table, const int8_t *x, int8_t *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) y[i] = table[(int32_t)x[i] + 128];
}
#endif
