/* The operator table: code, parameter layout version, arity, parameter count, check and
 * eval functions. Optimized kernel sets (arm_dsp/, mve/, neon/) would provide their own eval
 * functions with the same check functions.
 *
 * Operator selection (compile time): without PYRT_OPS_SELECTED every operator is built. With
 * -DPYRT_OPS_SELECTED, an entry is kept only if -DPYRT_WITH_<NAME> is defined (NAME as in
 * PYRT_OP_<NAME>; one macro keeps every layout version of the operator). Kernels referenced
 * only by removed entries are then dropped by the linker (-ffunction-sections + --gc-sections),
 * and a blob using a removed operator is refused by pyrt_init with PYRT_E_OP. CMake:
 * -DPYRT_OPS="CONV_2D;SOFTMAX" (runtime_c/CMakeLists.txt); `pyruntime export-c` prints the
 * list a model needs. Keep one entry per line group `{PYRT_OP_<NAME>, ...}` wrapped in its
 * #if: tests/test_convert.py matches the entries against the Python operator table. */
#include "internal.h"
#include "kernels/kernels.h"

static const pyrt_op_def op_table[] = {
    /* code, version, min_in, max_in, n_out, inplace, n_params, check, eval */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_ADD)
    {PYRT_OP_ADD, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12, pyrt_check_add, pyrt_eval_add},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_AVERAGE_POOL_2D)
    {PYRT_OP_AVERAGE_POOL_2D, 1, 1, 1, 1, PYRT_INPLACE_NONE, 8, pyrt_check_pool,
     pyrt_eval_average_pool},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_CONV_2D)
    {PYRT_OP_CONV_2D, 1, 2, 3, 1, PYRT_INPLACE_NONE, 12, pyrt_check_conv, pyrt_eval_conv},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_DEPTHWISE_CONV_2D)
    {PYRT_OP_DEPTHWISE_CONV_2D, 1, 2, 3, 1, PYRT_INPLACE_NONE, 13, pyrt_check_depthwise_conv,
     pyrt_eval_depthwise_conv},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_FULLY_CONNECTED)
    {PYRT_OP_FULLY_CONNECTED, 1, 2, 3, 1, PYRT_INPLACE_NONE, 7, pyrt_check_fully_connected,
     pyrt_eval_fully_connected},
