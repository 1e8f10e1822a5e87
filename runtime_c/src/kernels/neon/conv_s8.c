/* neon CONV_2D, general (any window, stride, dilation, padding, groups): im2col of a few
 * output pixels (neon.h), then the multiply core against all filters (im2col.c). */
#include "neon.h"

#if PYRT_USE_NEON(conv_s8)
void PYRT_K(conv_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                       const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch) {
  pyrt_neon_conv_im2col(d, x, w, bias, kbias, y, scratch);
}

uint32_t PYRT_K(conv_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  return pyrt_neon_im2col_bytes(d);
}
#endif
