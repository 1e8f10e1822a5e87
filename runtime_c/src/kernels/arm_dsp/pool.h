/* arm_dsp pooling over four channels at a time (avg_pool_s8.c, max_pool_s8.c). */
#ifndef PYRT_ARM_DSP_POOL_H
#define PYRT_ARM_DSP_POOL_H

#include "../ref_pool.h"
#include "dsp.h"

#if PYRT_SET_ARM_DSP
/* The window of output (oy, ox) clipped to the input: rows [fy0, fy1), columns [fx0, fx1) from
 * input origin (iy0, ix0). */
typedef struct {
  int32_t iy0, ix0, fy0, fy1, fx0, fx1;
} pyrt_dsp_win;

static inline pyrt_dsp_win pyrt_dsp_pool_win(const pyrt_pool_desc *d, int32_t oy, int32_t ox) {
  pyrt_dsp_win w;
  w.iy0 = oy * d->stride_h - d->pad_h;
  w.ix0 = ox * d->stride_w - d->pad_w;
  w.fy0 = w.iy0 < 0 ? -w.iy0 : 0;
  w.fy1 = d->f_h < d->in.h - w.iy0 ? d->f_h : d->in.h - w.iy0;
  w.fx0 = w.ix0 < 0 ? -w.ix0 : 0;
  w.fx1 = d->f_w < d->in.w - w.ix0 ? d->f_w : d->in.w - w.ix0;
  return w;
}
#endif

#endif /* PYRT_ARM_DSP_POOL_H */
