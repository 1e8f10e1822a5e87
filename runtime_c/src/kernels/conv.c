/* CONV_2D, int8 per-channel (TFLite reference_integer_ops::ConvPerChannel arithmetic);
 * int16 activations with int8 weights (layout version 2, the int16 ConvPerChannel). */
#include "kernels.h"
#include "quant.h"
#include "wide.h"

/* Parameters 0..11, shared by CONV_2D and DEPTHWISE_CONV_2D: offsets and clamp (int8), both
 * spatial windows as TFLite computes them, the per-channel requantization arrays, and for int16
 * layers the shifts the wide (int64, `wide`) or int32 accumulation allows. */
pyrt_status pyrt_check_conv_window(const pyrt_check_ctx *c, int32_t x, int32_t w, int32_t y,
                                   int32_t cout, int int16, int32_t wide) {
  const pyrt_model *m = c->m;
  pyrt_status st;
  if (!int16) {
    if (pyrt_param(c, 6) < -127 || pyrt_param(c, 6) > 128) return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, 7) < -128 || pyrt_param(c, 7) > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(pyrt_param(c, 8), pyrt_param(c, 9))) return PYRT_E_OP_PARAMS;
  }
  st = pyrt_check_window(pyrt_tdim(m, x, 1), pyrt_tdim(m, w, 1), pyrt_param(c, 0),
                         pyrt_param(c, 2), pyrt_param(c, 4), pyrt_tdim(m, y, 1));
  if (st != PYRT_OK) return st;
  st = pyrt_check_window(pyrt_tdim(m, x, 2), pyrt_tdim(m, w, 2), pyrt_param(c, 1),
                         pyrt_param(c, 3), pyrt_param(c, 5), pyrt_tdim(m, y, 2));
  if (st != PYRT_OK) return st;
  st = pyrt_check_requant(c, pyrt_param(c, 10), pyrt_param(c, 11), (uint32_t)cout);
  if (st != PYRT_OK || !int16) return st;
  return pyrt_check_wide_shifts(c, wide, pyrt_param(c, 11), (uint32_t)cout);
}

/* params: 0,1 stride_h,w  2,3 dilation_h,w  4,5 pad_h,w  6 input_offset  7 output_offset
 *         8,9 act_min,max  10 mult_off  11 shift_off; version 2 (int16): 12 wide_acc */
static pyrt_status check_conv(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cin, fid, cout;
  pyrt_status st;

  if (int16) {
    st = pyrt_check_int16_layer(c, x, w, b, y, 12, 6, 7, 8);
    if (st != PYRT_OK) return st;
  } else if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, w) != PYRT_INT8 ||
             pyrt_ttype(m, y) != PYRT_INT8 || (b >= 0 && pyrt_ttype(m, b) != PYRT_INT32)) {
    return PYRT_E_OP_TYPE;
  }

  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cin = pyrt_tdim(m, x, 3);
  fid = pyrt_tdim(m, w, 3);
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != cout)
    return PYRT_E_OP_SHAPE;
  /* groups = cin / fid, each group of cout / groups filters sees fid input channels */
  if (cin % fid != 0 || cout % (cin / fid) != 0) return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  return pyrt_check_conv_window(c, x, w, y, cout, int16, pyrt_param(c, 12));
}

pyrt_status pyrt_check_conv(const pyrt_check_ctx *c) { return check_conv(c, 0); }
pyrt_status pyrt_check_conv16(const pyrt_check_ctx *c) { return check_conv(c, 1); }

