/* arm_dsp pooling over four channels at a time (avg_pool_s8.c, max_pool_s8.c). */
#ifndef PYRT_ARM_DSP_POOL_H
#define PYRT_ARM_DSP_POOL_H

#include "../ref_pool.h"
#include "dsp.h"

#endif /* PYRT_ARM_DSP_POOL_H */
