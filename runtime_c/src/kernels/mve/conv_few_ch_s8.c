/* mve CONV_2D, first layers (1-3 input channels): im2col of a few output pixels, then the
 * multiply core (im2col.c). */
#include "mve.h"

#if PYRT_USE_MVE(conv_few_ch_s8)
void PYRT_K(conv_few_ch_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                            const int32_t *bias, const int32_t *kbias, int8_t *y,
                            void *scratch) {
  (void)bias;
  pyrt_mve_conv_im2col(d, x, w, kbias, y, scratch);
}

uint32_t PYRT_K(conv_few_ch_s8_scratch_bytes)(const pyrt_conv_desc *d) {
  return pyrt_mve_im2col_bytes(d);
}
#endif
