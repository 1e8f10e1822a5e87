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

/* ---- in-place execution in bands (PYRT_INPLACE_ROWS) ----
 * A band is a few output rows (reading the input rows of their windows), or, for a per-pixel
 * layer (1x1 filter, stride 1, no padding), PYRT_BAND_PIXELS output pixels in raster order over
 * the same input pixels. The band's descriptor is the layer's with the output cut to the band
 * and the input cut to the rows (pixels) the band reads, the padding adjusted, so every kernel
 * (reference or fast) computes exactly the values of the whole layer there. A band holds at
 * least PYRT_BAND_MIN_PIXELS output pixels (whole rows): a kernel's per-call set-up (weights
 * expanded per block of channels) then costs a few percent at most. pyruntime/inplace.py
 * mirrors this geometry. */
#define PYRT_BAND_PIXELS 4
#define PYRT_BAND_MIN_PIXELS 12

static int band_is_pixels(const pyrt_conv_desc *d) {
  return d->filt.h == 1 && d->filt.w == 1 && d->stride_h == 1 && d->stride_w == 1 &&
         d->pad_h == 0 && d->pad_w == 0 && d->in.h == d->out.h && d->in.w == d->out.w;
}

static int32_t band_rows(const pyrt_conv_desc *d) {
  return (PYRT_BAND_MIN_PIXELS + d->out.w - 1) / d->out.w; /* out.w >= 1 (checked) */
}

static int32_t band_count(const pyrt_conv_desc *d) {
  if (band_is_pixels(d))
    return (d->out.h * d->out.w + PYRT_BAND_PIXELS - 1) / PYRT_BAND_PIXELS;
  return (d->out.h + band_rows(d) - 1) / band_rows(d);
}

/* Band k of layer d (int8: one byte an element): its descriptor and the byte offsets of its
 * input window and output inside the tensors; 0 when its window holds no input row. */
static int band_of(const pyrt_conv_desc *d, int32_t k, pyrt_conv_desc *b, uint32_t *in_off,
                   uint32_t *out_off) {
  *b = *d;
  if (band_is_pixels(d)) {
    const int32_t n = d->out.h * d->out.w, p0 = k * PYRT_BAND_PIXELS;
    const int32_t p1 = p0 + PYRT_BAND_PIXELS < n ? p0 + PYRT_BAND_PIXELS : n;
    b->in.h = b->out.h = 1;
    b->in.w = b->out.w = p1 - p0;
    *in_off = (uint32_t)p0 * (uint32_t)d->in.c;
    *out_off = (uint32_t)p0 * (uint32_t)d->out.c;
  } else {
    const int32_t r0 = k * band_rows(d);
    const int32_t r1 = r0 + band_rows(d) < d->out.h ? r0 + band_rows(d) : d->out.h;
    const int32_t lo = r0 * d->stride_h - d->pad_h;
    const int32_t hi = (r1 - 1) * d->stride_h - d->pad_h + (d->filt.h - 1) * d->dil_h + 1;
    const int32_t i0 = lo > 0 ? lo : 0, i1 = hi < d->in.h ? hi : d->in.h;
    if (i1 <= i0) return 0;
    b->in.h = i1 - i0;
    b->pad_h = i0 - lo;
    b->out.h = r1 - r0;
    *in_off = (uint32_t)i0 * (uint32_t)d->in.w * (uint32_t)d->in.c;
    *out_off = (uint32_t)r0 * (uint32_t)d->out.w * (uint32_t)d->out.c;
  }
  return 1;
}

void pyrt_band_shifts(const pyrt_conv_desc *d, uint32_t *below, uint32_t *above) {
  uint64_t down = 0, up = 0;
  int32_t k;
  *below = *above = 0xFFFFFFFFu;
  if (d->in.n != 1 || d->out.n != 1) return;
  for (k = 0; k < band_count(d); ++k) {
    pyrt_conv_desc b;
    uint32_t in_off, out_off;
    uint64_t out_end, in_end;
    if (!band_of(d, k, &b, &in_off, &out_off)) return;
    out_end = (uint64_t)out_off + (uint64_t)b.out.h * (uint64_t)b.out.w * (uint64_t)b.out.c;
    in_end = (uint64_t)in_off + (uint64_t)b.in.h * (uint64_t)b.in.w * (uint64_t)b.in.c;
    /* bands in increasing order: band k writes [out_off, out_end) of the output, and it and
     * every later band read the input from in_off on: the output starts at least
     * out_end - in_off below the input. In decreasing order: it and every later band read the
     * input below in_end: the output starts at least in_end - out_off above the input. */
    if (out_end > in_off && out_end - in_off > down) down = out_end - in_off;
    if (in_end > out_off && in_end - out_off > up) up = in_end - out_off;
  }
  *below = down > 0xFFFFFFFEu ? 0xFFFFFFFFu : (uint32_t)down;
  *above = up > 0xFFFFFFFEu ? 0xFFFFFFFFu : (uint32_t)up;
}

int pyrt_band_overlap_ok(const pyrt_model *m, const pyrt_tidx *tidx, uint32_t n_in,
                         const int32_t *params, uint32_t xo, uint32_t yo) {
  pyrt_conv_desc d;
  uint32_t below, above;
  pyrt_conv_decode(m, tidx[0], tidx[1], tidx[n_in], params, &d);
  pyrt_band_shifts(&d, &below, &above);
  if (yo < xo) return below != 0xFFFFFFFFu && (uint64_t)yo + below <= (uint64_t)xo;
  return above != 0xFFFFFFFFu && (uint64_t)xo + above <= (uint64_t)yo;
}

void pyrt_conv_run_s8(pyrt_conv_s8_fn kernel, const pyrt_conv_desc *d, const int8_t *x,
                      uint32_t x_bytes, const int8_t *w, const int32_t *bias,
                      const int32_t *kbias, int8_t *y, uint32_t y_bytes, void *scratch) {
  const int32_t n = band_count(d);
  int32_t k;
  if (!((const int8_t *)y < x + x_bytes && x < (const int8_t *)y + y_bytes)) {
    kernel(d, x, w, bias, kbias, y, scratch);
    return;
  }
  /* pyrt_init allowed the overlap only with the output far enough below the input (bands in
   * increasing order) or above it (decreasing order) */
  for (k = 0; k < n; ++k) {
    pyrt_conv_desc b;
    uint32_t in_off, out_off;
    const int32_t band = (const int8_t *)y < x ? k : n - 1 - k;
    if (band_of(d, band, &b, &in_off, &out_off))
      kernel(&b, x + in_off, w, bias, kbias, y + out_off, scratch);
  }
}
