/* MEAN int8/int16 (TFLM QuantizedMeanOrSum arithmetic, kernels mean_s8 / mean_s16) and
 * ARG_MAX / ARG_MIN int8 -> int32 (arg_max_s8 / arg_min_s8). ARG_MIN shares ARG_MAX's words. */
#include "binary.h"

/* nd dims d0.. (outer to inner), reduce_mask (bit k: dim k reduced), zero points, the
 * requantization and n (elements per output) */
pyrt_status pyrt_check_mean(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t nd = pyrt_param(c, PYRT_P_MEAN_ND), mask = pyrt_param(c, PYRT_P_MEAN_REDUCE_MASK);
  const int32_t shift = pyrt_param(c, PYRT_P_MEAN_SHIFT);
  const int type = pyrt_ttype(m, x);
  int64_t all = 1, kept = 1;
  int32_t k;
  if (!pyrt_is_small_int(m, x) || pyrt_ttype(m, y) != type) return PYRT_E_OP_TYPE;
  if (nd < 1 || nd > PYRT_MEAN_MAX_DIMS || mask < 0 || mask >= (1 << nd)) return PYRT_E_OP_PARAMS;
  for (k = 0; k < nd; ++k) {
    const int32_t d = pyrt_param(c, PYRT_P_MEAN_D0 + (uint32_t)k);
    if (d < 1 || d > 65535) return PYRT_E_OP_PARAMS;
    all *= d;
    if (!(mask & (1 << k))) kept *= d;
    if (all > INT32_MAX) return PYRT_E_OP_PARAMS;
  }
  if ((uint64_t)all != pyrt_telems(m, x) || (uint64_t)kept != pyrt_telems(m, y))
    return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, PYRT_P_MEAN_N) != (int32_t)(all / kept)) return PYRT_E_OP_PARAMS;
  if (!pyrt_type_holds(type, pyrt_param(c, PYRT_P_MEAN_INPUT_ZP)) ||
      !pyrt_type_holds(type, pyrt_param(c, PYRT_P_MEAN_OUTPUT_ZP)))
    return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, PYRT_P_MEAN_MULT) < 0 || shift < -31 || shift > 30) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

#if PYRT_P_MEAN_D5 - PYRT_P_MEAN_D0 + 1 != PYRT_MEAN_MAX_DIMS
#error "MEAN layout: d0..d5 must be PYRT_MEAN_MAX_DIMS consecutive words"
#endif

void pyrt_eval_mean(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  pyrt_mean_desc d;
  int k;
  d.nd = p[PYRT_P_MEAN_ND];
  for (k = 0; k < PYRT_MEAN_MAX_DIMS; ++k) d.dims[k] = p[PYRT_P_MEAN_D0 + k];
  d.reduce_mask = p[PYRT_P_MEAN_REDUCE_MASK];
  d.input_zero_point = p[PYRT_P_MEAN_INPUT_ZP];
  d.output_zero_point = p[PYRT_P_MEAN_OUTPUT_ZP];
  d.mult = p[PYRT_P_MEAN_MULT];
  d.shift = p[PYRT_P_MEAN_SHIFT];
  d.n = p[PYRT_P_MEAN_N];
  if (pyrt_ttype(m, xi) == PYRT_INT16)
    pyrt_mean_s16(&d, (const int16_t *)pyrt_tptr(m, xi), (int16_t *)pyrt_tptr(m, yi));
  else
    pyrt_mean_s8(&d, (const int8_t *)pyrt_tptr(m, xi), (int8_t *)pyrt_tptr(m, yi));
}

pyrt_status pyrt_check_arg_minmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t outer = pyrt_param(c, PYRT_P_ARG_MAX_OUTER);
  const int32_t axis = pyrt_param(c, PYRT_P_ARG_MAX_AXIS_SIZE);
  const int32_t inner = pyrt_param(c, PYRT_P_ARG_MAX_INNER);
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT32) return PYRT_E_OP_TYPE;
  if (outer < 1 || axis < 1 || inner < 1) return PYRT_E_OP_PARAMS;
  if ((uint64_t)outer * (uint64_t)inner != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if ((uint64_t)outer * (uint64_t)inner * (uint64_t)axis != pyrt_telems(m, x))
    return PYRT_E_OP_SHAPE;
  return PYRT_OK;
}

static void arg_decode(const pyrt_op *op, pyrt_arg_desc *d) {
  d->outer = op->params[PYRT_P_ARG_MAX_OUTER];
  d->axis = op->params[PYRT_P_ARG_MAX_AXIS_SIZE];
  d->inner = op->params[PYRT_P_ARG_MAX_INNER];
}

void pyrt_eval_arg_max(const pyrt_model *m, const pyrt_op *op) {
  pyrt_arg_desc d;
  arg_decode(op, &d);
  pyrt_arg_max_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                  (int32_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}

void pyrt_eval_arg_min(const pyrt_model *m, const pyrt_op *op) {
  pyrt_arg_desc d;
  arg_decode(op, &d);
  pyrt_arg_min_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                  (int32_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
