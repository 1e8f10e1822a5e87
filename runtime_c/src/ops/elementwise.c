/* Elementwise binary operators, int8 and int16, broadcasting up to 6-D:
 * SUB, MUL, SQUARED_DIFFERENCE, MINIMUM, MAXIMUM, PRELU (ADD lives in add.c), and the
 * broadcast decode they share (pyrt_binary_apply: kernels broadcast_s8 / broadcast_s16 with an
 * element function; the others have kernels of their own, kernels/ref_broadcast.h). */
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

int pyrt_binary_is_flat_s8(const pyrt_model *m, const pyrt_op *op) {
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const uint32_t n = pyrt_telems(m, yi);
  return pyrt_ttype(m, yi) == PYRT_INT8 && pyrt_telems(m, ai) == n && pyrt_telems(m, bi) == n;
}

/* The broadcast of op's inputs 0 and 1 onto its output 0 (shapes checked by
 * pyrt_check_broadcast). */
static void broadcast_decode(const pyrt_model *m, const pyrt_op *op, pyrt_broadcast_desc *d) {
  const int32_t ai = pyrt_op_tin(op, 0), bi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const int ra = pyrt_trank(m, ai), rb = pyrt_trank(m, bi), ry = pyrt_trank(m, yi);
  int32_t stra = 1, strb = 1;
  int k;
  d->n = (int32_t)pyrt_telems(m, yi);
  d->flat = (int32_t)pyrt_telems(m, ai) == d->n && (int32_t)pyrt_telems(m, bi) == d->n;
  /* extended to 6-D, right-aligned; stride 0 along broadcast dimensions */
  for (k = PYRT_BCAST_DIMS - 1; k >= 0; --k) {
    const int back = PYRT_BCAST_DIMS - 1 - k; /* 0 = innermost */
    const int32_t da = back < ra ? pyrt_tdim(m, ai, ra - 1 - back) : 1;
    const int32_t db = back < rb ? pyrt_tdim(m, bi, rb - 1 - back) : 1;
    d->dims[k] = back < ry ? pyrt_tdim(m, yi, ry - 1 - back) : 1;
    d->a_stride[k] = (da == 1) ? 0 : stra;
    d->b_stride[k] = (db == 1) ? 0 : strb;
    stra *= da;
    strb *= db;
  }
}

#if PYRT_BCAST_DIMS != PYRT_MAX_DIMS
#error "the broadcast kernels cover PYRT_MAX_DIMS dimensions"
#endif

/* Data of op's inputs 0, 1 and output 0. */
#define BIN_A(m, op) pyrt_tptr(m, pyrt_op_tin(op, 0))
#define BIN_B(m, op) pyrt_tptr(m, pyrt_op_tin(op, 1))
#define BIN_Y(m, op) pyrt_tptr(m, pyrt_op_tout(op, 0))

void pyrt_binary_apply(const pyrt_model *m, const pyrt_op *op, pyrt_binary_fn f,
                       const void *ctx) {
  pyrt_broadcast_desc d;
  broadcast_decode(m, op, &d);
  if (pyrt_ttype(m, pyrt_op_tout(op, 0)) == PYRT_INT16)
    pyrt_broadcast_s16(&d, (const int16_t *)BIN_A(m, op), (const int16_t *)BIN_B(m, op),
                       (int16_t *)BIN_Y(m, op), f, ctx);
  else
    pyrt_broadcast_s8(&d, (const int8_t *)BIN_A(m, op), (const int8_t *)BIN_B(m, op),
                      (int8_t *)BIN_Y(m, op), f, ctx);
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
  if (type == PYRT_INT16 && (pyrt_param(c, PYRT_P_MUL_A_OFFSET) != 0 || pyrt_param(c, PYRT_P_MUL_B_OFFSET) != 0 ||
                             pyrt_param(c, PYRT_P_MUL_OUTPUT_OFFSET) != 0))
    return PYRT_E_OP_PARAMS;
  if (!in_offset_ok(pyrt_param(c, PYRT_P_MUL_A_OFFSET), type) || !in_offset_ok(pyrt_param(c, PYRT_P_MUL_B_OFFSET), type) ||
      !out_offset_ok(pyrt_param(c, PYRT_P_MUL_OUTPUT_OFFSET), type))
    return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, PYRT_P_MUL_OUT_MULT), pyrt_param(c, PYRT_P_MUL_OUT_SHIFT), -31, 30)) return PYRT_E_OP_PARAMS;
  if (!act_ok(pyrt_param(c, PYRT_P_MUL_ACT_MIN), pyrt_param(c, PYRT_P_MUL_ACT_MAX), type)) return PYRT_E_OP_PARAMS;
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

