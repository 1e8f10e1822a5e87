/* ADD and SUB, int8 and int16, broadcasting up to 6-D (TFLite reference_integer_ops::Add /
 * BroadcastAdd6DSlow, reference_ops::BroadcastQuantSubSlow; left shift 20 for int8, 15 for
 * int16). */
#include "binary.h"
#include "quant.h"

/* params: 0 a_offset  1 b_offset  2 output_offset  3 left_shift  4,5 a_mult,a_shift
 *         6,7 b_mult,b_shift  8,9 out_mult,out_shift  10,11 act_min,max */
pyrt_status pyrt_check_add(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t a = pyrt_in(c, 0), b = pyrt_in(c, 1), y = pyrt_out(c, 0);
  const int type = pyrt_ttype(m, y);
  const int32_t lo = pyrt_type_min(type), hi = pyrt_type_max(type);
  int k;

  if (!pyrt_is_small_int(m, y) || pyrt_ttype(m, a) != type || pyrt_ttype(m, b) != type)
    return PYRT_E_OP_TYPE;
  if (pyrt_check_broadcast(m, a, b, y) != PYRT_OK) return PYRT_E_OP_SHAPE;

  /* -offset within the type (TFLite CheckArithmeticParams) */
  if (pyrt_param(c, 0) < -hi || pyrt_param(c, 0) > -lo) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 1) < -hi || pyrt_param(c, 1) > -lo) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 2) < lo || pyrt_param(c, 2) > hi) return PYRT_E_OP_PARAMS;
  /* |(x + offset) << left_shift| stays below 2^31: 255 << 22 (int8), 65535 << 15 (int16) */
  if (pyrt_param(c, 3) < 0 || pyrt_param(c, 3) > (type == PYRT_INT16 ? 15 : 22))
    return PYRT_E_OP_PARAMS;
  for (k = 4; k <= 8; k += 2) {
    if (pyrt_param(c, (uint32_t)k) < 0) return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, (uint32_t)k + 1) < -31 || pyrt_param(c, (uint32_t)k + 1) > 0)
      return PYRT_E_OP_PARAMS;
  }
  if (pyrt_param(c, 10) < lo || pyrt_param(c, 10) > pyrt_param(c, 11) || pyrt_param(c, 11) > hi)
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static inline int32_t scaled(int32_t x, int32_t offset, const int32_t *p, int k) {
  return pyrt_mbqm_lt1(pyrt_shl_wrap(x + offset, p[3]), p[k], p[k + 1]);
}

static int32_t add_one(int32_t x, int32_t y, const int32_t *p) {
  const int32_t sum = pyrt_add_wrap(scaled(x, p[0], p, 4), scaled(y, p[1], p, 6));
  return pyrt_clamp(pyrt_add_wrap(pyrt_mbqm_lt1(sum, p[8], p[9]), p[2]), p[10], p[11]);
}

static int32_t sub_one(int32_t x, int32_t y, const int32_t *p) {
  const int32_t diff = pyrt_sub_wrap(scaled(x, p[0], p, 4), scaled(y, p[1], p, 6));
  return pyrt_clamp(pyrt_add_wrap(pyrt_mbqm_lt1(diff, p[8], p[9]), p[2]), p[10], p[11]);
}

void pyrt_eval_add(const pyrt_model *m, const pyrt_op *op) { pyrt_binary_apply(m, op, add_one); }
void pyrt_eval_sub(const pyrt_model *m, const pyrt_op *op) { pyrt_binary_apply(m, op, sub_one); }
