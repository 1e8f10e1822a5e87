/* arm_dsp: convolution by im2col of four output pixels and the four-column multiply (dsp.h). */
#ifndef PYRT_ARM_DSP_IM2COL_H
#define PYRT_ARM_DSP_IM2COL_H

#include "dsp.h"

#if PYRT_SET_ARM_DSP
/* Scratch: the four-column buffer, plus four int8 windows when a tap's channel count is not a
 * multiple of four (then windows are gathered as bytes and packed after). */
static inline uint32_t pyrt_dsp_im2col_bytes(const pyrt_conv_desc *d) {
  const int32_t k = d->filt.h * d->filt.w * d->filt.c;
  return pyrt_dsp_cols_bytes(k) + ((d->filt.c & 3) ? 4u * (((uint32_t)k + 3u) & ~3u) : 0u);
}

/* Convolution by im2col + the four-column multiply, for any geometry and any groups. Taps
 * outside the input read the input zero point (-input_offset), so that kbias holds. */
void pyrt_dsp_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *kbias, int8_t *y, void *scratch);
#endif

#endif /* PYRT_ARM_DSP_IM2COL_H */
