/* FULLY_CONNECTED, int8, per-tensor or per-channel weights (TFLite
 * reference_integer_ops::FullyConnected / FullyConnectedPerChannel, weights offset 0). */
#include "kernels.h"
#include "quant.h"
#include "wide.h"

/* params: 0 input_offset  1 output_offset  2,3 act_min,max  4 mult_off  5 shift_off  6 n_mult;
 * version 2 (int16 activations): 7 wide_acc */
static pyrt_status check_fc(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cout, k, n_mult;
  uint32_t batches;
  pyrt_status st;

  if (int16) {
    st = pyrt_check_int16_layer(c, x, w, b, y, 7, 0, 1, 2);
    if (st != PYRT_OK) return st;
  } else if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, w) != PYRT_INT8 ||
             pyrt_ttype(m, y) != PYRT_INT8 || (b >= 0 && pyrt_ttype(m, b) != PYRT_INT32)) {
    return PYRT_E_OP_TYPE;
  }

  if (pyrt_trank(m, w) != 2 || pyrt_trank(m, y) < 1) return PYRT_E_OP_SHAPE;
  cout = pyrt_tdim(m, w, 0);
  k = pyrt_tdim(m, w, 1);
  if (pyrt_tdim(m, y, pyrt_trank(m, y) - 1) != cout) return PYRT_E_OP_SHAPE;
  batches = pyrt_telems(m, y) / (uint32_t)cout;
  if ((uint64_t)batches * (uint64_t)k != (uint64_t)pyrt_telems(m, x)) return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  if (!int16) {
    if (pyrt_param(c, 0) < -127 || pyrt_param(c, 0) > 128) return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, 1) < -128 || pyrt_param(c, 1) > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(pyrt_param(c, 2), pyrt_param(c, 3))) return PYRT_E_OP_PARAMS;
  }
  n_mult = pyrt_param(c, 6);
  if (n_mult != 1 && n_mult != cout) return PYRT_E_OP_PARAMS;
  st = pyrt_check_requant(c, pyrt_param(c, 4), pyrt_param(c, 5), (uint32_t)n_mult);
  if (st != PYRT_OK || !int16) return st;
  return pyrt_check_wide_shifts(c, pyrt_param(c, 7), pyrt_param(c, 5), (uint32_t)n_mult);
}

pyrt_status pyrt_check_fully_connected(const pyrt_check_ctx *c) { return check_fc(c, 0); }
pyrt_status pyrt_check_fully_connected16(const pyrt_check_ctx *c) { return check_fc(c, 1); }

void pyrt_eval_fully_connected(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], wi = op->tidx[1], yi = op->tidx[op->n_in];
  const int32_t bi = (op->n_in > 2) ? op->tidx[2] : -1;
  const int8_t *in = (const int8_t *)pyrt_tptr(m, xi);
  const int8_t *filt = (const int8_t *)pyrt_tptr(m, wi);
  const int32_t *bias = (bi >= 0) ? (const int32_t *)pyrt_tptr(m, bi) : (const int32_t *)0;
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int32_t input_offset = p[0], output_offset = p[1], act_min = p[2], act_max = p[3];
  const int32_t *out_mult = pyrt_const_i32(m, p[4]);
  const int8_t *out_shift = pyrt_const_i8(m, p[5]);
  const int per_channel = p[6] != 1; /* n_mult == C_out (> 1) */
  const int out_d = pyrt_tdim(m, wi, 0), accum_d = pyrt_tdim(m, wi, 1);
  const int batches = (int)(pyrt_tbytes(m, yi) / (uint32_t)out_d);
  int b, oc, d;

  for (b = 0; b < batches; ++b) {
    const int8_t *ip = in + b * accum_d;
    for (oc = 0; oc < out_d; ++oc) {
      const int8_t *fp = filt + oc * accum_d;
      const int q = per_channel ? oc : 0;
      uint32_t acc = 0;
      int32_t r;
      for (d = 0; d < accum_d; ++d)
        acc += (uint32_t)((int32_t)fp[d] * ((int32_t)ip[d] + input_offset));
      if (bias) acc += (uint32_t)bias[oc];
      r = pyrt_mbqm(pyrt_wrap32(acc), out_mult[q], out_shift[q]);
      r = pyrt_clamp(pyrt_add_wrap(r, output_offset), act_min, act_max);
      out[oc + out_d * b] = (int8_t)r;
    }
  }
}

void pyrt_eval_fully_connected16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], wi = op->tidx[1], yi = op->tidx[op->n_in];
  const int32_t bi = (op->n_in > 2) ? op->tidx[2] : -1;
  const int16_t *in = (const int16_t *)pyrt_tptr(m, xi);
  const int8_t *filt = (const int8_t *)pyrt_tptr(m, wi);
  const void *bias = (bi >= 0) ? pyrt_tptr(m, bi) : (const void *)0;
  int16_t *out = (int16_t *)pyrt_tptr(m, yi);
  const int32_t act_min = p[2], act_max = p[3];
  const int32_t *out_mult = pyrt_const_i32(m, p[4]);
  const int8_t *out_shift = pyrt_const_i8(m, p[5]);
  const int per_channel = p[6] != 1;
  const int wide = p[7];
  const int out_d = pyrt_tdim(m, wi, 0), accum_d = pyrt_tdim(m, wi, 1);
  const int batches = (int)(pyrt_telems(m, yi) / (uint32_t)out_d);
  int b, oc, d;

  for (b = 0; b < batches; ++b) {
    const int16_t *ip = in + b * accum_d;
    for (oc = 0; oc < out_d; ++oc) {
      const int8_t *fp = filt + oc * accum_d;
      const int q = per_channel ? oc : 0;
      uint64_t acc = 0;
      int32_t r;
      for (d = 0; d < accum_d; ++d) acc += pyrt_u64((int32_t)fp[d] * (int32_t)ip[d]);
      r = pyrt_requant16(acc, wide, bias, oc, out_mult[q], out_shift[q]);
      out[oc + out_d * b] = (int16_t)pyrt_clamp(r, act_min, act_max);
    }
  }
}
