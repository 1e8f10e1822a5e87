/* mve DEPTHWISE_CONV_2D 3x3, depth multiplier 1, no dilation, any stride and padding (mve/dw.h,
 * with the 3x3 taps as constants). No scratch. */
#include "dw.h"

#if PYRT_USE_MVE(dw_conv_3x3_s8)
void PYRT_K(dw_conv_3x3_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                            const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  (void)scratch;
  pyrt_mve_dw(d, x, w, bias, kbias, y, 1, 1);
}

uint32_t PYRT_K(dw_conv_3x3_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
