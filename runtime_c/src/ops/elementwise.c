/* Elementwise binary operators, int8 and int16, broadcasting up to 6-D:
 * SUB, MUL, SQUARED_DIFFERENCE, MINIMUM, MAXIMUM, PRELU (ADD lives in add.c), and the
 * broadcast driver they share (TFLite reference_ops / reference_integer_ops arithmetic). */
#include "binary.h"
#include "../kernels/elementwise_arith.h"

int pyrt_is_small_int(const pyrt_model *m, int32_t t) {
  const int type = pyrt_ttype(m, t);
  return type == PYRT_INT8 || type == PYRT_INT16;
}

pyrt_status pyrt_check_broadcast(const pyrt_model *m, int32_t a, int32_t b, int32_t y) {
  const int ra = pyrt_trank(m, a), rb = pyrt_trank(m, b), ry = pyrt_trank(m, y);
  int k;
  if (ra > ry || rb > ry || ry > PYRT_MAX_DIMS) return PYRT_E_OP_SHAPE;
  for (k = 0; k < ry; ++k) { /* right-aligned: y dim = max(a dim, b dim), each dim or 1 */
    const int32_t dy = pyrt_tdim(m, y, ry - 1 - k);
    const int32_t da = (k < ra) ? pyrt_tdim(m, a, ra - 1 - k) : 1;
    const int32_t db = (k < rb) ? pyrt_tdim(m, b, rb - 1 - k) : 1;
    if ((da != dy && da != 1) || (db != dy && db != 1)) return PYRT_E_OP_SHAPE;
    if (da != dy && db != dy) return PYRT_E_OP_SHAPE;
  }
  return PYRT_OK;
}

static inline int32_t load(const void *base, int type, int32_t i) {
  return type == PYRT_INT16 ? (int32_t)((const int16_t *)base)[i]
                            : (int32_t)((const int8_t *)base)[i];
}

static inline void store(void *base, int type, int32_t i, int32_t v) {
  if (type == PYRT_INT16)
    ((int16_t *)base)[i] = (int16_t)v;
  else
    ((int8_t *)base)[i] = (int8_t)v;
}

int pyrt_binary_is_flat_s8(const pyrt_model *m, const pyrt_op *op) {
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const uint32_t n = pyrt_telems(m, yi);
  return pyrt_ttype(m, yi) == PYRT_INT8 && pyrt_telems(m, ai) == n && pyrt_telems(m, bi) == n;
}

void pyrt_binary_apply(const pyrt_model *m, const pyrt_op *op, pyrt_binary_fn f,
                       const void *ctx) {
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const void *a = pyrt_tptr(m, ai);
  const void *b = pyrt_tptr(m, bi);
  void *y = pyrt_tptr(m, yi);
  const int ta = pyrt_ttype(m, ai), tb = pyrt_ttype(m, bi), ty = pyrt_ttype(m, yi);
  const int32_t n = (int32_t)pyrt_telems(m, yi);

  if ((int32_t)pyrt_telems(m, ai) == n && (int32_t)pyrt_telems(m, bi) == n) {
    int32_t i;
    for (i = 0; i < n; ++i) store(y, ty, i, f(load(a, ta, i), load(b, tb, i), ctx));
  } else {
    /* Extend to 6-D, right-aligned; stride 0 along broadcast dimensions. */
    int32_t dy[PYRT_MAX_DIMS], sa[PYRT_MAX_DIMS], sb[PYRT_MAX_DIMS];
    const int ra = pyrt_trank(m, ai), rb = pyrt_trank(m, bi), ry = pyrt_trank(m, yi);
    int32_t stra = 1, strb = 1, o = 0;
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
              for (i5 = 0; i5 < dy[5]; ++i5)
                store(y, ty, o++, f(load(a, ta, oa + i5 * sa[5]), load(b, tb, ob + i5 * sb[5]), ctx));
            }
  }
}

