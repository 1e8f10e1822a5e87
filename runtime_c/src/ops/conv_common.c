/* What the CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED adapters share: decoding of the window
 * words and the init-time checks of int16 layers, requantization windows and kbias arrays. */
#include "adapt.h"

/* DEPTHWISE_CONV_2D shares CONV_2D's first 12 words (pyrt_conv_decode reads CONV_2D's names). */
#if PYRT_P_DEPTHWISE_CONV_2D_STRIDE_H != PYRT_P_CONV_2D_STRIDE_H || \
    PYRT_P_DEPTHWISE_CONV_2D_SHIFT_OFF != PYRT_P_CONV_2D_SHIFT_OFF || \
    PYRT_P2_DEPTHWISE_CONV_2D_SHIFT_OFF != PYRT_P_CONV_2D_SHIFT_OFF || \
    PYRT_P2_CONV_2D_SHIFT_OFF != PYRT_P_CONV_2D_SHIFT_OFF
#error "CONV_2D and DEPTHWISE_CONV_2D layouts no longer share their window words"
#endif

pyrt_status pyrt_check_int16_layer(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t b,
                                   int32_t y, uint32_t p_wide, uint32_t p_in_off,
                                   uint32_t p_out_off, uint32_t p_act_min) {
  const pyrt_model *m = c->m;
  const int32_t wide = pyrt_param(c, p_wide);
  const int32_t lo = pyrt_param(c, p_act_min), hi = pyrt_param(c, p_act_min + 1u);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, w) != PYRT_INT8 ||
      pyrt_ttype(m, y) != PYRT_INT16)
    return PYRT_E_OP_TYPE;
  if (wide != 0 && wide != 1) return PYRT_E_OP_PARAMS;
  if (b >= 0 && pyrt_ttype(m, b) != (wide ? PYRT_INT64 : PYRT_INT32)) return PYRT_E_OP_TYPE;
  if (pyrt_param(c, p_in_off) != 0 || pyrt_param(c, p_out_off) != 0) return PYRT_E_OP_PARAMS;
  if (lo < -32768 || lo > hi || hi > 32767) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

pyrt_status pyrt_check_layer_types(const pyrt_check_ctx *c, int int16, uint32_t p_wide,
                                   uint32_t p_in_off, uint32_t p_out_off, uint32_t p_act_min) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  if (int16) return pyrt_check_int16_layer(c, x, w, b, y, p_wide, p_in_off, p_out_off, p_act_min);
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, w) != PYRT_INT8 ||
      pyrt_ttype(m, y) != PYRT_INT8 || (b >= 0 && pyrt_ttype(m, b) != PYRT_INT32))
    return PYRT_E_OP_TYPE;
  return PYRT_OK;
}

