/* MEAN (int8/int16, TFLM QuantizedMeanOrSum arithmetic) and ARG_MAX / ARG_MIN (int8 -> int32). */
#include "adapt.h"
#include "../kernels/quant.h"

#define RED_DIMS 6

/* MEAN params: 0 nd  1..6 dims (outer to inner)  7 reduce mask (bit k: dim k reduced)
 *              8 input_zp  9 output_zp  10 mult  11 shift  12 n (elements per output) */
pyrt_status pyrt_check_mean(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t nd = pyrt_param(c, 0), mask = pyrt_param(c, 7);
  const int type = pyrt_ttype(m, x);
  int64_t all = 1, kept = 1;
  int32_t k, lo, hi;
  if ((type != PYRT_INT8 && type != PYRT_INT16) || pyrt_ttype(m, y) != type) return PYRT_E_OP_TYPE;
  lo = (type == PYRT_INT8) ? -128 : -32768;
  hi = (type == PYRT_INT8) ? 127 : 32767;
  if (nd < 1 || nd > RED_DIMS || mask < 0 || mask >= (1 << nd)) return PYRT_E_OP_PARAMS;
  for (k = 0; k < nd; ++k) {
    const int32_t d = pyrt_param(c, 1u + (uint32_t)k);
    if (d < 1 || d > 65535) return PYRT_E_OP_PARAMS;
    all *= d;
    if (!(mask & (1 << k))) kept *= d;
    if (all > INT32_MAX) return PYRT_E_OP_PARAMS;
  }
  if ((uint64_t)all != pyrt_telems(m, x) || (uint64_t)kept != pyrt_telems(m, y))
    return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, 12) != (int32_t)(all / kept)) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 8) < lo || pyrt_param(c, 8) > hi) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 9) < lo || pyrt_param(c, 9) > hi) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 10) < 0 || pyrt_param(c, 11) < -31 || pyrt_param(c, 11) > 30)
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_mean(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int wide = pyrt_ttype(m, xi) == PYRT_INT16;
  const void *xv = pyrt_tptr(m, xi);
  void *yv = pyrt_tptr(m, yi);
  const int nd = p[0];
  const int32_t lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
  const int32_t zn = pyrt_wrap32((uint32_t)p[8] * (uint32_t)p[12]);
  int32_t stride[RED_DIMS], kd[RED_DIMS], ks[RED_DIMS], rd[RED_DIMS], rs[RED_DIMS];
  int32_t ki[RED_DIMS], ri[RED_DIMS];
  int nk = 0, nr = 0, k;
  uint32_t out = 0;
  int32_t s = 1;
  for (k = nd - 1; k >= 0; --k) {
    stride[k] = s;
    s *= p[1 + k];
  }
  for (k = 0; k < nd; ++k) {
    if (p[7] & (1 << k)) {
      rd[nr] = p[1 + k];
      rs[nr++] = stride[k];
    } else {
      kd[nk] = p[1 + k];
      ks[nk++] = stride[k];
    }
  }
  for (k = 0; k < nk; ++k) ki[k] = 0;
  for (;;) {
    int32_t base = 0, r;
    uint32_t sum = 0;
    int j;
    for (k = 0; k < nk; ++k) base += ki[k] * ks[k];
    for (j = 0; j < nr; ++j) ri[j] = 0;
    for (;;) {
      int32_t off = base;
      for (j = 0; j < nr; ++j) off += ri[j] * rs[j];
      sum += (uint32_t)(wide ? (int32_t)((const int16_t *)xv)[off] : (int32_t)((const int8_t *)xv)[off]);
      for (j = nr - 1; j >= 0; --j) {
        if (++ri[j] < rd[j]) break;
        ri[j] = 0;
      }
      if (j < 0) break;
    }
    r = pyrt_mbqm(pyrt_sub_wrap(pyrt_wrap32(sum), zn), p[10], p[11]);
    r = pyrt_clamp(pyrt_add_wrap(r, p[9]), lo, hi);
    if (wide)
      ((int16_t *)yv)[out++] = (int16_t)r;
    else
      ((int8_t *)yv)[out++] = (int8_t)r;
    for (k = nk - 1; k >= 0; --k) {
      if (++ki[k] < kd[k]) break;
      ki[k] = 0;
    }
    if (k < 0) break;
  }
}

/* ARG_MAX / ARG_MIN params: 0 outer  1 axis size  2 inner */
pyrt_status pyrt_check_arg_minmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t outer = pyrt_param(c, 0), axis = pyrt_param(c, 1), inner = pyrt_param(c, 2);
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT32) return PYRT_E_OP_TYPE;
  if (outer < 1 || axis < 1 || inner < 1) return PYRT_E_OP_PARAMS;
  if ((uint64_t)outer * (uint64_t)inner != pyrt_telems(m, y)) return PYRT_E_OP_SHAPE;
  if ((uint64_t)outer * (uint64_t)inner * (uint64_t)axis != pyrt_telems(m, x))
    return PYRT_E_OP_SHAPE;
  return PYRT_OK;
}

static void arg_minmax(const pyrt_model *m, const pyrt_op *op, int is_max) {
  const int32_t *p = op->params;
  const int8_t *x = (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0));
  int32_t *y = (int32_t *)pyrt_tptr(m, pyrt_op_tout(op, 0));
  const int32_t outer = p[0], axis = p[1], inner = p[2];
  int32_t o, i, a;
  for (o = 0; o < outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const int8_t *col = x + (o * axis) * inner + i;
      int8_t best = col[0];
      int32_t best_i = 0;
      for (a = 1; a < axis; ++a) {
        const int8_t v = col[a * inner];
        if (is_max ? (v > best) : (v < best)) {
          best = v;
          best_i = a;
        }
      }
      y[o * inner + i] = best_i;
    }
  }
}

void pyrt_eval_arg_max(const pyrt_model *m, const pyrt_op *op) { arg_minmax(m, op, 1); }
void pyrt_eval_arg_min(const pyrt_model *m, const pyrt_op *op) { arg_minmax(m, op, 0); }
