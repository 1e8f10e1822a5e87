/* Reference RESIZE_BILINEAR int8 (TFLite reference_ops::ResizeBilinearInteger): source rows and
 * columns with 10-bit fractions, precomputed offline (pyrt_resize_desc). */
#include "kernels.h"

#if PYRT_BUILD_REF(resize_bilinear_s8)
void PYRT_K(resize_bilinear_s8)(const pyrt_resize_desc *d, const int8_t *x, int8_t *y) {
  const int32_t h = d->in.h, w = d->in.w, depth = d->in.c;
  const int32_t *rows = d->rows, *cols = d->cols;
  int32_t b, oy, ox, ch;

  for (b = 0; b < d->in.n; ++b) {
    const int8_t *img = x + b * h * w * depth;
    for (oy = 0; oy < d->out.h; ++oy) {
      const int8_t *r0 = img + rows[3 * oy] * w * depth;
      const int8_t *r1 = img + rows[3 * oy + 1] * w * depth;
      const int32_t fy = rows[3 * oy + 2];
      for (ox = 0; ox < d->out.w; ++ox) {
        const int32_t c0 = cols[3 * ox] * depth, c1 = cols[3 * ox + 1] * depth;
        const int32_t fx = cols[3 * ox + 2];
        /* weights as in TFLite: (1024 - fy)(1024 - fx), fy(1024 - fx), (1024 - fy)fx, fy fx */
        const int32_t w00 = (1024 - fy) * (1024 - fx), w10 = fy * (1024 - fx);
        const int32_t w01 = (1024 - fy) * fx, w11 = fy * fx;
        for (ch = 0; ch < depth; ++ch) {
          const int32_t acc = r0[c0 + ch] * w00 + r1[c0 + ch] * w10 + r0[c1 + ch] * w01 +
                              r1[c1 + ch] * w11;
          const int32_t round = acc > 0 ? (1 << 19) : -(1 << 19);
          const int32_t v = (acc + round) / (1 << 20); /* truncation toward zero, as TFLite */
          *y++ = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
      }
    }
  }
}
#endif
