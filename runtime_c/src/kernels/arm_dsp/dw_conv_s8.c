/* arm_dsp DEPTHWISE_CONV_2D, any window: depth multiplier 1 channel-interleaved (dw.c); other
 * multipliers by the reference loop. */
#include "../ref_window.h"
#include "dw.h"

#if PYRT_USE_DSP(dw_conv_s8)
void PYRT_K(dw_conv_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                        const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  (void)scratch;
  if (d->depth_mult == 1)
    pyrt_dsp_dw_conv_dm1(d, x, w, bias, kbias, y);
  else
    pyrt_ref_window(d, x, w, bias, y, 1, 0);
}

uint32_t PYRT_K(dw_conv_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
