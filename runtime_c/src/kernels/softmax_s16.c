/* Reference SOFTMAX int16 -> int16 (TFLite reference_ops::SoftmaxInt16): exp of the differences
 * to the row maximum and 1 / sum from two 513-entry interpolated tables. */
#include "kernels.h"
#include "quant.h"

#if PYRT_BUILD_REF(softmax_s16)
static int32_t wrap16(int32_t v) { return ((v + 32768) & 0xFFFF) - 32768; }

/* TFLite LUTLookup(int16_t, const int16_t *): 9-bit index, 7-bit interpolation */
static int32_t lut16(int32_t v, const int16_t *lut) {
  const int32_t index = 256 + (v >> 7);
  const int32_t base = lut[index];
  const int32_t slope = wrap16((int32_t)lut[index + 1] - base);
  return wrap16(base + ((slope * (v & 0x7F) + 64) >> 7));
}

void PYRT_K(softmax_s16)(const pyrt_softmax16_desc *d, const int16_t *x, int16_t *y) {
  const int32_t depth = d->depth;
  int32_t i, c;
  for (i = 0; i < d->rows; ++i) {
    const int16_t *row = x + i * depth;
    int16_t *orow = y + i * depth;
    int32_t max_in_row = -32768, sum = 0, shifted, recip, hp1, rs;
    for (c = 0; c < depth; ++c)
      if (row[c] > max_in_row) max_in_row = row[c];
    /* exp of every difference (cached in the output row, as TFLite does), Q0.15 */
    for (c = 0; c < depth; ++c) {
      const int32_t scaled =
          pyrt_mbqm((int32_t)row[c] - max_in_row, d->input_multiplier, (int)d->input_shift);
      const int32_t e =
          lut16(pyrt_clamp(pyrt_add_wrap(scaled, 32767), -32768, 32767), d->exp_lut);
      orow[c] = (int16_t)e;
      sum = pyrt_add_wrap(sum, e);
    }
    /* 1 / sum: sum normalised to [1, 2), recentred to int16, looked up as 1 / (1 + x);
     * the row maximum contributes exp(0) ~ 32767, so 2 <= sum and 1 <= hp1 <= 30; exp table
     * entries are checked >= 0 at init, so 0 <= sum < 2^31 whatever the blob holds */
    hp1 = pyrt_clz32((uint32_t)sum);
    if (hp1 < 1) hp1 = 1;
    if (hp1 > 30) hp1 = 30;
    shifted = (int32_t)((((int64_t)((uint64_t)(uint32_t)sum << (hp1 - 1))) + (1 << 13)) >> 14);
    recip = lut16(pyrt_clamp(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), d->recip_lut);
    rs = 31 - hp1;
    for (c = 0; c < depth; ++c) {
      const int64_t r = ((int64_t)orow[c] * recip + ((int64_t)1 << (rs - 1))) >> rs;
      orow[c] = (int16_t)(r < 0 ? 0 : (r > 32767 ? 32767 : r));
    }
  }
}
#endif
