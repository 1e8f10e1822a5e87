/* Reference broadcasting elementwise int16 operator with an element function (ADD, SUB, MUL). */
#include "ref_broadcast.h"

#if PYRT_BUILD_REF(broadcast_s16)
void PYRT_K(broadcast_s16)(const pyrt_broadcast_desc *d, const int16_t *a, const int16_t *b,
                           int16_t *y, pyrt_binary_fn f, const void *ctx) {
  pyrt_ref_broadcast(d, a, b, y, f, ctx, 1, 1, 1);
}
#endif
