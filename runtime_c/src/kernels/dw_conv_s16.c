/* Reference DEPTHWISE_CONV_2D int16 activations x int8 weights, int64 accumulators. */
#include "ref_window.h"

#if PYRT_BUILD_REF(dw_conv_s16)
void PYRT_K(dw_conv_s16)(const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,
                           const void *bias, int16_t *y) {
  pyrt_ref_window(d, x, w, bias, y, 1, 1);
}
#endif
