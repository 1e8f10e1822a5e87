/* Shared checks and decoding of the elementwise binary operators (ADD, SUB, MUL,
 * SQUARED_DIFFERENCE, MINIMUM, MAXIMUM, PRELU): right-aligned broadcasting up to 6-D over
 * int8/int16 tensors, TFLite's BroadcastBinaryOpSimple order (output in row-major order). */
#ifndef PYRT_BINARY_H
#define PYRT_BINARY_H

#include "adapt.h"

/* y must be the right-aligned broadcast of a and b (ranks <= 6, every dim equal or 1):
 * PYRT_OK or PYRT_E_OP_SHAPE. Guarantees every index the driver computes is in bounds. */
pyrt_status pyrt_check_broadcast(const pyrt_model *m, int32_t a, int32_t b, int32_t y);

/* 1 when t is int8 or int16. */
int pyrt_is_small_int(const pyrt_model *m, int32_t t);

/* Runs f (pyrt_binary_fn, kernels.h) over every output element of op (inputs 0 and 1 and
 * output 0 all int8 or all int16): the broadcast_s8 / broadcast_s16 kernels. */
void pyrt_binary_apply(const pyrt_model *m, const pyrt_op *op, pyrt_binary_fn f, const void *ctx);

/* 1 when op's inputs 0 and 1 and its output are int8 with the same number of elements (no
 * broadcasting): the elementwise kernels apply. */
int pyrt_binary_is_flat_s8(const pyrt_model *m, const pyrt_op *op);

/* Low and high value of an int8/int16 tensor type. */
static inline int32_t pyrt_type_min(int type) { return type == PYRT_INT16 ? -32768 : -128; }
static inline int32_t pyrt_type_max(int type) { return type == PYRT_INT16 ? 32767 : 127; }
/* 1 when v is a value of the int8/int16 type (a zero point, say). */
static inline int pyrt_type_holds(int type, int32_t v) {
  return v >= pyrt_type_min(type) && v <= pyrt_type_max(type);
}

#endif /* PYRT_BINARY_H */
