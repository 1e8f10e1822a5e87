/* arm_dsp SOFTMAX int8 -> int8: each row's maximum four values at a time (SSUB8 / SEL), then
 * TFLite's gemmlowp fixed-point exponentials and reciprocal as the reference (softmax_arith.h). */
#include "../softmax_arith.h"
#include "dsp.h"

#if PYRT_USE_DSP(softmax_s8)
static int32_t row_max(const int8_t *row, int32_t depth) {
  uint32_t m4 = 0x80808080u; /* -128 in every byte */
  int32_t c = 0, m;
  for (; c + 4 <= depth; c += 4) {
    const uint32_t v = pyrt_ld32(row + c);
    (void)__ssub8((int32_t)v, (int32_t)m4); /* GE per byte: v >= m4 */
    m4 = (uint32_t)__sel((int32_t)v, (int32_t)m4);
  }
  m = pyrt_row_max_s8((const int8_t *)&m4, 4);
  for (; c < depth; ++c) m = row[c] > m ? row[c] : m;
  return m;
}

void PYRT_K(softmax_s8)(const pyrt_softmax_desc *d, const int8_t *x, int8_t *y) {
  pyrt_softmax_rows_s8(d, x, y, row_max);
}
#endif
