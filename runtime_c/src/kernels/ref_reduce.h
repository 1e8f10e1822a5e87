/*
 * The reference reduction loops: MEAN int8 / int16 (TFLM QuantizedMeanOrSum arithmetic: an
 * int32 sum, the input zero point times the count subtracted, one requantization), written once
 * and specialised by the constant `s16` argument; ARG_MAX / ARG_MIN int8 by `is_max`.
 */
#ifndef PYRT_REF_REDUCE_H
#define PYRT_REF_REDUCE_H

#include "kernels.h"
#include "quant.h"

static inline void pyrt_ref_mean(const pyrt_mean_desc *d, const void *x, void *y, int s16) {
  const int nd = d->nd;
  const int32_t lo = s16 ? -32768 : -128, hi = s16 ? 32767 : 127;
  const int32_t zn = pyrt_wrap32((uint32_t)d->input_zero_point * (uint32_t)d->n);
  /* kept (k) and reduced (r) dims with their strides, outer to inner; ki, ri: indices */
  int32_t stride[PYRT_MEAN_MAX_DIMS], kd[PYRT_MEAN_MAX_DIMS], ks[PYRT_MEAN_MAX_DIMS];
  int32_t rd[PYRT_MEAN_MAX_DIMS], rs[PYRT_MEAN_MAX_DIMS], ki[PYRT_MEAN_MAX_DIMS];
  int32_t ri[PYRT_MEAN_MAX_DIMS];
  int nk = 0, nr = 0, k;
  int32_t out = 0, s = 1;
  for (k = nd - 1; k >= 0; --k) {
    stride[k] = s;
    s *= d->dims[k];
  }
  for (k = 0; k < nd; ++k) {
    if (d->reduce_mask & (1 << k)) {
      rd[nr] = d->dims[k];
      rs[nr++] = stride[k];
    } else {
      kd[nk] = d->dims[k];
      ks[nk++] = stride[k];
    }
  }
  for (k = 0; k < nk; ++k) ki[k] = 0;
  for (;;) {
    int32_t base = 0, r;
    uint32_t sum = 0;
    int j;
    for (k = 0; k < nk; ++k) base += ki[k] * ks[k];
    for (j = 0; j < nr; ++j) ri[j] = 0;
    for (;;) {
      int32_t off = base;
      for (j = 0; j < nr; ++j) off += ri[j] * rs[j];
      sum += (uint32_t)(s16 ? (int32_t)((const int16_t *)x)[off]
                            : (int32_t)((const int8_t *)x)[off]);
      for (j = nr - 1; j >= 0; --j) {
        if (++ri[j] < rd[j]) break;
        ri[j] = 0;
      }
      if (j < 0) break;
    }
    r = pyrt_mbqm(pyrt_sub_wrap(pyrt_wrap32(sum), zn), d->mult, d->shift);
    r = pyrt_clamp(pyrt_add_wrap(r, d->output_zero_point), lo, hi);
    if (s16)
      ((int16_t *)y)[out++] = (int16_t)r;
    else
      ((int8_t *)y)[out++] = (int8_t)r;
    for (k = nk - 1; k >= 0; --k) {
      if (++ki[k] < kd[k]) break;
      ki[k] = 0;
    }
    if (k < 0) break;
  }
}

static inline void pyrt_ref_arg_minmax(const pyrt_arg_desc *d, const int8_t *x, int32_t *y,
                                       int is_max) {
  const int32_t axis = d->axis, inner = d->inner;
  int32_t o, i, a;
  for (o = 0; o < d->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const int8_t *col = x + (o * axis) * inner + i;
      int8_t best = col[0];
      int32_t best_i = 0;
      for (a = 1; a < axis; ++a) {
        const int8_t v = col[a * inner];
        if (is_max ? (v > best) : (v < best)) {
          best = v;
          best_i = a;
        }
      }
      y[o * inner + i] = best_i;
    }
  }
}

#endif /* PYRT_REF_REDUCE_H */
