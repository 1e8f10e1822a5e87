/* mve: ADD/SUB/MUL of same-shape int8 tensors, four elements per vector (int32 lanes), shared
 * by add_s8.c, sub_s8.c and mul_s8.c. Arithmetic exactly as elementwise_arith.h. */
#ifndef PYRT_MVE_ELEMENTWISE_H
#define PYRT_MVE_ELEMENTWISE_H

#include "mve.h"

#if PYRT_SET_MVE
/* The input tables of large ADD/SUB: the same threshold and size as the arm_dsp set (every
 * Helium core has the DSP extension, so its header is always active here), which keeps one
 * scratch rule for both sets (pyruntime/kernels.py). */
#include "../arm_dsp/elementwise.h"

#define PYRT_MVE_INLINE static inline __attribute__((always_inline))

/* TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp on four lanes: one multiplier for
 * every lane, rsh = the shift (<= 0) in every lane. */
PYRT_MVE_INLINE int32x4_t pyrt_mve_rescale_lt1(int32x4_t x, int32_t mult, int32x4_t rsh) {
  return pyrt_vec_rdbpot(vqrdmulhq_n_s32(x, mult), rsh);
}

/* One ADD/SUB input: ((v + offset) << left_shift) rescaled (|.| < 2^31: pyrt_init bounds
 * left_shift, so the shift never wraps). */
typedef struct {
  int32_t offset, left_shift, mult;
  int32x4_t rsh;
} pyrt_mve_add_in;

PYRT_MVE_INLINE pyrt_mve_add_in pyrt_mve_add_input(int32_t offset, int32_t left_shift,
                                                   int32_t mult, int32_t shift) {
  pyrt_mve_add_in p;
  p.offset = offset;
  p.left_shift = left_shift;
  p.mult = mult;
  p.rsh = vdupq_n_s32(shift);
  return p;
}

PYRT_MVE_INLINE int32x4_t pyrt_mve_add_scale(int32x4_t v, const pyrt_mve_add_in *p) {
  return pyrt_mve_rescale_lt1(vshlq_r_s32(vaddq_n_s32(v, p->offset), p->left_shift), p->mult,
                              p->rsh);
}

/* The output side shared by ADD, SUB and MUL: offset added wrapping, clamped. */
typedef struct {
  int32_t out_off;
  int32x4_t lo, hi;
} pyrt_mve_clamp;

PYRT_MVE_INLINE pyrt_mve_clamp pyrt_mve_clamp_of(int32_t out_off, int32_t lo, int32_t hi) {
  pyrt_mve_clamp c;
  c.out_off = out_off;
  c.lo = vdupq_n_s32(lo);
  c.hi = vdupq_n_s32(hi);
  return c;
}

PYRT_MVE_INLINE int32x4_t pyrt_mve_offset_clamp(int32x4_t r, const pyrt_mve_clamp *c) {
  return vminq_s32(vmaxq_s32(vaddq_n_s32(r, c->out_off), c->lo), c->hi);
}

void pyrt_mve_add_sub(const pyrt_add_desc *d, const int8_t *a, const int8_t *b, int8_t *y,
                      int32_t n, int sub, void *scratch);
#endif

#endif /* PYRT_MVE_ELEMENTWISE_H */
