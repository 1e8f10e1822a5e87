/* Reference FULLY_CONNECTED int16 activations x int8 weights (int32 or int64 accumulators). */
#include "ref_fc.h"

#if PYRT_BUILD_REF(fully_connected_s16)
void PYRT_K(fully_connected_s16)(const pyrt_fc_desc *d, const int16_t *x, const int8_t *w,
                                 const void *bias, int16_t *y) {
  pyrt_ref_fc(d, x, w, bias, y, 1);
}
#endif
