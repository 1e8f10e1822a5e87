/* Reference move of a copy program (CONCATENATION, SPLIT, PACK, PAD, SLICE, TRANSPOSE, ...):
 * bytes along up to PYRT_MOVE_MAX_DIMS strided or table-driven loops, source and destination
 * disjoint (checked at init). */
#include "kernels.h"

#if PYRT_BUILD_REF(move_u8)
void PYRT_K(move_u8)(const pyrt_move_desc *d) {
  const int nd = d->nd;
  const pyrt_move_loop *in = &d->loop[nd - 1]; /* innermost */
  const int32_t cnt = in->count, ss = in->src_stride, ds = in->dst_stride;
  int32_t idx[PYRT_MOVE_MAX_DIMS];
  int k;
  for (k = 0; k < nd; ++k) idx[k] = 0;
  for (;;) {
    int32_t so = 0, dof = 0, i;
    const uint8_t *src;
    uint8_t *dst;
    for (k = 0; k + 1 < nd; ++k) {
      const pyrt_move_loop *l = &d->loop[k];
      so += l->src_table ? l->src_table[idx[k]] : idx[k] * l->src_stride;
      dof += idx[k] * l->dst_stride;
    }
    src = d->src + so;
    dst = d->dst + dof;
    if (ss == 1 && ds == 1) {
      for (i = 0; i < cnt; ++i) dst[i] = src[i];
    } else {
      for (i = 0; i < cnt; ++i) dst[i * ds] = src[i * ss];
    }
    for (k = nd - 2; k >= 0; --k) {
      if (++idx[k] < d->loop[k].count) break;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
}
#endif
