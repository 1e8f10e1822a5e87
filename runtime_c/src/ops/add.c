/* ADD and SUB, int8 and int16, broadcasting up to 6-D (TFLite reference_integer_ops::Add /
 * BroadcastAdd6DSlow, reference_ops::BroadcastQuantSubSlow; left shift 20 for int8, 15 for
 * int16). */
#include "binary.h"
#include "../kernels/elementwise_arith.h"

#if PYRT_P_SUB_ACT_MAX != PYRT_P_ADD_ACT_MAX || PYRT_P_SQUARED_DIFFERENCE_ACT_MAX != PYRT_P_ADD_ACT_MAX
#error "ADD, SUB and SQUARED_DIFFERENCE layouts differ"
#endif

static void add_decode(const int32_t *p, pyrt_add_desc *d) {
  d->a_offset = p[PYRT_P_ADD_A_OFFSET];
  d->b_offset = p[PYRT_P_ADD_B_OFFSET];
  d->output_offset = p[PYRT_P_ADD_OUTPUT_OFFSET];
  d->left_shift = p[PYRT_P_ADD_LEFT_SHIFT];
  d->a_mult = p[PYRT_P_ADD_A_MULT];
  d->a_shift = p[PYRT_P_ADD_A_SHIFT];
  d->b_mult = p[PYRT_P_ADD_B_MULT];
  d->b_shift = p[PYRT_P_ADD_B_SHIFT];
  d->out_mult = p[PYRT_P_ADD_OUT_MULT];
  d->out_shift = p[PYRT_P_ADD_OUT_SHIFT];
  d->act_min = p[PYRT_P_ADD_ACT_MIN];
  d->act_max = p[PYRT_P_ADD_ACT_MAX];
}

static int mult_below_one(int32_t m, int32_t shift) { return m >= 0 && shift >= -31 && shift <= 0; }

pyrt_status pyrt_check_add(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int type = pyrt_ttype(m, y);
  const int32_t lo = pyrt_type_min(type), hi = pyrt_type_max(type);
  pyrt_add_desc d;

  if (!pyrt_is_small_int(m, y) || pyrt_ttype(m, a) != type || pyrt_ttype(m, b) != type)
    return PYRT_E_OP_TYPE;
  if (pyrt_check_broadcast(m, a, b, y) != PYRT_OK) return PYRT_E_OP_SHAPE;
  add_decode(c->params, &d);
  /* -offset within the type (TFLite CheckArithmeticParams) */
  if (d.a_offset < -hi || d.a_offset > -lo || d.b_offset < -hi || d.b_offset > -lo)
    return PYRT_E_OP_PARAMS;
  if (d.output_offset < lo || d.output_offset > hi) return PYRT_E_OP_PARAMS;
  /* |(x + offset) << left_shift| stays below 2^31: 255 << 22 (int8), 65535 << 15 (int16) */
  if (d.left_shift < 0 || d.left_shift > (type == PYRT_INT16 ? 15 : 22)) return PYRT_E_OP_PARAMS;
  if (!mult_below_one(d.a_mult, d.a_shift) || !mult_below_one(d.b_mult, d.b_shift) ||
      !mult_below_one(d.out_mult, d.out_shift))
    return PYRT_E_OP_PARAMS;
  if (d.act_min < lo || d.act_min > d.act_max || d.act_max > hi) return PYRT_E_OP_PARAMS;
  /* same-shape int8: the elementwise kernel and its scratch (ADD and SUB need the same) */
  if (type == PYRT_INT8 && pyrt_telems(m, a) == pyrt_telems(m, y) &&
      pyrt_telems(m, b) == pyrt_telems(m, y))
    return pyrt_check_scratch(c, pyrt_add_s8_scratch_bytes(&d, (int32_t)pyrt_telems(m, y)));
  return PYRT_OK;
}

static int32_t add_one(int32_t a, int32_t b, const void *ctx) {
  return pyrt_add_elem((const pyrt_add_desc *)ctx, a, b, 0);
}

static int32_t sub_one(int32_t a, int32_t b, const void *ctx) {
  return pyrt_add_elem((const pyrt_add_desc *)ctx, a, b, 1);
}

/* Same-shape int8: the elementwise kernel; otherwise the broadcasting driver. */
static void add_sub(const pyrt_model *m, const pyrt_op *op, int sub) {
  pyrt_add_desc d;
  add_decode(op->params, &d);
  if (pyrt_binary_is_flat_s8(m, op)) {
    const int8_t *a = (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0));
    const int8_t *b = (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1));
    int8_t *y = (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0));
    const int32_t n = (int32_t)pyrt_telems(m, pyrt_op_tout(op, 0));
    if (sub)
      pyrt_sub_s8(&d, a, b, y, n, op->scratch);
    else
      pyrt_add_s8(&d, a, b, y, n, op->scratch);
  } else {
    pyrt_binary_apply(m, op, sub ? sub_one : add_one, &d);
  }
}

void pyrt_eval_add(const pyrt_model *m, const pyrt_op *op) { add_sub(m, op, 0); }
void pyrt_eval_sub(const pyrt_model *m, const pyrt_op *op) { add_sub(m, op, 1); }
