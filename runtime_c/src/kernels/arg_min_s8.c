/* Reference ARG_MIN int8 -> int32 (the first index of the smallest value). */
#include "ref_reduce.h"

#if PYRT_BUILD_REF(arg_min_s8)
void PYRT_K(arg_min_s8)(const pyrt_arg_desc *d, const int8_t *x, int32_t *y) {
  pyrt_ref_arg_minmax(d, x, y, 0);
}
#endif
