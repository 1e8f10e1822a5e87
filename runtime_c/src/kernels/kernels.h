/* Reference int8 kernels: one check function (run by pyrt_init) and one eval function
 * (run by pyrt_invoke, no checks) per operator family. */
#ifndef PYRT_KERNELS_H
#define PYRT_KERNELS_H

#include "../internal.h"

pyrt_status pyrt_check_conv(const pyrt_check_ctx *c);
void pyrt_eval_conv(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_depthwise_conv(const pyrt_check_ctx *c);
void pyrt_eval_depthwise_conv(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_fully_connected(const pyrt_check_ctx *c);
void pyrt_eval_fully_connected(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_pool(const pyrt_check_ctx *c);
void pyrt_eval_average_pool(const pyrt_model *m, const pyrt_op *op);
void pyrt_eval_max_pool(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_add(const pyrt_check_ctx *c);
void pyrt_eval_add(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_reshape(const pyrt_check_ctx *c);
void pyrt_eval_reshape(const pyrt_model *m, const pyrt_op *op);

pyrt_status pyrt_check_softmax(const pyrt_check_ctx *c);
void pyrt_eval_softmax(const pyrt_model *m, const pyrt_op *op);

#endif /* PYRT_KERNELS_H */