/* Same type (int8 or int16) for inputs 0, 1 and output 0, and broadcast shapes. */
static pyrt_status check_same_type_broadcast(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  if (!pyrt_is_small_int(m, y) || pyrt_ttype(m, a) != pyrt_ttype(m, y) ||
      pyrt_ttype(m, b) != pyrt_ttype(m, y))
    return PYRT_E_OP_TYPE;
  return pyrt_check_broadcast(m, a, b, y);
}

/* -zero point of an input of `type`, zero point of an output */
static int in_offset_ok(int32_t off, int type) {
  return off >= -pyrt_type_max(type) && off <= -pyrt_type_min(type);
}
static int out_offset_ok(int32_t zp, int type) {
  return zp >= pyrt_type_min(type) && zp <= pyrt_type_max(type);
}
static int act_ok(int32_t lo, int32_t hi, int type) {
  return lo >= pyrt_type_min(type) && lo <= hi && hi <= pyrt_type_max(type);
}
static int mult_ok(int32_t mult, int32_t shift, int32_t min_shift, int32_t max_shift) {
  return mult >= 0 && shift >= min_shift && shift <= max_shift;
}

/* ---- MUL: params 0 a_offset 1 b_offset 2 output_offset 3 mult 4 shift 5,6 act_min,max ---- */
pyrt_status pyrt_check_mul(const pyrt_check_ctx *c) {
  const int type = pyrt_ttype(c->m, pyrt_out(c, 0));
  const pyrt_status s = check_same_type_broadcast(c);
  if (s != PYRT_OK) return s;
  if (type == PYRT_INT16 && (pyrt_param(c, 0) != 0 || pyrt_param(c, 1) != 0 ||
                             pyrt_param(c, 2) != 0))
    return PYRT_E_OP_PARAMS;
  if (!in_offset_ok(pyrt_param(c, 0), type) || !in_offset_ok(pyrt_param(c, 1), type) ||
      !out_offset_ok(pyrt_param(c, 2), type))
    return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, 3), pyrt_param(c, 4), -31, 30)) return PYRT_E_OP_PARAMS;
  if (!act_ok(pyrt_param(c, 5), pyrt_param(c, 6), type)) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static int32_t mul_one(int32_t a, int32_t b, const void *ctx) {
  return pyrt_mul_elem((const pyrt_mul_desc *)ctx, a, b);
}

void pyrt_eval_mul(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  pyrt_mul_desc d;
  d.a_offset = p[PYRT_P_MUL_A_OFFSET];
  d.b_offset = p[PYRT_P_MUL_B_OFFSET];
  d.output_offset = p[PYRT_P_MUL_OUTPUT_OFFSET];
  d.out_mult = p[PYRT_P_MUL_OUT_MULT];
  d.out_shift = p[PYRT_P_MUL_OUT_SHIFT];
  d.act_min = p[PYRT_P_MUL_ACT_MIN];
  d.act_max = p[PYRT_P_MUL_ACT_MAX];
  if (pyrt_binary_is_flat_s8(m, op))
    pyrt_mul_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)),
                (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)),
                (int32_t)pyrt_telems(m, pyrt_op_tout(op, 0)));
  else
    pyrt_binary_apply(m, op, mul_one, &d);
}

/* ---- SQUARED_DIFFERENCE: ADD's layout (params 0..11), output multiplier may be > 1 ---- */
pyrt_status pyrt_check_squared_difference(const pyrt_check_ctx *c) {
  const int type = pyrt_ttype(c->m, pyrt_out(c, 0));
  const pyrt_status s = check_same_type_broadcast(c);
  if (s != PYRT_OK) return s;
  if (!in_offset_ok(pyrt_param(c, 0), type) || !in_offset_ok(pyrt_param(c, 1), type) ||
      !out_offset_ok(pyrt_param(c, 2), type))
    return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 3) < 0 || pyrt_param(c, 3) > 7) return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, 4), pyrt_param(c, 5), -31, 0) ||
      !mult_ok(pyrt_param(c, 6), pyrt_param(c, 7), -31, 0) ||
      !mult_ok(pyrt_param(c, 8), pyrt_param(c, 9), -31, 30))
    return PYRT_E_OP_PARAMS;
  if (!act_ok(pyrt_param(c, 10), pyrt_param(c, 11), type)) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static int32_t sqdiff_one(int32_t a, int32_t b, const void *ctx) {
  const int32_t *p = (const int32_t *)ctx;
  const int ls = p[3];
  const int32_t sa = pyrt_mbqm_lt1(pyrt_shl_wrap(a + p[0], ls), p[4], p[5]);
  const int32_t sb = pyrt_mbqm_lt1(pyrt_shl_wrap(b + p[1], ls), p[6], p[7]);
  const int32_t d = pyrt_sub_wrap(sa, sb);
  const int32_t sq = pyrt_wrap32((uint32_t)(uint64_t)((int64_t)d * (int64_t)d));
  return pyrt_clamp(pyrt_add_wrap(pyrt_mbqm(sq, p[8], p[9]), p[2]), p[10], p[11]);
}

