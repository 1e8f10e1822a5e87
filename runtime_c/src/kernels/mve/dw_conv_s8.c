/* mve DEPTHWISE_CONV_2D, any window, dilation and depth multiplier (mve/dw.h; a multiplier > 1
 * gathers each lane's input channel). No scratch. */
#include "dw.h"

#if PYRT_USE_MVE(dw_conv_s8)
void PYRT_K(dw_conv_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                        const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  (void)scratch;
  if (d->depth_mult == 1)
    pyrt_mve_dw(d, x, w, bias, kbias, y, 0, 1);
  else
    pyrt_mve_dw(d, x, w, bias, kbias, y, 0, 0);
}

uint32_t PYRT_K(dw_conv_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
