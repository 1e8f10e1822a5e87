/*
 * The typed kernel layer: int8/int16 kernels that know nothing about the blob.
 *
 * Operator adapters (src/ops/) decode an operator record once per call into the small structs
 * below and call a kernel. Every kernel has one public function in one file; the portable
 * reference kernels live in src/kernels/, architecture variants beside them (src/kernels/arm_dsp/
 * for Armv7E-M / Armv8-M with the DSP extension, later mve/ and neon/). Which set is built is
 * decided by the target's ACLE feature macros (kernels/select.h): a variant file compiles only
 * when its set is active, and the reference file of the same kernel only when it is not, so every
 * kernel a set lacks falls back to the reference. Adding a variant is one file in the set's folder
 * plus its line in select.h.
 *
 * Names: PYRT_K(conv_s8) is pyrt_conv_s8. A test build may compile the reference files a second
 * time with -DPYRT_REF_KERNELS_ONLY=1: they are then named pyrt_ref_* and can be linked next to a
 * variant set to compare the two (tests/kernels/).
 *
 * Conventions: tensors are NHWC, int8 weights symmetric; `input_offset` is minus the input zero
 * point, `output_offset` the output zero point; per-channel requantization as TFLite (multiplier
 * Q31 >= 0, shift in [-31, 30], > 0 a left shift; double rounding). A kernel that needs scratch
 * memory has a `..._scratch_bytes()` twin (0 for the reference kernels); the converter plans that
 * much arena for the operator (pyruntime/kernels.py mirrors the functions) and pyrt_init refuses a
 * blob that planned less than the built kernels need. `kbias[oc]` = bias[oc] + input_offset *
 * (sum of the weights of output channel oc), wrapping int32, computed by the converter: fast
 * kernels that add the input offset through it instead of per MAC.
 */
#ifndef PYRT_KERNELS_H
#define PYRT_KERNELS_H

#include <stdint.h>

#include "select.h"

/* ---- shapes and parameters ---- */
typedef struct {
  int32_t n, h, w, c;
} pyrt_dims;

/* Per-channel (or, with one entry, per-tensor) requantization arrays, as stored in the blob. */
typedef struct {
  const int32_t *mult;
  const int8_t *shift;
} pyrt_quant;

/* CONV_2D and DEPTHWISE_CONV_2D. filt: conv [C_out, KH, KW, C_in / groups] as (n, h, w, c);
 * depthwise [1, KH, KW, C_out]. */
typedef struct {
  pyrt_dims in, filt, out;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int32_t input_offset, output_offset; /* int16 layers: 0 */
  int32_t act_min, act_max;
  int32_t depth_mult;                  /* depthwise: output channels per input channel */
  int32_t wide;                        /* int16 layers: 1 = int64 accumulators and bias */
  pyrt_quant q;
} pyrt_conv_desc;

/* FULLY_CONNECTED: y[b][oc] from x[b][0..accum) and w[oc][0..accum). */
typedef struct {
  int32_t batches, accum, out_ch;
  int32_t input_offset, output_offset, act_min, act_max;
  int32_t per_channel; /* 0: q holds one multiplier for every channel */
  int32_t wide;        /* int16 layers: 1 = int64 accumulators and bias */
  pyrt_quant q;
} pyrt_fc_desc;

/* AVERAGE_POOL_2D / MAX_POOL_2D */
typedef struct {
  pyrt_dims in, out;
  int32_t stride_h, stride_w, f_h, f_w, pad_h, pad_w, act_min, act_max;
} pyrt_pool_desc;

/* Elementwise ADD/SUB of same-shape int8 tensors (TFLite's quantized ADD parameters). */
typedef struct {
  int32_t a_offset, b_offset, output_offset, left_shift;
  int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift;
  int32_t act_min, act_max;
} pyrt_add_desc;

/* Elementwise MUL of same-shape int8 tensors. */
typedef struct {
  int32_t a_offset, b_offset, output_offset, out_mult, out_shift, act_min, act_max;
} pyrt_mul_desc;

/* SOFTMAX int8 -> int8 (gemmlowp fixed point) over rows of `depth` values. */
typedef struct {
  int32_t rows, depth;
  int32_t input_multiplier, input_left_shift, diff_min;
} pyrt_softmax_desc;

