/* ADD, int8, broadcasting up to 6-D (TFLite reference_integer_ops::Add / BroadcastAdd6DSlow). */
#include "kernels.h"
#include "quant.h"

/* params: 0 a_offset  1 b_offset  2 output_offset  3 left_shift  4,5 a_mult,a_shift
 *         6,7 b_mult,b_shift  8,9 out_mult,out_shift  10,11 act_min,max */
pyrt_status pyrt_check_add(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int ra = pyrt_trank(m, a), rb = pyrt_trank(m, b), ry = pyrt_trank(m, y);
  int k;

  if (pyrt_ttype(m, a) != PYRT_INT8 || pyrt_ttype(m, b) != PYRT_INT8 ||
      pyrt_ttype(m, y) != PYRT_INT8)
    return PYRT_E_OP_TYPE;

  if (ra > ry || rb > ry) return PYRT_E_OP_SHAPE;
  for (k = 0; k < ry; ++k) { /* right-aligned: y dim = max(a dim, b dim), each dim or 1 */
    const int32_t dy = pyrt_tdim(m, y, ry - 1 - k);
    const int32_t da = (k < ra) ? pyrt_tdim(m, a, ra - 1 - k) : 1;
    const int32_t db = (k < rb) ? pyrt_tdim(m, b, rb - 1 - k) : 1;
    if ((da != dy && da != 1) || (db != dy && db != 1)) return PYRT_E_OP_SHAPE;
    if (da != dy && db != dy) return PYRT_E_OP_SHAPE;
  }

  /* -offset within int8 (TFLite CheckArithmeticParams) */
  if (pyrt_param(c, 0) < -127 || pyrt_param(c, 0) > 128) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 1) < -127 || pyrt_param(c, 1) > 128) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 2) < -128 || pyrt_param(c, 2) > 127) return PYRT_E_OP_PARAMS;
  /* |(x + offset) << left_shift| <= 255 << 22 keeps the sum of both scaled inputs in int32 */
  if (pyrt_param(c, 3) < 0 || pyrt_param(c, 3) > 22) return PYRT_E_OP_PARAMS;
  for (k = 4; k <= 8; k += 2) {
    if (pyrt_param(c, (uint32_t)k) < 0) return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, (uint32_t)k + 1) < -31 || pyrt_param(c, (uint32_t)k + 1) > 0)
      return PYRT_E_OP_PARAMS;
  }
  if (!pyrt_act_ok(pyrt_param(c, 10), pyrt_param(c, 11))) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static inline int8_t add_one(int32_t x, int32_t y, const int32_t *p) {
  const int32_t ls = p[3];
  const int32_t sa = pyrt_mbqm_lt1((x + p[0]) * (1 << ls), p[4], p[5]);
  const int32_t sb = pyrt_mbqm_lt1((y + p[1]) * (1 << ls), p[6], p[7]);
  const int32_t raw = pyrt_mbqm_lt1(sa + sb, p[8], p[9]) + p[2];
  return (int8_t)pyrt_clamp(raw, p[10], p[11]);
}

void pyrt_eval_add(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t ai = op->tidx[0], bi = op->tidx[1], yi = op->tidx[op->n_in];
  const int8_t *a = (const int8_t *)pyrt_tptr(m, ai);
  const int8_t *b = (const int8_t *)pyrt_tptr(m, bi);
  int8_t *y = (int8_t *)pyrt_tptr(m, yi);
  const uint32_t n = pyrt_tbytes(m, yi);

  if (pyrt_tbytes(m, ai) == n && pyrt_tbytes(m, bi) == n) {
    uint32_t i;
    for (i = 0; i < n; ++i) y[i] = add_one(a[i], b[i], p);
  } else {
    /* Extend to 6-D, right-aligned; stride 0 along broadcast dimensions. */
    int32_t dy[PYRT_MAX_DIMS], sa[PYRT_MAX_DIMS], sb[PYRT_MAX_DIMS];
    const int ra = pyrt_trank(m, ai), rb = pyrt_trank(m, bi), ry = pyrt_trank(m, yi);
    int32_t stra = 1, strb = 1;
    int k, i0, i1, i2, i3, i4, i5;
    for (k = PYRT_MAX_DIMS - 1; k >= 0; --k) {
      const int back = PYRT_MAX_DIMS - 1 - k; /* 0 = innermost */
      const int32_t da = back < ra ? pyrt_tdim(m, ai, ra - 1 - back) : 1;
      const int32_t db = back < rb ? pyrt_tdim(m, bi, rb - 1 - back) : 1;
      dy[k] = back < ry ? pyrt_tdim(m, yi, ry - 1 - back) : 1;
      sa[k] = (da == 1) ? 0 : stra;
      sb[k] = (db == 1) ? 0 : strb;
      stra *= da;
      strb *= db;
    }
    for (i0 = 0; i0 < dy[0]; ++i0)
      for (i1 = 0; i1 < dy[1]; ++i1)
        for (i2 = 0; i2 < dy[2]; ++i2)
          for (i3 = 0; i3 < dy[3]; ++i3)
            for (i4 = 0; i4 < dy[4]; ++i4) {
              const int32_t oa = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4];
              const int32_t ob = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4];
              for (i5 = 0; i5 < dy[5]; ++i5) *y++ = add_one(a[oa + i5 * sa[5]], b[ob + i5 * sb[5]], p);
            }
  }
}
