/*
 * The typed kernel layer: int8/int16 kernels that know nothing about the blob.
 *
 * Operator adapters (src/ops/) decode an operator record once per call into the small structs
 * below and call a kernel. Every kernel has one public function in one file; the portable
 * reference kernels live in src/kernels/, architecture variants beside them (src/kernels/arm_dsp/
 * for Armv7E-M / Armv8-M with the DSP extension, src/kernels/mve/ for Helium, src/kernels/neon/
 * for Advanced SIMD on Cortex-A).
 * Which sets are built is decided by the target's ACLE feature macros (kernels/select.h): a
 * variant file compiles only when its set is active (and, for arm_dsp, no mve or neon variant
 * replaces it), and the reference file of the same kernel only when no variant does, so every
 * kernel the sets lack falls back to the reference. Adding a variant is one file in the set's
 * folder plus its line in select.h.
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

/* ==== The remaining operators: activations, QUANTIZE / DEQUANTIZE, MEAN, ARG_MAX / ARG_MIN,
 * data movement, RESIZE_BILINEAR, TRANSPOSE_CONV, BATCH_MATMUL, SOFTMAX int16, LOG_SOFTMAX and
 * the broadcasting elementwise operators (their own block and list, PYRT_KERNEL_LIST_OPS). ==== */

/* int16 LOGISTIC / TANH over n values: x * input_multiplier, rounded right shift by input_shift,
 * then the 256-entry uint16 sigmoid table (sigmoid(i / 24) in Q0.16), interpolated. */
typedef struct {
  int32_t n, input_multiplier, input_shift;
  const uint16_t *table;
} pyrt_sig16_desc;

/* QUANTIZE and DEQUANTIZE over n values, results saturated to the output type.
 * float input: y = round_half_away(x / scale) + output_zero_point;
 * integer input: y = MultiplyByQuantizedMultiplier(x - input_zero_point, mult, shift)
 *                    + output_zero_point;
 * DEQUANTIZE: y = scale * (x - input_zero_point). `scale` is used by the float paths only. */
typedef struct {
  int32_t n, input_zero_point, output_zero_point, mult, shift;
  float scale;
} pyrt_quantize_desc;

/* MEAN: x viewed as nd dims (outer to inner), the dims of reduce_mask (bit k: dim k) summed;
 * y[kept] = requant(sum - input_zero_point * n) + output_zero_point, n values per output. */
#define PYRT_MEAN_MAX_DIMS 6
typedef struct {
  int32_t nd, dims[PYRT_MEAN_MAX_DIMS], reduce_mask;
  int32_t input_zero_point, output_zero_point, mult, shift, n;
} pyrt_mean_desc;

/* ARG_MAX / ARG_MIN along the middle dimension of [outer, axis, inner] (first index wins). */
typedef struct {
  int32_t outer, axis, inner;
} pyrt_arg_desc;

/* One move of a copy program (CONCATENATION, PAD, TRANSPOSE, SLICE, ...): bytes copied from
 * src to dst along nd loops (outer to inner). Along loop k the destination advances by
 * dst_stride bytes and the source by src_stride bytes, or, with a src_table, to the byte
 * offsets src_table[0..count) (the innermost loop has no table). */
#define PYRT_MOVE_MAX_DIMS 8
typedef struct {
  int32_t count, src_stride, dst_stride;
  const int32_t *src_table; /* NULL: strided */
} pyrt_move_loop;
typedef struct {
  const uint8_t *src;
  uint8_t *dst;
  int32_t nd;
  pyrt_move_loop loop[PYRT_MOVE_MAX_DIMS];
} pyrt_move_desc;

/* RESIZE_BILINEAR int8: per output row (rows) and column (cols) three words, the two source
 * indices and the 10-bit fraction (TFLite ResizeBilinearInteger), computed offline. */
typedef struct {
  pyrt_dims in, out;
  const int32_t *rows, *cols;
} pyrt_resize_desc;

/* TRANSPOSE_CONV uses pyrt_conv_desc: filt [C_out, KH, KW, C_in]; stride, pad (TFLite's rule on
 * the output size), offsets, clamp and per-channel q as CONV_2D; dil_* and depth_mult unused;
 * wide 1 for int16 (int64 bias). */

/* BATCH_MATMUL int8: dims right-aligned into 5 (leading 1s), batch dims broadcast; adj_x / adj_y
 * transpose the last two dimensions of lhs / rhs. One per-tensor multiplier, no activation. */
typedef struct {
  int32_t lhs[5], rhs[5], out[5];
  int32_t lhs_offset, rhs_offset, output_offset, mult, shift, adj_x, adj_y;
} pyrt_batch_matmul_desc;

/* SOFTMAX int16 -> int16 (TFLite SoftmaxInt16) over rows of `depth` values; two 513-entry
 * interpolated tables. input_shift > 0 is a left shift. */
typedef struct {
  int32_t rows, depth, input_multiplier, input_shift;
  const int16_t *exp_lut, *recip_lut;
} pyrt_softmax16_desc;

/* LOG_SOFTMAX int8 (TFLite LogSoftmaxQuantized) over rows of `depth` values. */
typedef struct {
  int32_t rows, depth, input_multiplier, input_left_shift;
  int32_t reverse_scaling_divisor, reverse_scaling_right_shift, diff_min;
} pyrt_log_softmax_desc;

/* Right-aligned broadcasting of two inputs to the output, extended to 6 dims (outer to inner),
 * output in row-major order (TFLite BroadcastBinaryOpSimple). Strides in elements, 0 along a
 * broadcast dimension. flat = 1: a, b and y all have n elements (no broadcasting). */