void pyrt_eval_conv(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], wi = op->tidx[1], yi = op->tidx[op->n_in];
  const int32_t bi = (op->n_in > 2) ? op->tidx[2] : -1;
  const int8_t *in = (const int8_t *)pyrt_tptr(m, xi);
  const int8_t *filt = (const int8_t *)pyrt_tptr(m, wi);
  const int32_t *bias = (bi >= 0) ? (const int32_t *)pyrt_tptr(m, bi) : (const int32_t *)0;
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int stride_h = p[0], stride_w = p[1], dil_h = p[2], dil_w = p[3];
  const int pad_h = p[4], pad_w = p[5];
  const int32_t input_offset = p[6], output_offset = p[7], act_min = p[8], act_max = p[9];
  {
    const int32_t *out_mult = pyrt_const_i32(m, p[10]);
    const int8_t *out_shift = pyrt_const_i8(m, p[11]);
    const int batches = pyrt_tdim(m, xi, 0);
    const int in_h = pyrt_tdim(m, xi, 1), in_w = pyrt_tdim(m, xi, 2), in_d = pyrt_tdim(m, xi, 3);
    const int f_h = pyrt_tdim(m, wi, 1), f_w = pyrt_tdim(m, wi, 2), f_d = pyrt_tdim(m, wi, 3);
    const int out_h = pyrt_tdim(m, yi, 1), out_w = pyrt_tdim(m, yi, 2), out_d = pyrt_tdim(m, yi, 3);
    const int groups = in_d / f_d;
    const int filters_per_group = out_d / groups;
    int batch, oy, ox, oc, fy, fx, ic;
    for (batch = 0; batch < batches; ++batch) {
      for (oy = 0; oy < out_h; ++oy) {
        const int in_y0 = oy * stride_h - pad_h;
        for (ox = 0; ox < out_w; ++ox) {
          const int in_x0 = ox * stride_w - pad_w;
          for (oc = 0; oc < out_d; ++oc) {
            const int group = oc / filters_per_group;
            uint32_t acc = 0; /* int32 accumulation, wrapping as TFLite's does in practice */
            int32_t r;
            for (fy = 0; fy < f_h; ++fy) {
              const int iy = in_y0 + dil_h * fy;
              if (iy < 0 || iy >= in_h) continue;
              for (fx = 0; fx < f_w; ++fx) {
                const int ix = in_x0 + dil_w * fx;
                const int8_t *ip, *fp;
                if (ix < 0 || ix >= in_w) continue;
                ip = in + ((batch * in_h + iy) * in_w + ix) * in_d + group * f_d;
                fp = filt + ((oc * f_h + fy) * f_w + fx) * f_d;
                for (ic = 0; ic < f_d; ++ic)
                  acc += (uint32_t)((int32_t)fp[ic] * ((int32_t)ip[ic] + input_offset));
              }
            }
            if (bias) acc += (uint32_t)bias[oc];
            r = pyrt_mbqm(pyrt_wrap32(acc), out_mult[oc], out_shift[oc]);
            r = pyrt_clamp(pyrt_add_wrap(r, output_offset), act_min, act_max);
            out[((batch * out_h + oy) * out_w + ox) * out_d + oc] = (int8_t)r;
          }
        }
      }
    }
  }
}

void pyrt_eval_conv16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], wi = op->tidx[1], yi = op->tidx[op->n_in];
  const int32_t bi = (op->n_in > 2) ? op->tidx[2] : -1;
  const int16_t *in = (const int16_t *)pyrt_tptr(m, xi);
  const int8_t *filt = (const int8_t *)pyrt_tptr(m, wi);
  const void *bias = (bi >= 0) ? pyrt_tptr(m, bi) : (const void *)0;
  int16_t *out = (int16_t *)pyrt_tptr(m, yi);
  const int stride_h = p[0], stride_w = p[1], dil_h = p[2], dil_w = p[3];
  const int pad_h = p[4], pad_w = p[5];
  const int32_t act_min = p[8], act_max = p[9];
  const int32_t *out_mult = pyrt_const_i32(m, p[10]);
  const int8_t *out_shift = pyrt_const_i8(m, p[11]);
  const int wide = p[12];
  const int batches = pyrt_tdim(m, xi, 0);
  const int in_h = pyrt_tdim(m, xi, 1), in_w = pyrt_tdim(m, xi, 2), in_d = pyrt_tdim(m, xi, 3);
  const int f_h = pyrt_tdim(m, wi, 1), f_w = pyrt_tdim(m, wi, 2), f_d = pyrt_tdim(m, wi, 3);
  const int out_h = pyrt_tdim(m, yi, 1), out_w = pyrt_tdim(m, yi, 2), out_d = pyrt_tdim(m, yi, 3);
  const int filters_per_group = out_d / (in_d / f_d);
  int batch, oy, ox, oc, fy, fx, ic;

  for (batch = 0; batch < batches; ++batch) {
    for (oy = 0; oy < out_h; ++oy) {
      const int in_y0 = oy * stride_h - pad_h;
      for (ox = 0; ox < out_w; ++ox) {
        const int in_x0 = ox * stride_w - pad_w;
        for (oc = 0; oc < out_d; ++oc) {
          const int group = oc / filters_per_group;
          uint64_t acc = 0; /* int64 sum; its low 32 bits are TFLite's wrapping int32 sum */
          int32_t r;
          for (fy = 0; fy < f_h; ++fy) {
            const int iy = in_y0 + dil_h * fy;
            if (iy < 0 || iy >= in_h) continue;
            for (fx = 0; fx < f_w; ++fx) {
              const int ix = in_x0 + dil_w * fx;
              const int16_t *ip;
              const int8_t *fp;
              if (ix < 0 || ix >= in_w) continue;
              ip = in + ((batch * in_h + iy) * in_w + ix) * in_d + group * f_d;
              fp = filt + ((oc * f_h + fy) * f_w + fx) * f_d;
              for (ic = 0; ic < f_d; ++ic)
                acc += pyrt_u64((int32_t)fp[ic] * (int32_t)ip[ic]);
            }
          }
          r = pyrt_requant16(acc, wide, bias, oc, out_mult[oc], out_shift[oc]);
          out[((batch * out_h + oy) * out_w + ox) * out_d + oc] =
              (int16_t)pyrt_clamp(r, act_min, act_max);
        }
      }
    }
  }
}
