/*
 * Helpers of the mve kernel set (Armv8.1-M with the M-profile Vector Extension, integer
 * MVE: Cortex-M55/M85), written with the ACLE intrinsics of arm_mve.h: the int8 multiply core
 * that the convolutions and FULLY_CONNECTED share (the exact vector requantization, its output
 * side and its rows are the neon set's too: ../vec_common.h).
 */
#ifndef PYRT_MVE_H
#define PYRT_MVE_H

#include <stdint.h>

#include "../kernels.h"

#if PYRT_SET_MVE
#include <arm_mve.h>

#include "../vec_common.h"

#ifndef PYRT_ALWAYS_INLINE
#define PYRT_ALWAYS_INLINE static inline __attribute__((always_inline))
#endif

/* The multiply core: rows of k int8 values times the n_ch weight rows w (row stride k). Output
 * channels in groups (the last by predication), each group against every row: the channels'
 * parameters are loaded once per group; per 16 values either one row x four channels (one load
 * of the row, four of weights, four VMLADAVA) or two rows x three channels (two, three and six),
 * whichever costs fewer instructions for k and n_ch (mat_mult.c). The rows are `lines` of `n` rows
 * each (the first at x + i * x_line, then x_step apart), their outputs likewise at
 * y + i * y_line + j * y_step. No scratch, any alignment of x, w and y. */
void pyrt_mve_mat_mult(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                       int32_t n_ch, const pyrt_vec_out *o, int8_t *y);

/* Convolution by im2col (im2col.c, conv_s8 and conv_few_ch_s8): PYRT_MVE_COLS output pixels at
 * a time, each window gathered into a column of the scratch (k bytes, taps in the padding read
 * the input zero point so that kbias holds), then the columns are the rows of the core. */
#define PYRT_MVE_COLS 8
static inline uint32_t pyrt_mve_im2col_bytes(const pyrt_conv_desc *d) {
  return (uint32_t)(PYRT_MVE_COLS * d->filt.h * d->filt.w * d->filt.c);
}
void pyrt_mve_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *kbias, int8_t *y, void *scratch);

#endif /* PYRT_SET_MVE */
#endif /* PYRT_MVE_H */
