/* RESIZE_BILINEAR int8 (TFLite reference_ops::ResizeBilinearInteger): source coordinates in
 * 10-bit fixed point, precomputed offline per output row and column as (lo, hi, frac). */
#include "adapt.h"

/* A table of n rows (lo, hi, frac) at CONST offset off: in CONST, 4-aligned, indices in
 * [0, in_size), frac in [-512, 1024] (so that the 32-bit sums below cannot overflow). */
static pyrt_status check_axis(const pyrt_check_ctx *c, int32_t off, int32_t n, int32_t in_size) {
  const int32_t *t;
  int32_t i;
  if (off < 0 || (off & 3) != 0 || (uint32_t)off > c->clen ||
      (c->clen - (uint32_t)off) / 12u < (uint32_t)n)
    return PYRT_E_OP_PARAMS;
  t = (const int32_t *)(const void *)(c->cbase + off);
  for (i = 0; i < n; ++i) {
    if (t[3 * i] < 0 || t[3 * i] >= in_size || t[3 * i + 1] < 0 || t[3 * i + 1] >= in_size)
      return PYRT_E_OP_PARAMS;
    if (t[3 * i + 2] < -512 || t[3 * i + 2] > 1024) return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

/* params: 0 rows_offset  1 cols_offset */
pyrt_status pyrt_check_resize_bilinear(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  pyrt_status s;
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, y) != 4 || pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) ||
      pyrt_tdim(m, x, 3) != pyrt_tdim(m, y, 3))
    return PYRT_E_OP_SHAPE;
  s = check_axis(c, pyrt_param(c, 0), pyrt_tdim(m, y, 1), pyrt_tdim(m, x, 1));
  if (s != PYRT_OK) return s;
  return check_axis(c, pyrt_param(c, 1), pyrt_tdim(m, y, 2), pyrt_tdim(m, x, 2));
}

void pyrt_eval_resize_bilinear(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int8_t *in = (const int8_t *)pyrt_tptr(m, xi);
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int32_t *rows = pyrt_const_i32(m, op->params[0]);
  const int32_t *cols = pyrt_const_i32(m, op->params[1]);
  const int32_t batches = pyrt_tdim(m, xi, 0), h = pyrt_tdim(m, xi, 1), w = pyrt_tdim(m, xi, 2);
  const int32_t depth = pyrt_tdim(m, xi, 3);
  const int32_t oh = pyrt_tdim(m, yi, 1), ow = pyrt_tdim(m, yi, 2);
  int32_t b, oy, ox, ch;

  for (b = 0; b < batches; ++b) {
    const int8_t *img = in + (size_t)b * (size_t)(h * w * depth);
    for (oy = 0; oy < oh; ++oy) {
      const int8_t *r0 = img + (size_t)(rows[3 * oy] * w * depth);
      const int8_t *r1 = img + (size_t)(rows[3 * oy + 1] * w * depth);
      const int32_t fy = rows[3 * oy + 2];
      for (ox = 0; ox < ow; ++ox) {
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
          *out++ = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
      }
    }
  }
}
