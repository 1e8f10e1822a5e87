/*
 * Helpers of the operator adapters: decoding tensor records into kernel structs and the checks
 * several adapters share (run once, by pyrt_init). Adapters are the only code that reads blob
 * records; the kernels (src/kernels/) see typed structs only.
 */
#ifndef PYRT_ADAPT_H
#define PYRT_ADAPT_H

#include "../internal.h"
#include "../kernels/kernels.h"
#include "ops.h"

/* [N, H, W, C] of a rank-4 tensor (validated by the caller's check). */
static inline pyrt_dims pyrt_dims4(const pyrt_model *m, int32_t t) {
  pyrt_dims d;
  d.n = pyrt_tdim(m, t, 0);
  d.h = pyrt_tdim(m, t, 1);
  d.w = pyrt_tdim(m, t, 2);
  d.c = pyrt_tdim(m, t, 3);
  return d;
}

/* Requantization arrays at CONST offsets (validated by pyrt_check_requant). */
static inline pyrt_quant pyrt_quant_at(const pyrt_model *m, int32_t mult_off, int32_t shift_off) {
  pyrt_quant q;
  q.mult = pyrt_const_i32(m, mult_off);
  q.shift = pyrt_const_i8(m, shift_off);
  return q;
}

/* `bytes` bytes at CONST offset `off` lie inside CONST, `align`-aligned (a power of two). */
static inline int pyrt_const_ok(const pyrt_check_ctx *c, int32_t off, uint64_t bytes,
                                int32_t align) {
  return off >= 0 && (off & (align - 1)) == 0 && (uint64_t)(uint32_t)off + bytes <= c->clen;
}

/* The operator's planned scratch covers what the built kernel needs, else PYRT_E_SCRATCH. */
static inline pyrt_status pyrt_check_scratch(const pyrt_check_ctx *c, uint32_t need) {
  return c->scratch_bytes >= need ? PYRT_OK : PYRT_E_SCRATCH;
}

/* int16 layers (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED layout 2): x and y int16, w int8,
 * bias absent, int32 (wide_acc 0) or int64 (wide_acc 1); zero-point offsets 0; activation
 * clamp within int16. Word indices are the layout's. */
pyrt_status pyrt_check_int16_layer(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t b,
                                   int32_t y, uint32_t p_wide, uint32_t p_in_off,
                                   uint32_t p_out_off, uint32_t p_act_min);

/* The tensor types of a CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED layer: int8 x, w, y with an
 * int32 bias, or (int16 = 1) pyrt_check_int16_layer with the layout's word indices. */
pyrt_status pyrt_check_layer_types(const pyrt_check_ctx *c, int int16, uint32_t p_wide,
                                   uint32_t p_in_off, uint32_t p_out_off, uint32_t p_act_min);

/* int64 requantization supports shifts up to 7 only (TFLM asserts it). */
pyrt_status pyrt_check_wide_shifts(const pyrt_check_ctx *c, int32_t wide, int32_t shift_off,
                                   uint32_t n);

/* kbias (int8 layers): i32[n_out] at CONST offset `off`, 4-aligned, each entry bias[oc] (0
 * without bias) + input_offset * (sum of the weights of channel oc), wrapping. The weights of
 * channel oc are w[oc * oc_stride + e * elem_stride] for e < count. */
pyrt_status pyrt_check_kbias(const pyrt_check_ctx *c, int32_t off, const int8_t *w,
                             const int32_t *bias, int32_t input_offset, int32_t n_out,
                             int32_t oc_stride, int32_t count, int32_t elem_stride);

/* CONV_2D / DEPTHWISE_CONV_2D window, offsets, clamp and requantization words (the first 12
 * words of both layouts), and for int16 layers the shifts the accumulator allows. */
pyrt_status pyrt_check_conv_window(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t y,
                                   int32_t cout, int int16, int32_t wide);

/* Decode the common CONV_2D / DEPTHWISE_CONV_2D words and shapes into a kernel descriptor. */
void pyrt_conv_decode(const pyrt_model *m, int32_t x, int32_t w, int32_t y, const int32_t *p,
                      pyrt_conv_desc *d);

/* The int8 convolution kernels' common signature. */
typedef void (*pyrt_conv_s8_fn)(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch);

/* Bytes by which an in-place output must start below the input (bands run in increasing
 * order) or above it (decreasing order); 0xFFFFFFFF where it cannot (conv_common.c). */
void pyrt_band_shifts(const pyrt_conv_desc *d, uint32_t *below, uint32_t *above);

/* Run `kernel` on the layer; where the output overlaps the input (an in-place plan pyrt_init
 * checked against pyrt_band_shifts), in bands of output rows or pixels: in increasing order when
 * the output starts below the input, in decreasing order when above. */
void pyrt_conv_run_s8(pyrt_conv_s8_fn kernel, const pyrt_conv_desc *d, const int8_t *x,
                      uint32_t x_bytes, const int8_t *w, const int32_t *bias,
                      const int32_t *kbias, int8_t *y, uint32_t y_bytes, void *scratch);

#endif /* PYRT_ADAPT_H */
