/* Reference TRANSPOSE_CONV int16 activations x int8 weights (int64 accumulators, optional
 * int64 bias). */
#include "ref_transpose_conv.h"

#if PYRT_BUILD_REF(transpose_conv_s16)
void PYRT_K(transpose_conv_s16)(const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,
                                const int64_t *bias, int16_t *y) {
  pyrt_ref_transpose_conv(d, x, w, bias, y, 1);
}
#endif
