/* DEPTHWISE_CONV_2D, int8 per-channel (TFLite reference_integer_ops::DepthwiseConvPerChannel);
 * int16 activations with int8 weights and int64 accumulators (layout version 2). */
#include "kernels.h"
#include "quant.h"
#include "wide.h"

/* params: as CONV_2D (0..11), 12 depth_multiplier; version 2 (int16): 13 wide_acc (1) */
static pyrt_status check_depthwise(const pyrt_check_ctx *c, int int16) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  int32_t cin, cout, dm;
  pyrt_status st;

  if (int16) {
    st = pyrt_check_int16_layer(c, x, w, b, y, 13, 6, 7, 8);
    if (st != PYRT_OK) return st;
    if (pyrt_param(c, 13) != 1) return PYRT_E_OP_PARAMS; /* TFLM: int64 accumulators only */
  } else if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, w) != PYRT_INT8 ||
             pyrt_ttype(m, y) != PYRT_INT8 || (b >= 0 && pyrt_ttype(m, b) != PYRT_INT32)) {
    return PYRT_E_OP_TYPE;
  }

  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cin = pyrt_tdim(m, x, 3);
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != 1 ||
      pyrt_tdim(m, w, 3) != cout)
    return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;

  dm = pyrt_param(c, 12);
  if (dm < 1 || dm > 65535) return PYRT_E_OP_PARAMS;
  if ((int64_t)cin * dm != (int64_t)cout) return PYRT_E_OP_SHAPE;
  return pyrt_check_conv_window(c, x, w, y, cout, int16, 1);
}

pyrt_status pyrt_check_depthwise_conv(const pyrt_check_ctx *c) { return check_depthwise(c, 0); }
pyrt_status pyrt_check_depthwise_conv16(const pyrt_check_ctx *c) {
  return check_depthwise(c, 1);
}

void pyrt_eval_depthwise_conv(const pyrt_model *m, const pyrt_op *op) {
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
  const int32_t *out_mult = pyrt_const_i32(m, p[10]);
  const int8_t *out_shift = pyrt_const_i8(m, p[11]);
  const int depth_mult = p[12];
  const int batches = pyrt_tdim(m, xi, 0);
  const int in_h = pyrt_tdim(m, xi, 1), in_w = pyrt_tdim(m, xi, 2), in_d = pyrt_tdim(m, xi, 3);
  const int f_h = pyrt_tdim(m, wi, 1), f_w = pyrt_tdim(m, wi, 2);
  const int out_h = pyrt_tdim(m, yi, 1), out_w = pyrt_tdim(m, yi, 2), out_d = pyrt_tdim(m, yi, 3);
  int batch, oy, ox, ic, dmi, fy, fx;

  for (batch = 0; batch < batches; ++batch) {
    for (oy = 0; oy < out_h; ++oy) {
      const int in_y0 = oy * stride_h - pad_h;
      for (ox = 0; ox < out_w; ++ox) {
        const int in_x0 = ox * stride_w - pad_w;
        for (ic = 0; ic < in_d; ++ic) {
          for (dmi = 0; dmi < depth_mult; ++dmi) {
            const int oc = dmi + ic * depth_mult;
            uint32_t acc = 0;
            int32_t r;
            for (fy = 0; fy < f_h; ++fy) {
              const int iy = in_y0 + dil_h * fy;
              if (iy < 0 || iy >= in_h) continue;
              for (fx = 0; fx < f_w; ++fx) {
                const int ix = in_x0 + dil_w * fx;
                int32_t iv, fv;
                if (ix < 0 || ix >= in_w) continue;
                iv = in[((batch * in_h + iy) * in_w + ix) * in_d + ic];
                fv = filt[(fy * f_w + fx) * out_d + oc];
                acc += (uint32_t)(fv * (iv + input_offset));
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

void pyrt_eval_depthwise_conv16(const pyrt_model *m, const pyrt_op *op) {
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
  const int depth_mult = p[12];
  const int batches = pyrt_tdim(m, xi, 0);
  const int in_h = pyrt_tdim(m, xi, 1), in_w = pyrt_tdim(m, xi, 2), in_d = pyrt_tdim(m, xi, 3);
  const int f_h = pyrt_tdim(m, wi, 1), f_w = pyrt_tdim(m, wi, 2);
  const int out_h = pyrt_tdim(m, yi, 1), out_w = pyrt_tdim(m, yi, 2), out_d = pyrt_tdim(m, yi, 3);
  int batch, oy, ox, ic, dmi, fy, fx;

  for (batch = 0; batch < batches; ++batch) {
    for (oy = 0; oy < out_h; ++oy) {
      const int in_y0 = oy * stride_h - pad_h;
      for (ox = 0; ox < out_w; ++ox) {
        const int in_x0 = ox * stride_w - pad_w;
        for (ic = 0; ic < in_d; ++ic) {
          for (dmi = 0; dmi < depth_mult; ++dmi) {
            const int oc = dmi + ic * depth_mult;
            uint64_t acc = 0;
            int32_t r;
            for (fy = 0; fy < f_h; ++fy) {
              const int iy = in_y0 + dil_h * fy;
              if (iy < 0 || iy >= in_h) continue;
              for (fx = 0; fx < f_w; ++fx) {
                const int ix = in_x0 + dil_w * fx;
                if (ix < 0 || ix >= in_w) continue;
                acc += pyrt_u64((int32_t)filt[(fy * f_w + fx) * out_d + oc] *
                                (int32_t)in[((batch * in_h + iy) * in_w + ix) * in_d + ic]);
              }
            }
            r = pyrt_requant16(acc, 1, bias, oc, out_mult[oc], out_shift[oc]);
            out[((batch * out_h + oy) * out_w + ox) * out_d + oc] =
                (int16_t)pyrt_clamp(r, act_min, act_max);
          }
        }
      }
    }
  }
}