/* ---- names ---- */
#if PYRT_REF_KERNELS_ONLY
#define PYRT_K(name) pyrt_ref_##name
#else
#define PYRT_K(name) pyrt_##name
#endif

/* Every public kernel: K(return type, name, parameter list). */
#define PYRT_KERNEL_LIST(K)                                                                    \
  K(void, conv_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,                 \
                    const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch))      \
  K(uint32_t, conv_s8_scratch_bytes, (const pyrt_conv_desc *d))                               \
  K(void, conv_1x1_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,             \
                        const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch))  \
  K(uint32_t, conv_1x1_s8_scratch_bytes, (const pyrt_conv_desc *d))                           \
  K(void, conv_few_ch_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,          \
                           const int32_t *bias, const int32_t *kbias, int8_t *y,               \
                           void *scratch))                                                     \
  K(uint32_t, conv_few_ch_s8_scratch_bytes, (const pyrt_conv_desc *d))                        \
  K(void, conv_s16, (const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,               \
                     const void *bias, int16_t *y))                                            \
  K(void, dw_conv_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,              \
                       const int32_t *bias, const int32_t *kbias, int8_t *y, void *scratch))   \
  K(uint32_t, dw_conv_s8_scratch_bytes, (const pyrt_conv_desc *d))                            \
  K(void, dw_conv_3x3_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,          \
                           const int32_t *bias, const int32_t *kbias, int8_t *y,               \
                           void *scratch))                                                     \
  K(uint32_t, dw_conv_3x3_s8_scratch_bytes, (const pyrt_conv_desc *d))                        \
  K(void, dw_conv_s16, (const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,            \
                        const void *bias, int16_t *y))                                         \
  K(void, fully_connected_s8, (const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,        \
                               const int32_t *bias, const int32_t *kbias, int8_t *y,           \
                               void *scratch))                                                 \
  K(uint32_t, fully_connected_s8_scratch_bytes, (const pyrt_fc_desc *d))                      \
  K(void, fully_connected_s16, (const pyrt_fc_desc *d, const int16_t *x, const int8_t *w,      \
                                const void *bias, int16_t *y))                                 \
  K(void, avg_pool_s8, (const pyrt_pool_desc *d, const int8_t *x, int8_t *y))                 \
  K(void, max_pool_s8, (const pyrt_pool_desc *d, const int8_t *x, int8_t *y))                 \
  K(void, add_s8, (const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,        \
                   int32_t n, void *scratch))                                                  \
  K(uint32_t, add_s8_scratch_bytes, (const pyrt_add_desc *d, int32_t n))                       \
  K(void, sub_s8, (const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,        \
                   int32_t n, void *scratch))                                                  \
  K(uint32_t, sub_s8_scratch_bytes, (const pyrt_add_desc *d, int32_t n))                       \
  K(void, mul_s8, (const pyrt_mul_desc *d, const int8_t *a, const int8_t *b, int8_t *y,        \
                   int32_t n))                                                                 \
  K(void, softmax_s8, (const pyrt_softmax_desc *d, const int8_t *x, int8_t *y))

#define PYRT_DECLARE_KERNEL(ret, name, args) ret PYRT_K(name) args;
PYRT_KERNEL_LIST(PYRT_DECLARE_KERNEL)

/* ---- path predicates: which kernel an adapter calls (pyruntime/kernels.py mirrors them) ---- */

/* 1x1 convolution, no padding, one group: the input pixels are the matrix rows (any stride). */
static inline int pyrt_conv_is_1x1(const pyrt_conv_desc *d) {
  return d->filt.h == 1 && d->filt.w == 1 && d->pad_h == 0 && d->pad_w == 0 &&
         d->filt.c == d->in.c;
}

/* First layers: 1 to 3 input channels, one group. */
static inline int pyrt_conv_is_few_ch(const pyrt_conv_desc *d) {
  return d->in.c <= 3 && d->filt.c == d->in.c;
}

/* 3x3 depthwise, depth multiplier 1, no dilation. */
static inline int pyrt_dw_is_3x3(const pyrt_conv_desc *d) {
  return d->filt.h == 3 && d->filt.w == 3 && d->depth_mult == 1 && d->dil_h == 1 &&
         d->dil_w == 1;
}

#endif /* PYRT_KERNELS_H */
