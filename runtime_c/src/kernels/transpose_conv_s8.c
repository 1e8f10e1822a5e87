/* Reference TRANSPOSE_CONV int8 (per-channel, optional int32 bias). */
#include "ref_transpose_conv.h"

#if PYRT_BUILD_REF(transpose_conv_s8)
void PYRT_K(transpose_conv_s8)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                               const int32_t *bias, int8_t *y) {
  pyrt_ref_transpose_conv(d, x, w, bias, y, 0);
}
#endif
