/* Reference int8 kernels: one check function (run by pyrt_init) and one eval function
 * (run by pyrt_invoke, no checks) per operator family. */
#ifndef PYRT_KERNELS_H
#define PYRT_KERNELS_H

#include "../internal.h"

pyrt_status pyrt_check_conv(const pyrt_check_ctx *c);
pyrt_status pyrt_check_conv_window(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t y,
                                   int32_t cout, int int16, int32_t wide);
void pyrt_eval_conv(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_depthwise_conv(const pyrt_check_ctx *c);
void pyrt_eval_depthwise_conv(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_fully_connected(const pyrt_check_ctx *c);
void pyrt_eval_fully_connected(const pyrt_model *m, const pyrt_op *op);

/* int16 activations, int8 weights (layout version 2 of the three above) */
pyrt_status pyrt_check_conv16(const pyrt_check_ctx *c);
void pyrt_eval_conv16(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_depthwise_conv16(const pyrt_check_ctx *c);
void pyrt_eval_depthwise_conv16(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_fully_connected16(const pyrt_check_ctx *c);
void pyrt_eval_fully_connected16(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_transpose_conv(const pyrt_check_ctx *c);
void pyrt_eval_transpose_conv(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_batch_matmul(const pyrt_check_ctx *c);
void pyrt_eval_batch_matmul(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_pool(const pyrt_check_ctx *c);
void pyrt_eval_average_pool(const pyrt_model *m, const pyrt_op *op);
void pyrt_eval_max_pool(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_add(const pyrt_check_ctx *c);
void pyrt_eval_add(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_reshape(const pyrt_check_ctx *c);
void pyrt_eval_reshape(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_softmax(const pyrt_check_ctx *c);
void pyrt_eval_softmax(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_softmax16(const pyrt_check_ctx *c);
void pyrt_eval_softmax16(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_log_softmax(const pyrt_check_ctx *c);
void pyrt_eval_log_softmax(const pyrt_model *m, const pyrt_op *op);

/* data movement (move.c): one planned copy program for every pure data-movement operator */
pyrt_status pyrt_check_move(const pyrt_check_ctx *c);
void pyrt_eval_move(const pyrt_model *m, const pyrt_op *op);

/* reductions (reduce.c) */
pyrt_status pyrt_check_mean(const pyrt_check_ctx *c);
void pyrt_eval_mean(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_arg_minmax(const pyrt_check_ctx *c);
void pyrt_eval_arg_max(const pyrt_model *m, const pyrt_op *op);
void pyrt_eval_arg_min(const pyrt_model *m, const pyrt_op *op);

/* elementwise binary (add.c, elementwise.c): ADD/SUB share a layout and check */
void pyrt_eval_sub(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_mul(const pyrt_check_ctx *c);
void pyrt_eval_mul(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_squared_difference(const pyrt_check_ctx *c);
void pyrt_eval_squared_difference(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_min_max(const pyrt_check_ctx *c);
void pyrt_eval_minimum(const pyrt_model *m, const pyrt_op *op);
void pyrt_eval_maximum(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_prelu(const pyrt_check_ctx *c);
void pyrt_eval_prelu(const pyrt_model *m, const pyrt_op *op);

/* int8 activations through a 256-entry table (activations.c) */
pyrt_status pyrt_check_lut8(const pyrt_check_ctx *c);
void pyrt_eval_lut8(const pyrt_model *m, const pyrt_op *op);
/* int16 LOGISTIC / TANH on an interpolated sigmoid table (activations.c) */
pyrt_status pyrt_check_sig16(const pyrt_check_ctx *c);
void pyrt_eval_logistic16(const pyrt_model *m, const pyrt_op *op);
void pyrt_eval_tanh16(const pyrt_model *m, const pyrt_op *op);

/* RESIZE_BILINEAR int8 (resize_bilinear.c) */
pyrt_status pyrt_check_resize_bilinear(const pyrt_check_ctx *c);
void pyrt_eval_resize_bilinear(const pyrt_model *m, const pyrt_op *op);

/* float interfaces and requantization (quantize.c) */
pyrt_status pyrt_check_quantize(const pyrt_check_ctx *c);
void pyrt_eval_quantize(const pyrt_model *m, const pyrt_op *op);
pyrt_status pyrt_check_dequantize(const pyrt_check_ctx *c);
void pyrt_eval_dequantize(const pyrt_model *m, const pyrt_op *op);

#endif /* PYRT_KERNELS_H */
