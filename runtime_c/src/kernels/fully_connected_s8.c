/* Reference FULLY_CONNECTED int8, per-tensor or per-channel weights. */
#include "ref_fc.h"

#if PYRT_BUILD_REF(fully_connected_s8)
void PYRT_K(fully_connected_s8)(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch) {
  (void)kbias;
  (void)scratch;
  pyrt_ref_fc(d, x, w, bias, y, 0);
}

uint32_t PYRT_K(fully_connected_s8_scratch_bytes)(const pyrt_fc_desc *d) {
  (void)d;
  return 0u;
}
#endif