/* ---- SQUARED_DIFFERENCE: ADD's layout, output multiplier may be > 1 ---- */
pyrt_status pyrt_check_squared_difference(const pyrt_check_ctx *c) {
  const int type = pyrt_ttype(c->m, pyrt_out(c, 0));
  const int32_t ls = pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_LEFT_SHIFT);
  const pyrt_status s = check_same_type_broadcast(c);
  if (s != PYRT_OK) return s;
  if (!in_offset_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_A_OFFSET), type) ||
      !in_offset_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_B_OFFSET), type) ||
      !out_offset_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_OUTPUT_OFFSET), type))
    return PYRT_E_OP_PARAMS;
  if (ls < 0 || ls > 7) return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_A_MULT),
               pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_A_SHIFT), -31, 0) ||
      !mult_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_B_MULT),
               pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_B_SHIFT), -31, 0) ||
      !mult_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_OUT_MULT),
               pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_OUT_SHIFT), -31, 30))
    return PYRT_E_OP_PARAMS;
  if (!act_ok(pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_ACT_MIN),
              pyrt_param(c, PYRT_P_SQUARED_DIFFERENCE_ACT_MAX), type))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_squared_difference(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  pyrt_add_desc q;
  pyrt_broadcast_desc d;
  q.a_offset = p[PYRT_P_SQUARED_DIFFERENCE_A_OFFSET];
  q.b_offset = p[PYRT_P_SQUARED_DIFFERENCE_B_OFFSET];
  q.output_offset = p[PYRT_P_SQUARED_DIFFERENCE_OUTPUT_OFFSET];
  q.left_shift = p[PYRT_P_SQUARED_DIFFERENCE_LEFT_SHIFT];
  q.a_mult = p[PYRT_P_SQUARED_DIFFERENCE_A_MULT];
  q.a_shift = p[PYRT_P_SQUARED_DIFFERENCE_A_SHIFT];
  q.b_mult = p[PYRT_P_SQUARED_DIFFERENCE_B_MULT];
  q.b_shift = p[PYRT_P_SQUARED_DIFFERENCE_B_SHIFT];
  q.out_mult = p[PYRT_P_SQUARED_DIFFERENCE_OUT_MULT];
  q.out_shift = p[PYRT_P_SQUARED_DIFFERENCE_OUT_SHIFT];
  q.act_min = p[PYRT_P_SQUARED_DIFFERENCE_ACT_MIN];
  q.act_max = p[PYRT_P_SQUARED_DIFFERENCE_ACT_MAX];
  broadcast_decode(m, op, &d);
  if (pyrt_ttype(m, pyrt_op_tout(op, 0)) == PYRT_INT16)
    pyrt_squared_difference_s16(&q, &d, (const int16_t *)BIN_A(m, op),
                                (const int16_t *)BIN_B(m, op), (int16_t *)BIN_Y(m, op));
  else
    pyrt_squared_difference_s8(&q, &d, (const int8_t *)BIN_A(m, op),
                               (const int8_t *)BIN_B(m, op), (int8_t *)BIN_Y(m, op));
}

