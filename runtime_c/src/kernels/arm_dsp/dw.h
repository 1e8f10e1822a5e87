/* arm_dsp depthwise convolution, depth multiplier 1, channel-interleaved (shared by
 * dw_conv_3x3_s8 and dw_conv_s8). */
#ifndef PYRT_ARM_DSP_DW_H
#define PYRT_ARM_DSP_DW_H

#include "dsp.h"

#if PYRT_SET_ARM_DSP
/* Every output pixel, four channels at a time: SXTB16 splits four channels into (c0, c2) and
 * (c1, c3); SMLABB / SMLATT accumulate each channel separately. Windows fully inside the input
 * start from kbias and need no offset; windows clipped by padding start from the bias and add
 * the input offset to the valid taps (TFLite skips the others). */
void pyrt_dsp_dw_conv_dm1(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *bias, const int32_t *kbias, int8_t *y);

/* The part of pyrt_dsp_dw_conv_dm1's work a faster kernel left: every output pixel outside
 * rows [oy0, oy1) x columns [ox0, ox1) for all channels, and every pixel for channels
 * [c_done, C). */
void pyrt_dsp_dw_conv_border(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                             const int32_t *bias, const int32_t *kbias, int8_t *y, int32_t oy0,
                             int32_t oy1, int32_t ox0, int32_t ox1, int32_t c_done);
#endif

#endif /* PYRT_ARM_DSP_DW_H */
