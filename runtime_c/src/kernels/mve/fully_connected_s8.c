/* mve FULLY_CONNECTED int8: the batch rows times all weight rows by the multiply core (mve.h);
 * the input offset is folded into kbias. No scratch. */
#include "mve.h"

#if PYRT_USE_MVE(fully_connected_s8)
void PYRT_K(fully_connected_s8)(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch) {
  const int32_t k = d->accum, n = d->out_ch;
  const pyrt_vec_out o =
      pyrt_vec_out_of(kbias, d->q, d->per_channel, d->output_offset, d->act_min, d->act_max);
  pyrt_vec_rows r;
  (void)bias;
  (void)scratch;
  r.lines = 1;
  r.x_line = 0;
  r.y_line = 0;
  r.n = d->batches;
  r.x_step = k;
  r.y_step = n;
  pyrt_mve_mat_mult(x, &r, w, k, n, &o, y);
}

uint32_t PYRT_K(fully_connected_s8_scratch_bytes)(const pyrt_fc_desc *d) {
  (void)d;
  return 0u;
}
#endif
