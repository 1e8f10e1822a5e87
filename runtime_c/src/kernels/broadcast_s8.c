/* Reference broadcasting elementwise int8 operator with an element function (ADD, SUB and MUL
 * when the shapes differ). */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(broadcast_s8)
void PYRT_K(broadcast_s8)(const pyrt_broadcast_desc *d, const int8_t *a, const int8_t *b,
                          int8_t *y, pyrt_binary_fn f, const void *ctx) {
  pyrt_ref_broadcast(d, a, b, y, f, ctx, 0, 0, 0);
}
#endif
