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
    /* int16 activations x int8 weights: layout version 2 (one more word, wide_acc) */
    {PYRT_OP_CONV_2D, 2, 2, 3, 1, PYRT_INPLACE_NONE, 13, pyrt_check_conv16, pyrt_eval_conv16},
    {PYRT_OP_DEPTHWISE_CONV_2D, 2, 2, 3, 1, PYRT_INPLACE_NONE, 14, pyrt_check_depthwise_conv16,
     pyrt_eval_depthwise_conv16},
    {PYRT_OP_FULLY_CONNECTED, 2, 2, 3, 1, PYRT_INPLACE_NONE, 8, pyrt_check_fully_connected16,
     pyrt_eval_fully_connected16},
    {PYRT_OP_TRANSPOSE_CONV, 1, 2, 3, 1, PYRT_INPLACE_NONE, 10, pyrt_check_transpose_conv,
     pyrt_eval_transpose_conv},
    {PYRT_OP_BATCH_MATMUL, 1, 2, 2, 1, PYRT_INPLACE_NONE, 7, pyrt_check_batch_matmul,
     pyrt_eval_batch_matmul},
    {PYRT_OP_MAX_POOL_2D, 1, 1, 1, 1, PYRT_INPLACE_NONE, 8, pyrt_check_pool, pyrt_eval_max_pool},
    {PYRT_OP_RESHAPE, 1, 1, 2, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
    {PYRT_OP_SOFTMAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_softmax, pyrt_eval_softmax},
    {PYRT_OP_SOFTMAX, 2, 1, 1, 1, PYRT_INPLACE_NONE, 4, pyrt_check_softmax16, pyrt_eval_softmax16},
    {PYRT_OP_LOG_SOFTMAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 5, pyrt_check_log_softmax,
     pyrt_eval_log_softmax},
    /* elementwise binary (add.c, elementwise.c) */
    {PYRT_OP_SUB, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12, pyrt_check_add, pyrt_eval_sub},
    {PYRT_OP_MUL, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 7, pyrt_check_mul, pyrt_eval_mul},
    {PYRT_OP_SQUARED_DIFFERENCE, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12,
     pyrt_check_squared_difference, pyrt_eval_squared_difference},
    {PYRT_OP_MINIMUM, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 0, pyrt_check_min_max, pyrt_eval_minimum},
    {PYRT_OP_MAXIMUM, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 0, pyrt_check_min_max, pyrt_eval_maximum},
    {PYRT_OP_PRELU, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 7, pyrt_check_prelu, pyrt_eval_prelu},
    /* int8 activations by table (activations.c) */
    {PYRT_OP_RELU, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_RELU6, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_LEAKY_RELU, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_HARD_SWISH, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_LOGISTIC, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_TANH, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
    {PYRT_OP_LOGISTIC, 2, 1, 1, 1, PYRT_INPLACE_EXACT, 3, pyrt_check_sig16, pyrt_eval_logistic16},
    {PYRT_OP_TANH, 2, 1, 1, 1, PYRT_INPLACE_EXACT, 3, pyrt_check_sig16, pyrt_eval_tanh16},
    {PYRT_OP_RESIZE_BILINEAR, 1, 1, 1, 1, PYRT_INPLACE_NONE, 2, pyrt_check_resize_bilinear,
     pyrt_eval_resize_bilinear},
    /* float interfaces, requantization (quantize.c) */
    {PYRT_OP_QUANTIZE, 1, 1, 1, 1, PYRT_INPLACE_NONE, 5, pyrt_check_quantize, pyrt_eval_quantize},
    {PYRT_OP_DEQUANTIZE, 1, 1, 1, 1, PYRT_INPLACE_NONE, 2, pyrt_check_dequantize,
     pyrt_eval_dequantize},
    /* data movement: move programs (kernels/move.c) */
    {PYRT_OP_CONCATENATION, 1, 1, 255, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_DEPTH_TO_SPACE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_SPACE_TO_DEPTH, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_PAD, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_TRANSPOSE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_STRIDED_SLICE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_SPLIT, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_PADV2, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_SLICE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_PACK, 1, 1, 255, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_UNPACK, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_RESIZE_NEAREST_NEIGHBOR, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    {PYRT_OP_SPLIT_V, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
    /* SQUEEZE, EXPAND_DIMS: reinterpretations, like RESHAPE */
    {PYRT_OP_SQUEEZE, 1, 1, 1, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
    {PYRT_OP_EXPAND_DIMS, 1, 1, 1, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
    /* reductions (kernels/reduce.c) */
    {PYRT_OP_MEAN, 1, 1, 1, 1, PYRT_INPLACE_NONE, 13, pyrt_check_mean, pyrt_eval_mean},
    {PYRT_OP_ARG_MAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_arg_minmax, pyrt_eval_arg_max},
    {PYRT_OP_ARG_MIN, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_arg_minmax, pyrt_eval_arg_min},
};

const pyrt_op_def *pyrt_find_op(uint32_t code, uint32_t version) {
  size_t i;
  for (i = 0; i < sizeof op_table / sizeof op_table[0]; ++i)
    if (op_table[i].code == code && op_table[i].version == version) return &op_table[i];
  return (const pyrt_op_def *)0;
}

int pyrt_op_supported(uint32_t op_code, uint32_t layout_version) {
  return pyrt_find_op(op_code, layout_version) != (const pyrt_op_def *)0;
}
