/* arm_dsp FULLY_CONNECTED int8: one batch row at a time against four, then one, weight rows
 * (SMLAD on SXTB16-expanded pairs; the input offset is folded into kbias). Four batch rows or
 * more use the four-column multiply (dsp.h). */
#include "dsp.h"

#if PYRT_USE_DSP(fully_connected_s8)
/* Output channels [0, n) of one batch row x, four weight rows at a time; each word of x is
 * expanded once for the four rows. */
static void vector_rows(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                        const int32_t *kbias, int8_t *y) {
  const int32_t k = d->accum, kb = k & ~3, n = d->out_ch;
  const int32_t off = d->output_offset, lo = d->act_min, hi = d->act_max;
  const int32_t st = d->per_channel ? 1 : 0;
  const int32_t *mult = d->q.mult;
  const int8_t *shift = d->q.shift;
  int32_t oc = 0, i;
  for (; oc + 4 <= n; oc += 4) {
    const int8_t *w0 = w + oc * k;
    int32_t s0 = kbias[oc], s1 = kbias[oc + 1], s2 = kbias[oc + 2], s3 = kbias[oc + 3];
    for (i = 0; i < kb; i += 4) {
      const uint32_t xv = pyrt_ld32(x + i);
      const int32_t x02 = pyrt_sxtb16_lo(xv), x13 = pyrt_sxtb16_hi(xv);
      uint32_t u = pyrt_ld32(w0 + i);
      s0 = pyrt_smlad(pyrt_sxtb16_lo(u), x02, s0);
      s0 = pyrt_smlad(pyrt_sxtb16_hi(u), x13, s0);
      u = pyrt_ld32(w0 + k + i);
      s1 = pyrt_smlad(pyrt_sxtb16_lo(u), x02, s1);
      s1 = pyrt_smlad(pyrt_sxtb16_hi(u), x13, s1);
      u = pyrt_ld32(w0 + 2 * k + i);
      s2 = pyrt_smlad(pyrt_sxtb16_lo(u), x02, s2);
      s2 = pyrt_smlad(pyrt_sxtb16_hi(u), x13, s2);
      u = pyrt_ld32(w0 + 3 * k + i);
      s3 = pyrt_smlad(pyrt_sxtb16_lo(u), x02, s3);
      s3 = pyrt_smlad(pyrt_sxtb16_hi(u), x13, s3);
    }
    for (; i < k; ++i) {
      s0 = __smlabb(w0[i], x[i], s0);
      s1 = __smlabb(w0[k + i], x[i], s1);
      s2 = __smlabb(w0[2 * k + i], x[i], s2);
      s3 = __smlabb(w0[3 * k + i], x[i], s3);
    }
    y[oc] = (int8_t)pyrt_dsp_out(s0, mult[oc * st], shift[oc * st], off, lo, hi);
    y[oc + 1] = (int8_t)pyrt_dsp_out(s1, mult[(oc + 1) * st], shift[(oc + 1) * st], off, lo, hi);
    y[oc + 2] = (int8_t)pyrt_dsp_out(s2, mult[(oc + 2) * st], shift[(oc + 2) * st], off, lo, hi);
    y[oc + 3] = (int8_t)pyrt_dsp_out(s3, mult[(oc + 3) * st], shift[(oc + 3) * st], off, lo, hi);
  }
  for (; oc < n; ++oc) {
    const int8_t *w0 = w + oc * k;
    int32_t s0 = kbias[oc];
    for (i = 0; i < kb; i += 4) {
      const uint32_t xv = pyrt_ld32(x + i), u = pyrt_ld32(w0 + i);
      s0 = pyrt_smlad(pyrt_sxtb16_lo(u), pyrt_sxtb16_lo(xv), s0);
      s0 = pyrt_smlad(pyrt_sxtb16_hi(u), pyrt_sxtb16_hi(xv), s0);
    }
    for (; i < k; ++i) s0 = __smlabb(w0[i], x[i], s0);
    y[oc] = (int8_t)pyrt_dsp_out(s0, mult[oc * st], shift[oc * st], off, lo, hi);
  }
}

void PYRT_K(fully_connected_s8)(const pyrt_fc_desc *d, const int8_t *x, const int8_t *w,
                                const int32_t *bias, const int32_t *kbias, int8_t *y,
                                void *scratch) {
  const int32_t k = d->accum, n = d->out_ch;
  int32_t b = 0;
  (void)bias;
  if (d->batches >= 4) {
    pyrt_dsp_mm_out o;
    o.kbias = kbias;
    o.q = d->q;
    o.q_step = d->per_channel ? 1 : 0;
    o.out_off = d->output_offset;
    o.act_min = d->act_min;
    o.act_max = d->act_max;
    for (; b + 4 <= d->batches; b += 4) {
      int8_t *ys[4];
      ys[0] = y + b * n;
      ys[1] = ys[0] + n;
      ys[2] = ys[1] + n;
      ys[3] = ys[2] + n;
      pyrt_dsp_pack_4cols(x + b * k, x + (b + 1) * k, x + (b + 2) * k, x + (b + 3) * k, k,
                          (int16_t *)scratch);
      pyrt_dsp_mat_mult_4cols((const int16_t *)scratch, w, k, n, &o, ys);
    }
  }
  for (; b < d->batches; ++b) vector_rows(d, x + b * k, w, kbias, y + b * n);
}

/* Four batch rows or more use the four-column buffer; fewer need no scratch. */
uint32_t PYRT_K(fully_connected_s8_scratch_bytes)(const pyrt_fc_desc *d) {
  return d->batches >= 4 ? pyrt_dsp_cols_bytes(d->accum) : 0u;
}
#endif
