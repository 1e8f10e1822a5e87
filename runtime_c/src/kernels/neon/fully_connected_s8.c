/* neon FULLY_CONNECTED int8: the batch rows times all weight rows by the multiply core
 * (neon.h); the input offset is folded into kbias. No scratch; fewer than 8 values per row:
 * the reference loop. */
#include "../ref_fc.h"
#include "neon.h"

#if PYRT_USE_NEON(fully_connected_s8)
void PYRT_K(fully_connected_s8)(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch) {
  pyrt_vec_out o =
      pyrt_vec_out_of(kbias, d->q, d->per_channel, d->output_offset, d->act_min, d->act_max);
  pyrt_vec_rows r;
  (void)scratch;
  if (d->accum < 8) {
    pyrt_ref_fc(d, x, w, bias, y, 0);
    return;
  }
  /* the weights pass only pays for itself over several batch rows */
  o.pairs = d->batches >= 4 ? pyrt_neon_mm_pairs(w, d->out_ch * d->accum) : 0;
  r.lines = 1;
  r.x_line = 0;
  r.y_line = 0;
  r.n = d->batches;
  r.x_step = d->accum;
  r.y_step = d->out_ch;
  pyrt_neon_mat_mult(x, &r, w, d->accum, d->out_ch, &o, y);
}

uint32_t PYRT_K(fully_connected_s8_scratch_bytes)(const pyrt_fc_desc *d) {
  (void)d;
  return 0u;
}
#endif
