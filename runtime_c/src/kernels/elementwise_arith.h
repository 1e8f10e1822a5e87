/*
 * Per-element arithmetic of the quantized ADD, SUB and MUL (TFLite reference_integer_ops::Add /
 * reference_ops::BroadcastQuantSubSlow / MulElementwise), shared by the kernels and by the
 * broadcasting adapter (src/ops/). Parameters are already validated (pyrt_init).
 */
#ifndef PYRT_ELEMENTWISE_ARITH_H
#define PYRT_ELEMENTWISE_ARITH_H

#include "kernels.h"
#include "quant.h"

static inline int32_t pyrt_add_scaled(int32_t v, int32_t offset, int32_t left_shift,
                                      int32_t mult, int32_t shift) {
  return pyrt_mbqm_lt1(pyrt_shl_wrap(v + offset, left_shift), mult, shift);
}

/* sub = 0: a + b; sub = 1: a - b. Clamped to [act_min, act_max]. */
static inline int32_t pyrt_add_elem(const pyrt_add_desc *d, int32_t a, int32_t b, int sub) {
  const int32_t sa = pyrt_add_scaled(a, d->a_offset, d->left_shift, d->a_mult, d->a_shift);
  const int32_t sb = pyrt_add_scaled(b, d->b_offset, d->left_shift, d->b_mult, d->b_shift);
  const int32_t s = sub ? pyrt_sub_wrap(sa, sb) : pyrt_add_wrap(sa, sb);
  return pyrt_clamp(pyrt_add_wrap(pyrt_mbqm_lt1(s, d->out_mult, d->out_shift), d->output_offset),
                    d->act_min, d->act_max);
}

static inline int32_t pyrt_mul_elem(const pyrt_mul_desc *d, int32_t a, int32_t b) {
  const int64_t prod = (int64_t)(a + d->a_offset) * (int64_t)(b + d->b_offset);
  const int32_t r = pyrt_add_wrap(
      pyrt_mbqm(pyrt_wrap32((uint32_t)(uint64_t)prod), d->out_mult, d->out_shift),
      d->output_offset);
  return pyrt_clamp(r, d->act_min, d->act_max);
}

#endif /* PYRT_ELEMENTWISE_ARITH_H */