/* ---- MINIMUM / MAXIMUM: no parameters (raw values compared, as TFLM does) ---- */
pyrt_status pyrt_check_min_max(const pyrt_check_ctx *c) { return check_same_type_broadcast(c); }

static void min_max(const pyrt_model *m, const pyrt_op *op, int is_max) {
  pyrt_broadcast_desc d;
  const int s16 = pyrt_ttype(m, pyrt_op_tout(op, 0)) == PYRT_INT16;
  const void *a = BIN_A(m, op), *b = BIN_B(m, op);
  void *y = BIN_Y(m, op);
  broadcast_decode(m, op, &d);
  if (is_max && s16)
    pyrt_maximum_s16(&d, (const int16_t *)a, (const int16_t *)b, (int16_t *)y);
  else if (is_max)
    pyrt_maximum_s8(&d, (const int8_t *)a, (const int8_t *)b, (int8_t *)y);
  else if (s16)
    pyrt_minimum_s16(&d, (const int16_t *)a, (const int16_t *)b, (int16_t *)y);
  else
    pyrt_minimum_s8(&d, (const int8_t *)a, (const int8_t *)b, (int8_t *)y);
}

void pyrt_eval_minimum(const pyrt_model *m, const pyrt_op *op) { min_max(m, op, 0); }
void pyrt_eval_maximum(const pyrt_model *m, const pyrt_op *op) { min_max(m, op, 1); }

/* ---- PRELU: (mult1, shift1) for x >= 0, (mult2, shift2) for x < 0; output clamped to its
 *      type. alpha is int8. ---- */
pyrt_status pyrt_check_prelu(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), al = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int type = pyrt_ttype(m, y);
  if (!pyrt_is_small_int(m, y) || pyrt_ttype(m, x) != type || pyrt_ttype(m, al) != PYRT_INT8)
    return PYRT_E_OP_TYPE;
  if (pyrt_check_broadcast(m, x, al, y) != PYRT_OK) return PYRT_E_OP_SHAPE;
  if (!in_offset_ok(pyrt_param(c, PYRT_P_PRELU_INPUT_OFFSET), type) ||
      !in_offset_ok(pyrt_param(c, PYRT_P_PRELU_ALPHA_OFFSET), PYRT_INT8) ||
      !out_offset_ok(pyrt_param(c, PYRT_P_PRELU_OUTPUT_OFFSET), type))
    return PYRT_E_OP_PARAMS;
  if (!mult_ok(pyrt_param(c, PYRT_P_PRELU_MULT1), pyrt_param(c, PYRT_P_PRELU_SHIFT1), -31, 30) ||
      !mult_ok(pyrt_param(c, PYRT_P_PRELU_MULT2), pyrt_param(c, PYRT_P_PRELU_SHIFT2), -31, 30))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_prelu(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int8_t *alpha = (const int8_t *)BIN_B(m, op);
  pyrt_prelu_desc q;
  pyrt_broadcast_desc d;
  q.input_offset = p[PYRT_P_PRELU_INPUT_OFFSET];
  q.alpha_offset = p[PYRT_P_PRELU_ALPHA_OFFSET];
  q.output_offset = p[PYRT_P_PRELU_OUTPUT_OFFSET];
  q.mult1 = p[PYRT_P_PRELU_MULT1];
  q.shift1 = p[PYRT_P_PRELU_SHIFT1];
  q.mult2 = p[PYRT_P_PRELU_MULT2];
  q.shift2 = p[PYRT_P_PRELU_SHIFT2];
  broadcast_decode(m, op, &d);
  if (pyrt_ttype(m, pyrt_op_tout(op, 0)) == PYRT_INT16)
    pyrt_prelu_s16(&q, &d, (const int16_t *)BIN_A(m, op), alpha, (int16_t *)BIN_Y(m, op));
  else
    pyrt_prelu_s8(&q, &d, (const int8_t *)BIN_A(m, op), alpha, (int8_t *)BIN_Y(m, op));
}
