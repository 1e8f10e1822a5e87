/* Reference CONV_2D int8 (per-channel, grouped, dilated): ConvPerChannel. */
#include "ref_window.h"

#if PYRT_BUILD_REF(conv_s8)
void PYRT_K(conv_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  (void)kbias;
  (void)scratch;
  pyrt_ref_window(d, x, w, bias, y, 0, 0);
}

uint32_t PYRT_K(conv_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  (void)d;
  return 0u;
}
#endif
