/* mve: the int16 x int8 dot product of the int16-activation kernels (conv_s16.c,
 * fully_connected_s16.c): eight values per step (VLDRH, VLDRB.S16 widening the weights,
 * VMLALDAVA into a 64-bit sum), the last 1-7 by predicated loads. Exact: |sum| < 2^63 for any
 * length the blob format allows, so it equals the reference's sum modulo 2^64. Included before
 * the reference loop nests (ref_window.h, ref_fc.h), which then run on it. */
#ifndef PYRT_MVE_DOT16_H
#define PYRT_MVE_DOT16_H

#include "mve.h"

#if PYRT_SET_MVE
static inline uint64_t pyrt_mve_dot_s16(const int16_t *x, const int8_t *w, int32_t n) {
  int64_t acc = 0;
  for (; n >= 8; n -= 8) {
    acc = vmlaldavaq_s16(acc, vldrhq_s16(x), vldrbq_s16(w));
    x += 8;
    w += 8;
  }
  if (n > 0) {
    const mve_pred16_t p = vctp16q((uint32_t)n);
    acc = vmlaldavaq_s16(acc, vldrhq_z_s16(x, p), vldrbq_z_s16(w, p));
  }
  return (uint64_t)acc;
}
#define PYRT_REF_DOT_S16_RUN(x, w, n) pyrt_mve_dot_s16((x), (w), (n))
#endif

#endif /* PYRT_MVE_DOT16_H */
