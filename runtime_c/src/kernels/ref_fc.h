/*
 * The reference FULLY_CONNECTED loop, int8 and int16 activations (TFLite reference_integer_ops::
 * FullyConnected / FullyConnectedPerChannel and their int16 versions, weights offset 0), written
 * once and specialised by the constant `s16` argument.
 */
#ifndef PYRT_REF_FC_H
#define PYRT_REF_FC_H

#include "kernels.h"
#include "quant.h"
#include "wide.h"

static inline void pyrt_ref_fc(const pyrt_fc_desc *d, const void *x, const int8_t *w,
                               const void *bias, void *y, int s16) {
  /* every field in a local: the int8 output stores may alias anything */
  const int32_t n_out = d->out_ch, k = d->accum, batches = d->batches, in_off = d->input_offset;
  const int32_t out_off = d->output_offset, act_min = d->act_min, act_max = d->act_max;
  const int32_t per_channel = d->per_channel, wide = d->wide;
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int32_t b, oc, i;
  for (b = 0; b < batches; ++b) {
    for (oc = 0; oc < n_out; ++oc) {
      const int8_t *wp = w + oc * k;
      const int32_t q = per_channel ? oc : 0;
      uint32_t acc32 = 0;
      uint64_t acc64 = 0;
      int32_t r;
      for (i = 0; i < k; ++i) {
        if (s16)
          acc64 += pyrt_u64((int32_t)wp[i] * (int32_t)((const int16_t *)x)[b * k + i]);
        else
          acc32 += (uint32_t)((int32_t)wp[i] * ((int32_t)((const int8_t *)x)[b * k + i] + in_off));
      }
      if (s16) {
        r = pyrt_requant16(acc64, wide, bias, oc, mult[q], shift[q]);
        ((int16_t *)y)[b * n_out + oc] = (int16_t)pyrt_clamp(r, act_min, act_max);
      } else {
        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
        r = pyrt_mbqm(pyrt_wrap32(acc32), mult[q], shift[q]);
        r = pyrt_clamp(pyrt_add_wrap(r, out_off), act_min, act_max);
        ((int8_t *)y)[b * n_out + oc] = (int8_t)r;
      }
    }
  }
}

#endif /* PYRT_REF_FC_H */
