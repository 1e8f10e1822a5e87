/* FULLY_CONNECTED adapter: int8, per-tensor or per-channel weights (layout 1), and int16
 * activations x int8 weights (layout 2). */
#include "adapt.h"

static void fc_decode(const pyrt_model *m, const pyrt_tidx *tidx, uint32_t n_in,
                      const int32_t *p, pyrt_fc_desc *d) {
  const int32_t w = tidx[1], y = tidx[n_in];
  d->out_ch = pyrt_tdim(m, w, 0);
  d->accum = pyrt_tdim(m, w, 1);
  d->batches = (int32_t)(pyrt_telems(m, y) / (uint32_t)d->out_ch);
  d->input_offset = p[PYRT_P_FULLY_CONNECTED_INPUT_OFFSET];
  d->output_offset = p[PYRT_P_FULLY_CONNECTED_OUTPUT_OFFSET];
  d->act_min = p[PYRT_P_FULLY_CONNECTED_ACT_MIN];
  d->act_max = p[PYRT_P_FULLY_CONNECTED_ACT_MAX];
  d->per_channel = p[PYRT_P_FULLY_CONNECTED_N_MULT] != 1;
  d->wide = 0;
  d->q = pyrt_quant_at(m, p[PYRT_P_FULLY_CONNECTED_MULT_OFF], p[PYRT_P_FULLY_CONNECTED_SHIFT_OFF]);
}

#if PYRT_P2_FULLY_CONNECTED_N_MULT != PYRT_P_FULLY_CONNECTED_N_MULT || \
    PYRT_P2_FULLY_CONNECTED_SHIFT_OFF != PYRT_P_FULLY_CONNECTED_SHIFT_OFF
#error "FULLY_CONNECTED layouts 1 and 2 no longer share their first words"
#endif

static pyrt_status check_fc(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cout, k, n_mult;
  uint32_t batches;
  pyrt_fc_desc d;
  pyrt_status st;

  st = pyrt_check_layer_types(c, int16, PYRT_P2_FULLY_CONNECTED_WIDE_ACC,
                              PYRT_P2_FULLY_CONNECTED_INPUT_OFFSET,
                              PYRT_P2_FULLY_CONNECTED_OUTPUT_OFFSET,
                              PYRT_P2_FULLY_CONNECTED_ACT_MIN);
  if (st != PYRT_OK) return st;

  if (pyrt_trank(m, w) != 2 || pyrt_trank(m, y) < 1) return PYRT_E_OP_SHAPE;
  cout = pyrt_tdim(m, w, 0);
  k = pyrt_tdim(m, w, 1);
  if (pyrt_tdim(m, y, pyrt_trank(m, y) - 1) != cout) return PYRT_E_OP_SHAPE;
  batches = pyrt_telems(m, y) / (uint32_t)cout;
  if ((uint64_t)batches * (uint64_t)k != (uint64_t)pyrt_telems(m, x)) return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  if (!int16) {
    const int32_t in_off = pyrt_param(c, PYRT_P_FULLY_CONNECTED_INPUT_OFFSET);
    const int32_t out_off = pyrt_param(c, PYRT_P_FULLY_CONNECTED_OUTPUT_OFFSET);
    if (in_off < -127 || in_off > 128) return PYRT_E_OP_PARAMS;
    if (out_off < -128 || out_off > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(pyrt_param(c, PYRT_P_FULLY_CONNECTED_ACT_MIN),
                     pyrt_param(c, PYRT_P_FULLY_CONNECTED_ACT_MAX)))
      return PYRT_E_OP_PARAMS;
  }
  n_mult = pyrt_param(c, PYRT_P_FULLY_CONNECTED_N_MULT);
  if (n_mult != 1 && n_mult != cout) return PYRT_E_OP_PARAMS;
  st = pyrt_check_requant(c, pyrt_param(c, PYRT_P_FULLY_CONNECTED_MULT_OFF),
                          pyrt_param(c, PYRT_P_FULLY_CONNECTED_SHIFT_OFF), (uint32_t)n_mult);
  if (st != PYRT_OK) return st;
  if (int16)
    return pyrt_check_wide_shifts(c, pyrt_param(c, PYRT_P2_FULLY_CONNECTED_WIDE_ACC),
                                  pyrt_param(c, PYRT_P_FULLY_CONNECTED_SHIFT_OFF),
                                  (uint32_t)n_mult);
  st = pyrt_check_kbias(c, pyrt_param(c, PYRT_P_FULLY_CONNECTED_KBIAS_OFF),
                        (const int8_t *)pyrt_tptr(m, w),
                        b >= 0 ? (const int32_t *)pyrt_tptr(m, b) : (const int32_t *)0,
                        pyrt_param(c, PYRT_P_FULLY_CONNECTED_INPUT_OFFSET), cout, k, k, 1);
  if (st != PYRT_OK) return st;
  fc_decode(m, c->tidx, c->n_in, c->params, &d);
  return pyrt_check_scratch(c, pyrt_fully_connected_s8_scratch_bytes(&d));
}

pyrt_status pyrt_check_fully_connected(const pyrt_check_ctx *c) { return check_fc(c, 0); }
pyrt_status pyrt_check_fully_connected16(const pyrt_check_ctx *c) { return check_fc(c, 1); }

void pyrt_eval_fully_connected(const pyrt_model *m, const pyrt_op *op) {
  pyrt_fc_desc d;
  fc_decode(m, op->tidx, op->n_in, op->params, &d);
  pyrt_fully_connected_s8(&d, (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                          (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)),
                          (const int32_t *)pyrt_op_in(m, op, 2),
                          pyrt_const_i32(m, op->params[PYRT_P_FULLY_CONNECTED_KBIAS_OFF]),
                          (int8_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)), op->scratch);
}

void pyrt_eval_fully_connected16(const pyrt_model *m, const pyrt_op *op) {
  pyrt_fc_desc d;
  fc_decode(m, op->tidx, op->n_in, op->params, &d);
  d.wide = op->params[PYRT_P2_FULLY_CONNECTED_WIDE_ACC];
  pyrt_fully_connected_s16(&d, (const int16_t *)pyrt_tptr(m, pyrt_op_tin(op, 0)),
                           (const int8_t *)pyrt_tptr(m, pyrt_op_tin(op, 1)),
                           pyrt_op_in(m, op, 2), (int16_t *)pyrt_tptr(m, pyrt_op_tout(op, 0)));
}