void pyrt_eval_squared_difference(const pyrt_model *m, const pyrt_op *op) {
  pyrt_binary_apply(m, op, sqdiff_one, op->params);
}

/* ---- MINIMUM / MAXIMUM: no parameters (raw values compared, as TFLM does) ---- */
pyrt_status pyrt_check_min_max(const pyrt_check_ctx *c) { return check_same_type_broadcast(c); }

static int32_t min_one(int32_t a, int32_t b, const void *ctx) {
  (void)ctx;
  return a < b ? a : b;
}
static int32_t max_one(int32_t a, int32_t b, const void *ctx) {
  (void)ctx;
  return a > b ? a : b;
}

void pyrt_eval_minimum(const pyrt_model *m, const pyrt_op *op) {
  pyrt_binary_apply(m, op, min_one, (const void *)0);
}
void pyrt_eval_maximum(const pyrt_model *m, const pyrt_op *op) {
  pyrt_binary_apply(m, op, max_one, (const void *)0);
}

/* ---- PRELU: params 0 input_offset 1 alpha_offset 2 output_offset 3,4 mult1,shift1 (x >= 0)
 *      5,6 mult2,shift2 (x < 0); output clamped to its type. alpha is int8. ---- */
pyrt_status pyrt_check_prelu(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), al = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int type = pyrt_ttype(m, y);
  if (!pyrt_is_small_int(m, y) || pyrt_ttype(m, x) != type || pyrt_ttype(m, al) != PYRT_INT8)
    return PYRT_E_OP_TYPE;
  if (pyrt_check_broadcast(m, x, al, y) != PYRT_OK) return PYRT_E_OP_SHAPE;
  if (!in_offset_ok(pyrt_param(c, 0), type) || !in_offset_ok(pyrt_param(c, 1), PYRT_INT8) ||
      !out_offset_ok(pyrt_param(c, 2), type))
    return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, 3), pyrt_param(c, 4), -31, 30) ||
      !mult_ok(pyrt_param(c, 5), pyrt_param(c, 6), -31, 30))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static int32_t prelu_one(int32_t x, int32_t alpha, const int32_t *p) {
  const int32_t v = x + p[0];
  int32_t out;
  if (v >= 0) {
    out = pyrt_mbqm(v, p[3], p[4]);
  } else {
    out = pyrt_mbqm(v * (alpha + p[1]), p[5], p[6]); /* |v * alpha| < 2^25 */
  }
  return pyrt_add_wrap(out, p[2]);
}

static int32_t prelu_one8(int32_t x, int32_t alpha, const void *ctx) {
  return pyrt_clamp(prelu_one(x, alpha, (const int32_t *)ctx), -128, 127);
}
static int32_t prelu_one16(int32_t x, int32_t alpha, const void *ctx) {
  return pyrt_clamp(prelu_one(x, alpha, (const int32_t *)ctx), -32768, 32767);
}

void pyrt_eval_prelu(const pyrt_model *m, const pyrt_op *op) {
  const int type = pyrt_ttype(m, pyrt_op_tout(op, 0));
  pyrt_binary_apply(m, op, type == PYRT_INT16 ? prelu_one16 : prelu_one8, op->params);
}
