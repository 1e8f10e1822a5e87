/* mve FULLY_CONNECTED int16 activations x int8 weights: the reference loop (ref_fc.h) around
 * the Helium dot product of dot16.h. */
#include "dot16.h"
#include "../ref_fc.h"

#if PYRT_USE_MVE(fully_connected_s16)
void PYRT_K(fully_connected_s16)(const pyrt_fc_desc *d, const int16_t *x, const int8_t *w,
                                 const void *bias, int16_t *y) {
  pyrt_ref_fc(d, x, w, bias, y, 1);
}
#endif
