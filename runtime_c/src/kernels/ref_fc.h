/*
 * The reference FULLY_CONNECTED loop, int8 and int16 activations (TFLite reference_integer_ops::
 * FullyConnected / FullyConnectedPerChannel and their int16 versions, weights offset 0), written
 * once and specialised by the constant `s16` argument.
 */
#ifndef PYRT_REF_FC_H
#define PYRT_REF_FC_H

#include "kernels.h"
#include "quant.h"
#include "ref_dot.h"
#include "wide.h"

/* Every output channel of batch row b (its own function: ref_dot.h, PYRT_REF_NOINLINE). */
static PYRT_REF_NOINLINE void pyrt_ref_fc_row(const pyrt_fc_desc *d, const void *x,
                                              const int8_t *w, const void *bias, void *y,
                                              int32_t b, int s16) {
  /* every field in a local: the int8 output stores may alias anything */
  const int32_t n_out = d->out_ch, k = d->accum, in_off = d->input_offset;
  const int32_t out_off = d->output_offset, act_min = d->act_min, act_max = d->act_max;
  const int32_t per_channel = d->per_channel, wide = d->wide;
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int32_t oc;
  for (oc = 0; oc < n_out; ++oc) {
    const int32_t q = per_channel ? oc : 0;
    int32_t r;
    if (s16) {
      const uint64_t acc = PYRT_REF_DOT_S16_RUN((const int16_t *)x + b * k, w + oc * k, k);
      r = pyrt_requant16(acc, wide, bias, oc, mult[q], shift[q]);
      ((int16_t *)y)[b * n_out + oc] = (int16_t)pyrt_clamp(r, act_min, act_max);
    } else {
      uint32_t acc = pyrt_ref_dot_s8((const int8_t *)x + b * k, 1, w + oc * k, 1, k, in_off);
      if (bias) acc += (uint32_t)((const int32_t *)bias)[oc];
      r = pyrt_mbqm(pyrt_wrap32(acc), mult[q], shift[q]);
      r = pyrt_clamp(pyrt_add_wrap(r, out_off), act_min, act_max);
      ((int8_t *)y)[b * n_out + oc] = (int8_t)r;
    }
  }
}

static inline void pyrt_ref_fc(const pyrt_fc_desc *d, const void *x, const int8_t *w,
                               const void *bias, void *y, int s16) {
  const int32_t batches = d->batches;
  int32_t b;
  for (b = 0; b < batches; ++b) pyrt_ref_fc_row(d, x, w, bias, y, b, s16);
}

#endif /* PYRT_REF_FC_H */