pyrt_status pyrt_check_wide_shifts(const pyrt_check_ctx *c, int32_t wide, int32_t shift_off,
                                   uint32_t n) {
  uint32_t i;
  if (!wide) return PYRT_OK;
  for (i = 0; i < n; ++i)
    if ((int8_t)c->cbase[(uint32_t)shift_off + i] > 7) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

pyrt_status pyrt_check_kbias(const pyrt_check_ctx *c, int32_t off, const int8_t *w,
                             const int32_t *bias, int32_t input_offset, int32_t n_out,
                             int32_t oc_stride, int32_t count, int32_t elem_stride) {
  const int32_t *kb;
  int32_t oc, e;
  if (off < 0 || ((uint32_t)off & 3u) != 0u || n_out < 1) return PYRT_E_OP_PARAMS;
  if ((uint64_t)(uint32_t)off + 4u * (uint64_t)(uint32_t)n_out > (uint64_t)c->clen)
    return PYRT_E_OP_PARAMS;
  kb = (const int32_t *)(const void *)(c->cbase + (uint32_t)off);
  for (oc = 0; oc < n_out; ++oc) {
    const int8_t *wp = w + (size_t)oc * (size_t)oc_stride;
    uint32_t sum = 0;
    for (e = 0; e < count; ++e) sum += (uint32_t)(int32_t)wp[(size_t)e * (size_t)elem_stride];
    if ((uint32_t)kb[oc] != (bias ? (uint32_t)bias[oc] : 0u) + (uint32_t)input_offset * sum)
      return PYRT_E_OP_PARAMS;
  }
  return PYRT_OK;
}

pyrt_status pyrt_check_conv_window(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t y,
                                   int32_t cout, int int16, int32_t wide) {
  const pyrt_model *m = c->m;
  pyrt_status st;
  if (!int16) {
    const int32_t in_off = pyrt_param(c, PYRT_P_CONV_2D_INPUT_OFFSET);
    const int32_t out_off = pyrt_param(c, PYRT_P_CONV_2D_OUTPUT_OFFSET);
    if (in_off < -127 || in_off > 128) return PYRT_E_OP_PARAMS;
    if (out_off < -128 || out_off > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(pyrt_param(c, PYRT_P_CONV_2D_ACT_MIN), pyrt_param(c, PYRT_P_CONV_2D_ACT_MAX)))
      return PYRT_E_OP_PARAMS;
  }
  st = pyrt_check_window(pyrt_tdim(m, x, 1), pyrt_tdim(m, w, 1),
                         pyrt_param(c, PYRT_P_CONV_2D_STRIDE_H),
                         pyrt_param(c, PYRT_P_CONV_2D_DILATION_H),
                         pyrt_param(c, PYRT_P_CONV_2D_PAD_H), pyrt_tdim(m, y, 1));
  if (st != PYRT_OK) return st;
  st = pyrt_check_window(pyrt_tdim(m, x, 2), pyrt_tdim(m, w, 2),
                         pyrt_param(c, PYRT_P_CONV_2D_STRIDE_W),
                         pyrt_param(c, PYRT_P_CONV_2D_DILATION_W),
                         pyrt_param(c, PYRT_P_CONV_2D_PAD_W), pyrt_tdim(m, y, 2));
  if (st != PYRT_OK) return st;
  st = pyrt_check_requant(c, pyrt_param(c, PYRT_P_CONV_2D_MULT_OFF),
                          pyrt_param(c, PYRT_P_CONV_2D_SHIFT_OFF), (uint32_t)cout);
  if (st != PYRT_OK || !int16) return st;
  return pyrt_check_wide_shifts(c, wide, pyrt_param(c, PYRT_P_CONV_2D_SHIFT_OFF), (uint32_t)cout);
}

void pyrt_conv_decode(const pyrt_model *m, int32_t x, int32_t w, int32_t y, const int32_t *p,
                      pyrt_conv_desc *d) {
  d->in = pyrt_dims4(m, x);
  d->filt = pyrt_dims4(m, w);
  d->out = pyrt_dims4(m, y);
  d->stride_h = p[PYRT_P_CONV_2D_STRIDE_H];
  d->stride_w = p[PYRT_P_CONV_2D_STRIDE_W];
  d->dil_h = p[PYRT_P_CONV_2D_DILATION_H];
  d->dil_w = p[PYRT_P_CONV_2D_DILATION_W];
  d->pad_h = p[PYRT_P_CONV_2D_PAD_H];
  d->pad_w = p[PYRT_P_CONV_2D_PAD_W];
  d->input_offset = p[PYRT_P_CONV_2D_INPUT_OFFSET];
  d->output_offset = p[PYRT_P_CONV_2D_OUTPUT_OFFSET];
  d->act_min = p[PYRT_P_CONV_2D_ACT_MIN];
  d->act_max = p[PYRT_P_CONV_2D_ACT_MAX];
  d->depth_mult = 1;
  d->wide = 0;
  d->q = pyrt_quant_at(m, p[PYRT_P_CONV_2D_MULT_OFF], p[PYRT_P_CONV_2D_SHIFT_OFF]);
}
