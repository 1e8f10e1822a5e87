/* The operator table: code, parameter layout version, arity, parameter count, check and
 * eval functions. Optimized kernel sets (arm_dsp/, mve/, neon/) would provide their own eval
 * functions with the same check functions. */
#include "internal.h"
#include "kernels/kernels.h"

static const pyrt_op_def op_table[] = {
    /* code, version, min_in, max_in, n_out, inplace, n_params, check, eval */
    {PYRT_OP_ADD, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12, pyrt_check_add, pyrt_eval_add},
    {PYRT_OP_AVERAGE_POOL_2D, 1, 1, 1, 1, PYRT_INPLACE_NONE, 8, pyrt_check_pool,
     pyrt_eval_average_pool},
    {PYRT_OP_CONV_2D, 1, 2, 3, 1, PYRT_INPLACE_NONE, 12, pyrt_check_conv, pyrt_eval_conv},
    {PYRT_OP_DEPTHWISE_CONV_2D, 1, 2, 3, 1, PYRT_INPLACE_NONE, 13, pyrt_check_depthwise_conv,
     pyrt_eval_depthwise_conv},
    {PYRT_OP_FULLY_CONNECTED, 1, 2, 3, 1, PYRT_INPLACE_NONE, 7, pyrt_check_fully_connected,
     pyrt_eval_fully_connected},
    {PYRT_OP_MAX_POOL_2D, 1, 1, 1, 1, PYRT_INPLACE_NONE, 8, pyrt_check_pool, pyrt_eval_max_pool},
    {PYRT_OP_RESHAPE, 1, 1, 2, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
    {PYRT_OP_SOFTMAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_softmax, pyrt_eval_softmax},
};

const pyrt_op_def *pyrt_find_op(uint32_t code, uint32_t version) {
  size_t i;
  for (i = 0; i < sizeof op_table / sizeof op_table[0]; ++i)
    if (op_table[i].code == code && op_table[i].version == version) return &op_table[i];
  return (const pyrt_op_def *)0;
}
