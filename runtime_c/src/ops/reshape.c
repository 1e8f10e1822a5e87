/* RESHAPE (and SQUEEZE, EXPAND_DIMS): no-op when the planner aliased the output onto the input,
 * else a byte copy with memmove semantics (kernel copy_u8). No parameter words. */
#include "adapt.h"

pyrt_status pyrt_check_reshape(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  /* an optional second input (TFLite's shape tensor) is ignored */
  if (pyrt_ttype(m, x) != pyrt_ttype(m, y)) return PYRT_E_OP_TYPE;
  if (pyrt_tbytes(m, x) != pyrt_tbytes(m, y)) return PYRT_E_OP_SHAPE;
  return PYRT_OK;
}

void pyrt_eval_reshape(const pyrt_model *m, const pyrt_op *op) {
  pyrt_copy_u8((const uint8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
               (uint8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)), pyrt_tbytes(m, pyrt_op_tin(op, 0)));
}
