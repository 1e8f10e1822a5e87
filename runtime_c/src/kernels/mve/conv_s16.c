/* mve CONV_2D int16 activations x int8 weights: the reference loop nest (ref_window.h) around
 * the Helium dot product of dot16.h, which takes each filter row's run of adjacent values. */
#include "dot16.h"
#include "../ref_window.h"

#if PYRT_USE_MVE(conv_s16)
void PYRT_K(conv_s16)(const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,
                      const void *bias, int16_t *y) {
  pyrt_ref_window(d, x, w, bias, y, 0, 1);
}
#endif
