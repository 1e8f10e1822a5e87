/* Helpers shared by the operator check functions (run once, in pyrt_init). */
#include "internal.h"

uint32_t pyrt_type_size(uint32_t type) {
  switch (type) {
    case PYRT_INT8:
    case PYRT_UINT8:
    case PYRT_BOOL:
      return 1u;
    case PYRT_INT16:
      return 2u;
    case PYRT_INT32:
    case PYRT_FLOAT32:
      return 4u;
    case PYRT_INT64:
      return 8u;
    default:
      return 0u;
  }
}

int32_t pyrt_param(const pyrt_check_ctx *c, uint32_t i) {
  return (i < c->n_params) ? c->params[i] : 0;
}

int32_t pyrt_in(const pyrt_check_ctx *c, uint32_t i) {
  return (i < c->n_in && c->tidx[i] != PYRT_NO_TENSOR) ? (int32_t)c->tidx[i] : -1;
}

int32_t pyrt_out(const pyrt_check_ctx *c, uint32_t i) { return (int32_t)c->tidx[c->n_in + i]; }

uint32_t pyrt_telems(const pyrt_model *m, int32_t t) {
  return pyrt_tbytes(m, t) / pyrt_type_size(pyrt_ttype(m, t));
}

int pyrt_same_shape(const pyrt_model *m, int32_t a, int32_t b) {
  int r = pyrt_trank(m, a), k;
  if (r != pyrt_trank(m, b)) return 0;
  for (k = 0; k < r; ++k)
    if (pyrt_tdim(m, a, k) != pyrt_tdim(m, b, k)) return 0;
  return 1;
}

int pyrt_act_ok(int32_t lo, int32_t hi) { return lo >= -128 && lo <= hi && hi <= 127; }

pyrt_status pyrt_check_requant(const pyrt_check_ctx *c, int32_t mult_off, int32_t shift_off,
                               uint32_t n) {
  uint32_t i;
  const uint8_t *mp, *sp;
  if (mult_off < 0 || shift_off < 0 || n == 0u) return PYRT_E_OP_PARAMS;
  if (((uint32_t)mult_off & 3u) != 0u) return PYRT_E_OP_PARAMS;
  if ((uint64_t)(uint32_t)mult_off + 4u * (uint64_t)n > (uint64_t)c->clen) return PYRT_E_OP_PARAMS;
  if ((uint64_t)(uint32_t)shift_off + (uint64_t)n > (uint64_t)c->clen) return PYRT_E_OP_PARAMS;
  mp = c->cbase + (uint32_t)mult_off;
  sp = c->cbase + (uint32_t)shift_off;
  for (i = 0; i < n; ++i) {
    int32_t s = (int32_t)(int8_t)sp[i];
    if (pyrt_rdi32(mp + 4u * i) < 0) return PYRT_E_OP_PARAMS;
    if (s < -31 || s > 30) return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

/* Limits that keep every index computed by the kernels far inside int32. */
#define PYRT_MAX_STRIDE 65535
#define PYRT_MAX_EFF_FILTER (1L << 24)

pyrt_status pyrt_check_window(int32_t in, int32_t k, int32_t stride, int32_t dilation,
                              int32_t pad, int32_t out) {
  int64_t eff, o_same, o_valid, total;
  if (stride < 1 || stride > PYRT_MAX_STRIDE) return PYRT_E_OP_PARAMS;
  if (dilation < 1 || dilation > PYRT_MAX_STRIDE) return PYRT_E_OP_PARAMS;
  if (pad < 0 || pad > PYRT_MAX_EFF_FILTER) return PYRT_E_OP_PARAMS;
  if (in < 1 || k < 1 || out < 1) return PYRT_E_OP_SHAPE;
  eff = (int64_t)(k - 1) * dilation + 1;
  if (eff > PYRT_MAX_EFF_FILTER) return PYRT_E_OP_PARAMS;
  /* TFLite ComputeOutSize: SAME -> ceil(in / stride); VALID -> (in + stride - eff) / stride */
  o_same = ((int64_t)in + stride - 1) / stride;
  o_valid = (in >= eff) ? ((int64_t)in - eff) / stride + 1 : 0;
  if ((int64_t)out != o_same && (int64_t)out != o_valid) return PYRT_E_OP_SHAPE;
  /* TFLite ComputePaddingWithOffset: total = max(0, (out - 1) * stride + eff - in), pad = total / 2 */
  total = ((int64_t)out - 1) * stride + eff - in;
  if (total < 0) total = 0;
  if ((int64_t)pad != total / 2) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}
