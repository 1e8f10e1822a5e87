/* RESIZE_BILINEAR int8 (TFLite reference_ops::ResizeBilinearInteger, kernel resize_bilinear_s8):
 * source coordinates in 10-bit fixed point, precomputed offline per output row and column as
 * (lo, hi, frac). */
#include "adapt.h"

/* A table of n rows (lo, hi, frac) at CONST offset off: in CONST, 4-aligned, indices
 * in [0, in_size), frac in [-512, 1024] (so that the kernel's 32-bit sums cannot overflow). */
static pyrt_status check_axis(const pyrt_check_ctx *c, int32_t off, int32_t n, int32_t in_size) {
  const int32_t *t;
  int32_t i;
  if (!pyrt_const_ok(c, off, 12u * (uint64_t)(uint32_t)n, 4)) return PYRT_E_OP_PARAMS;
  t = (const int32_t *)(const void *)(c->cbase + off);
  for (i = 0; i < n; ++i) {
    if (t[3 * i] < 0 || t[3 * i] >= in_size || t[3 * i + 1] < 0 || t[3 * i + 1] >= in_size)
      return PYRT_E_OP_PARAMS;
    if (t[3 * i + 2] < -512 || t[3 * i + 2] > 1024) return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

pyrt_status pyrt_check_resize_bilinear(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  pyrt_status s;
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, y) != 4 || pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) ||
      pyrt_tdim(m, x, 3) != pyrt_tdim(m, y, 3))
    return PYRT_E_OP_SHAPE;
  s = check_axis(c, pyrt_param(c, PYRT_P_RESIZE_BILINEAR_ROWS_OFFSET), pyrt_tdim(m, y, 1),
                 pyrt_tdim(m, x, 1));
  if (s != PYRT_OK) return s;
  return check_axis(c, pyrt_param(c, PYRT_P_RESIZE_BILINEAR_COLS_OFFSET), pyrt_tdim(m, y, 2),
                    pyrt_tdim(m, x, 2));
}

void pyrt_eval_resize_bilinear(const pyrt_model *m, const pyrt_op *op) {
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  pyrt_resize_desc d;
  d.in = pyrt_dims4(m, xi);
  d.out = pyrt_dims4(m, yi);
  d.rows = pyrt_const_i32(m, op->params[PYRT_P_RESIZE_BILINEAR_ROWS_OFFSET]);
  d.cols = pyrt_const_i32(m, op->params[PYRT_P_RESIZE_BILINEAR_COLS_OFFSET]);
  pyrt_resize_bilinear_s8(&d, (const int8_t *)pyrt_tptr(m, xi), (int8_t *)pyrt_tptr(m, yi));
}