#define PYRT_BCAST_DIMS 6
typedef struct {
  int32_t n, flat;
  int32_t dims[PYRT_BCAST_DIMS], a_stride[PYRT_BCAST_DIMS], b_stride[PYRT_BCAST_DIMS];
} pyrt_broadcast_desc;

/* One output element from two input elements (widened to int32) and the operator's parameters
 * `ctx`; the function clamps the result itself (ADD, SUB, MUL through broadcast_s8/_s16). */
typedef int32_t (*pyrt_binary_fn)(int32_t a, int32_t b, const void *ctx);

/* PRELU: x >= 0 scaled by (mult1, shift1), x < 0 times alpha by (mult2, shift2); alpha int8;
 * the result clamped to the output type. */
typedef struct {
  int32_t input_offset, alpha_offset, output_offset, mult1, shift1, mult2, shift2;
} pyrt_prelu_desc;

#define PYRT_KERNEL_LIST_OPS(K)                                                                \
  K(void, lut_s8, (const int8_t *table, const int8_t *x, int8_t *y, int32_t n))                \
  K(void, logistic_s16, (const pyrt_sig16_desc *d, const int16_t *x, int16_t *y))              \
  K(void, tanh_s16, (const pyrt_sig16_desc *d, const int16_t *x, int16_t *y))                  \
  K(void, quantize_f32_s8, (const pyrt_quantize_desc *d, const float *x, int8_t *y))           \
  K(void, quantize_f32_s16, (const pyrt_quantize_desc *d, const float *x, int16_t *y))         \
  K(void, quantize_s8_s8, (const pyrt_quantize_desc *d, const int8_t *x, int8_t *y))           \
  K(void, quantize_s8_s16, (const pyrt_quantize_desc *d, const int8_t *x, int16_t *y))         \
  K(void, quantize_s16_s8, (const pyrt_quantize_desc *d, const int16_t *x, int8_t *y))         \
  K(void, quantize_s16_s16, (const pyrt_quantize_desc *d, const int16_t *x, int16_t *y))       \
  K(void, dequantize_s8_f32, (const pyrt_quantize_desc *d, const int8_t *x, float *y))         \
  K(void, dequantize_s16_f32, (const pyrt_quantize_desc *d, const int16_t *x, float *y))       \
  K(void, mean_s8, (const pyrt_mean_desc *d, const int8_t *x, int8_t *y))                     \
  K(void, mean_s16, (const pyrt_mean_desc *d, const int16_t *x, int16_t *y))                  \
  K(void, arg_max_s8, (const pyrt_arg_desc *d, const int8_t *x, int32_t *y))                  \
  K(void, arg_min_s8, (const pyrt_arg_desc *d, const int8_t *x, int32_t *y))                  \
  K(void, move_u8, (const pyrt_move_desc *d))                                                  \
  K(void, fill_u8, (uint8_t *y, uint32_t n, const uint8_t *pattern, uint32_t pattern_bytes))  \
  K(void, copy_u8, (const uint8_t *x, uint8_t *y, uint32_t n))                                 \
  K(void, resize_bilinear_s8, (const pyrt_resize_desc *d, const int8_t *x, int8_t *y))        \
  K(void, transpose_conv_s8, (const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,       \
                              const int32_t *bias, int8_t *y))                                 \
  K(void, transpose_conv_s16, (const pyrt_conv_desc *d, const int16_t *x, const int8_t *w,     \
                               const int64_t *bias, int16_t *y))                               \
  K(void, batch_matmul_s8, (const pyrt_batch_matmul_desc *d, const int8_t *lhs,                \
                            const int8_t *rhs, int8_t *y))                                     \
  K(void, softmax_s16, (const pyrt_softmax16_desc *d, const int16_t *x, int16_t *y))          \
  K(void, log_softmax_s8, (const pyrt_log_softmax_desc *d, const int8_t *x, int8_t *y))       \
  K(void, broadcast_s8, (const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,      \
                         int8_t *y, pyrt_binary_fn f, const void *ctx))                       \
  K(void, broadcast_s16, (const pyrt_broadcast_desc *d, const int16_t *a, const int16_t *b,   \
                          int16_t *y, pyrt_binary_fn f, const void *ctx))                     \
  K(void, squared_difference_s8, (const pyrt_add_desc *p, const pyrt_broadcast_desc *d,       \
                                  const int8_t *a, const int8_t *b, int8_t *y))               \
  K(void, squared_difference_s16, (const pyrt_add_desc *p, const pyrt_broadcast_desc *d,      \
                                   const int16_t *a, const int16_t *b, int16_t *y))           \
  K(void, minimum_s8, (const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,        \
                       int8_t *y))                                                             \
  K(void, minimum_s16, (const pyrt_broadcast_desc *d, const int16_t *a, const int16_t *b,     \
                        int16_t *y))                                                           \
  K(void, maximum_s8, (const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,        \
                       int8_t *y))                                                             \
  K(void, maximum_s16, (const pyrt_broadcast_desc *d, const int16_t *a, const int16_t *b,     \
                        int16_t *y))                                                           \
  K(void, prelu_s8, (const pyrt_prelu_desc *p, const pyrt_broadcast_desc *d, const int8_t *x, \
                     const int8_t *alpha, int8_t *y))                                          \
  K(void, prelu_s16, (const pyrt_prelu_desc *p, const pyrt_broadcast_desc *d,                 \
                      const int16_t *x, const int8_t *alpha, int16_t *y))

PYRT_KERNEL_LIST_OPS(PYRT_DECLARE_KERNEL)

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
