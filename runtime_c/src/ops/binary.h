/* Shared machinery of the elementwise binary operators (ADD, SUB, MUL, SQUARED_DIFFERENCE,
 * MINIMUM, MAXIMUM, PRELU): right-aligned broadcasting up to 6-D over int8/int16 tensors,
 * TFLite's BroadcastBinaryOpSimple order (output in row-major order). */
#ifndef PYRT_BINARY_H
#define PYRT_BINARY_H

#include "adapt.h"

/* One output element from two input elements (already widened to int32) and the operator's
 * decoded parameters `ctx`; the result is clamped by the function itself and stored with the
 * output's type. */
typedef int32_t (*pyrt_binary_fn)(int32_t a, int32_t b, const void *ctx);

/* y must be the right-aligned broadcast of a and b (ranks <= 6, every dim equal or 1):
 * PYRT_OK or PYRT_E_OP_SHAPE. Guarantees every index the driver computes is in bounds. */
pyrt_status pyrt_check_broadcast(const pyrt_model *m, int32_t a, int32_t b, int32_t y);

/* 1 when t is int8 or int16. */
int pyrt_is_small_int(const pyrt_model *m, int32_t t);

/* Runs f over every output element of op (inputs 0 and 1, output 0). */
void pyrt_binary_apply(const pyrt_model *m, const pyrt_op *op, pyrt_binary_fn f, const void *ctx);

/* 1 when op's inputs 0 and 1 and its output are int8 with the same number of elements (no
 * broadcasting): the elementwise kernels apply. */
int pyrt_binary_is_flat_s8(const pyrt_model *m, const pyrt_op *op);

/* Low and high value of an int8/int16 tensor type. */
static inline int32_t pyrt_type_min(int type) { return type == PYRT_INT16 ? -32768 : -128; }
static inline int32_t pyrt_type_max(int type) { return type == PYRT_INT16 ? 32767 : 127; }

#endif /* PYRT_BINARY_H */
