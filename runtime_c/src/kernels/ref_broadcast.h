/*
 * The reference broadcasting loop of the elementwise binary operators (TFLite
 * BroadcastBinaryOpSimple order, output row-major) over int8 / int16 data, written once and
 * specialised by constant element-size arguments and a constant element function, and the
 * element functions of SQUARED_DIFFERENCE, MINIMUM, MAXIMUM and PRELU (TFLite reference_ops /
 * reference_integer_ops arithmetic). ADD, SUB and MUL pass theirs (elementwise_arith.h) to the
 * broadcast_s8 / broadcast_s16 kernels.
 */
#ifndef PYRT_REF_BROADCAST_H
#define PYRT_REF_BROADCAST_H

#include "kernels.h"
#include "quant.h"

static inline int32_t pyrt_bc_load(const void *p, int s16, int32_t i) {
  return s16 ? (int32_t)((const int16_t *)p)[i] : (int32_t)((const int8_t *)p)[i];
}

static inline void pyrt_bc_store(void *p, int s16, int32_t i, int32_t v) {
  if (s16)
    ((int16_t *)p)[i] = (int16_t)v;
  else
    ((int8_t *)p)[i] = (int8_t)v;
}

/* y[i] = f(a[.], b[.], ctx) over the broadcast; a16 / b16 / y16: the operand is int16. */
static inline void pyrt_ref_broadcast(const pyrt_broadcast_desc *d, const void *a, const void *b,
                                      void *y, pyrt_binary_fn f, const void *ctx, int a16,
                                      int b16, int y16) {
  const int32_t *dy = d->dims, *sa = d->a_stride, *sb = d->b_stride;
  int32_t o = 0, i0, i1, i2, i3, i4, i5;
  if (d->flat) {
    for (o = 0; o < d->n; ++o)
      pyrt_bc_store(y, y16, o, f(pyrt_bc_load(a, a16, o), pyrt_bc_load(b, b16, o), ctx));
    return;
  }
  for (i0 = 0; i0 < dy[0]; ++i0)
    for (i1 = 0; i1 < dy[1]; ++i1)
      for (i2 = 0; i2 < dy[2]; ++i2)
        for (i3 = 0; i3 < dy[3]; ++i3)
          for (i4 = 0; i4 < dy[4]; ++i4) {
            const int32_t oa = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4];
            const int32_t ob = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4];
            for (i5 = 0; i5 < dy[5]; ++i5)
              pyrt_bc_store(y, y16, o++,
                            f(pyrt_bc_load(a, a16, oa + i5 * sa[5]),
                              pyrt_bc_load(b, b16, ob + i5 * sb[5]), ctx));
          }
}

/* SQUARED_DIFFERENCE: ADD's parameters, the output multiplier may exceed 1. */
static inline int32_t pyrt_sqdiff_elem(int32_t a, int32_t b, const void *ctx) {
  const pyrt_add_desc *p = (const pyrt_add_desc *)ctx;
  const int ls = p->left_shift;
  const int32_t sa = pyrt_mbqm_lt1(pyrt_shl_wrap(a + p->a_offset, ls), p->a_mult, p->a_shift);
  const int32_t sb = pyrt_mbqm_lt1(pyrt_shl_wrap(b + p->b_offset, ls), p->b_mult, p->b_shift);
  const int32_t d = pyrt_sub_wrap(sa, sb);
  const int32_t sq = pyrt_wrap32((uint32_t)(uint64_t)((int64_t)d * (int64_t)d));
  return pyrt_clamp(pyrt_add_wrap(pyrt_mbqm(sq, p->out_mult, p->out_shift), p->output_offset),
                    p->act_min, p->act_max);
}

/* MINIMUM / MAXIMUM: raw values compared, as TFLM does. */
static inline int32_t pyrt_min_elem(int32_t a, int32_t b, const void *ctx) {
  (void)ctx;
  return a < b ? a : b;
}
static inline int32_t pyrt_max_elem(int32_t a, int32_t b, const void *ctx) {
  (void)ctx;
  return a > b ? a : b;
}

/* PRELU before the clamp to the output type. */
static inline int32_t pyrt_prelu_elem(int32_t x, int32_t alpha, const pyrt_prelu_desc *p) {
  const int32_t v = x + p->input_offset;
  int32_t out;
  if (v >= 0)
    out = pyrt_mbqm(v, p->mult1, p->shift1);
  else
    out = pyrt_mbqm(v * (alpha + p->alpha_offset), p->mult2, p->shift2); /* |v * alpha| < 2^25 */
  return pyrt_add_wrap(out, p->output_offset);
}
static inline int32_t pyrt_prelu_elem8(int32_t x, int32_t alpha, const void *ctx) {
  return pyrt_clamp(pyrt_prelu_elem(x, alpha, (const pyrt_prelu_desc *)ctx), -128, 127);
}
static inline int32_t pyrt_prelu_elem16(int32_t x, int32_t alpha, const void *ctx) {
  return pyrt_clamp(pyrt_prelu_elem(x, alpha, (const pyrt_prelu_desc *)ctx), -32768, 32767);
}

#endif /* PYRT_REF_BROADCAST_H */