#endif
    /* int16 activations x int8 weights: layout version 2 (one more word, wide_acc) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_CONV_2D)
    {PYRT_OP_CONV_2D, 2, 2, 3, 1, PYRT_INPLACE_NONE, 13, pyrt_check_conv16, pyrt_eval_conv16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_DEPTHWISE_CONV_2D)
    {PYRT_OP_DEPTHWISE_CONV_2D, 2, 2, 3, 1, PYRT_INPLACE_NONE, 14, pyrt_check_depthwise_conv16,
     pyrt_eval_depthwise_conv16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_FULLY_CONNECTED)
    {PYRT_OP_FULLY_CONNECTED, 2, 2, 3, 1, PYRT_INPLACE_NONE, 8, pyrt_check_fully_connected16,
     pyrt_eval_fully_connected16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_TRANSPOSE_CONV)
    {PYRT_OP_TRANSPOSE_CONV, 1, 2, 3, 1, PYRT_INPLACE_NONE, 10, pyrt_check_transpose_conv,
     pyrt_eval_transpose_conv},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_BATCH_MATMUL)
    {PYRT_OP_BATCH_MATMUL, 1, 2, 2, 1, PYRT_INPLACE_NONE, 7, pyrt_check_batch_matmul,
     pyrt_eval_batch_matmul},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_MAX_POOL_2D)
    {PYRT_OP_MAX_POOL_2D, 1, 1, 1, 1, PYRT_INPLACE_NONE, 8, pyrt_check_pool, pyrt_eval_max_pool},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_RESHAPE)
    {PYRT_OP_RESHAPE, 1, 1, 2, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SOFTMAX)
    {PYRT_OP_SOFTMAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_softmax, pyrt_eval_softmax},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SOFTMAX)
    {PYRT_OP_SOFTMAX, 2, 1, 1, 1, PYRT_INPLACE_NONE, 4, pyrt_check_softmax16, pyrt_eval_softmax16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_LOG_SOFTMAX)
    {PYRT_OP_LOG_SOFTMAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 5, pyrt_check_log_softmax,
     pyrt_eval_log_softmax},
#endif
    /* elementwise binary (add.c, elementwise.c) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SUB)
    {PYRT_OP_SUB, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12, pyrt_check_add, pyrt_eval_sub},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_MUL)
    {PYRT_OP_MUL, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 7, pyrt_check_mul, pyrt_eval_mul},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SQUARED_DIFFERENCE)
    {PYRT_OP_SQUARED_DIFFERENCE, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 12,
     pyrt_check_squared_difference, pyrt_eval_squared_difference},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_MINIMUM)
    {PYRT_OP_MINIMUM, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 0, pyrt_check_min_max, pyrt_eval_minimum},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_MAXIMUM)
    {PYRT_OP_MAXIMUM, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 0, pyrt_check_min_max, pyrt_eval_maximum},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_PRELU)
    {PYRT_OP_PRELU, 1, 2, 2, 1, PYRT_INPLACE_EXACT, 7, pyrt_check_prelu, pyrt_eval_prelu},
#endif
    /* int8 activations by table (activations.c) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_RELU)
    {PYRT_OP_RELU, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_RELU6)
    {PYRT_OP_RELU6, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_LEAKY_RELU)
    {PYRT_OP_LEAKY_RELU, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_HARD_SWISH)
    {PYRT_OP_HARD_SWISH, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_LOGISTIC)
    {PYRT_OP_LOGISTIC, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_TANH)
    {PYRT_OP_TANH, 1, 1, 1, 1, PYRT_INPLACE_EXACT, 1, pyrt_check_lut8, pyrt_eval_lut8},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_LOGISTIC)
    {PYRT_OP_LOGISTIC, 2, 1, 1, 1, PYRT_INPLACE_EXACT, 3, pyrt_check_sig16, pyrt_eval_logistic16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_TANH)
    {PYRT_OP_TANH, 2, 1, 1, 1, PYRT_INPLACE_EXACT, 3, pyrt_check_sig16, pyrt_eval_tanh16},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_RESIZE_BILINEAR)
    {PYRT_OP_RESIZE_BILINEAR, 1, 1, 1, 1, PYRT_INPLACE_NONE, 2, pyrt_check_resize_bilinear,
     pyrt_eval_resize_bilinear},
#endif
    /* float interfaces, requantization (quantize.c) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_QUANTIZE)
    {PYRT_OP_QUANTIZE, 1, 1, 1, 1, PYRT_INPLACE_NONE, 5, pyrt_check_quantize, pyrt_eval_quantize},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_DEQUANTIZE)
    {PYRT_OP_DEQUANTIZE, 1, 1, 1, 1, PYRT_INPLACE_NONE, 2, pyrt_check_dequantize,
     pyrt_eval_dequantize},
#endif
    /* data movement: move programs (kernels/move.c) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_CONCATENATION)
    {PYRT_OP_CONCATENATION, 1, 1, 255, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_DEPTH_TO_SPACE)
    {PYRT_OP_DEPTH_TO_SPACE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SPACE_TO_DEPTH)
    {PYRT_OP_SPACE_TO_DEPTH, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_PAD)
    {PYRT_OP_PAD, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_TRANSPOSE)
    {PYRT_OP_TRANSPOSE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_STRIDED_SLICE)
    {PYRT_OP_STRIDED_SLICE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SPLIT)
    {PYRT_OP_SPLIT, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_PADV2)
    {PYRT_OP_PADV2, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SLICE)
    {PYRT_OP_SLICE, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_PACK)
    {PYRT_OP_PACK, 1, 1, 255, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_UNPACK)
    {PYRT_OP_UNPACK, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_RESIZE_NEAREST_NEIGHBOR)
    {PYRT_OP_RESIZE_NEAREST_NEIGHBOR, 1, 1, 1, 1, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SPLIT_V)
    {PYRT_OP_SPLIT_V, 1, 1, 1, 0, PYRT_INPLACE_NONE, PYRT_PARAMS_ANY, pyrt_check_move,
     pyrt_eval_move},
#endif
    /* SQUEEZE, EXPAND_DIMS: reinterpretations, like RESHAPE */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_SQUEEZE)
    {PYRT_OP_SQUEEZE, 1, 1, 1, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_EXPAND_DIMS)
    {PYRT_OP_EXPAND_DIMS, 1, 1, 1, 1, PYRT_INPLACE_ANY, 0, pyrt_check_reshape, pyrt_eval_reshape},
#endif
    /* reductions (kernels/reduce.c) */
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_MEAN)
    {PYRT_OP_MEAN, 1, 1, 1, 1, PYRT_INPLACE_NONE, 13, pyrt_check_mean, pyrt_eval_mean},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_ARG_MAX)
    {PYRT_OP_ARG_MAX, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_arg_minmax, pyrt_eval_arg_max},
#endif
#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_ARG_MIN)
    {PYRT_OP_ARG_MIN, 1, 1, 1, 1, PYRT_INPLACE_NONE, 3, pyrt_check_arg_minmax, pyrt_eval_arg_min},
#endif
    /* terminator (check == 0); keeps the array non-empty when nothing is selected */
    {0, 0, 0, 0, 0, 0, 0, (pyrt_check_fn)0, (pyrt_eval_fn)0},
};

const pyrt_op_def *pyrt_find_op(uint32_t code, uint32_t version) {
  const pyrt_op_def *d;
  for (d = op_table; d->check != (pyrt_check_fn)0; ++d)
    if (d->code == code && d->version == version) return d;
  return (const pyrt_op_def *)0;
}

int pyrt_op_supported(uint32_t op_code, uint32_t layout_version) {
  return pyrt_find_op(op_code, layout_version) != (const pyrt_op_def *)0;
}
