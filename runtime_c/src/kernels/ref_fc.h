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
  const int32_t n_out = d->out_ch, k = d->accum;
  int32_t b, oc, i;
  for (b = 0; b < d->batches; ++b) {
    for (oc = 0; oc < n_out; ++oc) {
      const int8_t *wp = w + oc * k;
      const int32_t q = d->per_channel ? oc : 0;
      uint32_t acc32 = 0;
      uint64_t acc64 = 0;
      int32_t r;
      for (i = 0; i < k; ++i) {
        if (s16)
          acc64 += pyrt_u64((int32_t)wp[i] * (int32_t)((const int16_t *)x)[b * k + i]);
        else
          acc32 += (uint32_t)((int32_t)wp[i] *
                              ((int32_t)((const int8_t *)x)[b * k + i] + d->input_offset));
      }
      if (s16) {
        r = pyrt_requant16(acc64, d->wide, bias, oc, d->q.mult[q], d->q.shift[q]);
        ((int16_t *)y)[b * n_out + oc] = (int16_t)pyrt_clamp(r, d->act_min, d->act_max);
      } else {
        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
        r = pyrt_mbqm(pyrt_wrap32(acc32), d->q.mult[q], d->q.shift[q]);
        r = pyrt_clamp(pyrt_add_wrap(r, d->output_offset), d->act_min, d->act_max);
        ((int8_t *)y)[b * n_out + oc] = (int8_t)r;
      }
    }
  }
}

#endif /* PYRT_REF_FC_H */
