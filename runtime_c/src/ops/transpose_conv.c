/* TRANSPOSE_CONV (TFLite reference_integer_ops::TransposeConv arithmetic): int8 x int8 with int32
 * accumulators and an optional int32 bias, or int16 x int8 with int64 accumulators and an
 * optional int64 bias. TFLM scatters every input pixel into an output-sized accumulator buffer;
 * this kernel gathers, per output element, the same products instead (the sums are identical:
 * wrapping integer addition is associative), so it needs no scratch memory. */
#include "adapt.h"
#include "../kernels/quant.h"
#include "../kernels/wide.h"

#define PYRT_TC_MAX_PAD (1L << 24)

/* params: 0,1 stride_h,w  2,3 pad_h,w (TFLite rule on the output size)  4 input_offset
 *         5 output_offset  6,7 act_min,max  8 mult_off  9 shift_off */
pyrt_status pyrt_check_transpose_conv(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), w = pyrt_in(c, 1), b = pyrt_in(c, 2), y = pyrt_out(c, 0);
  const int int16 = pyrt_ttype(m, x) == PYRT_INT16;
  const int32_t lo = pyrt_param(c, 6), hi = pyrt_param(c, 7);
  int32_t cout;
  int k;
  pyrt_status st;

  if (pyrt_ttype(m, x) != (int16 ? PYRT_INT16 : PYRT_INT8) || pyrt_ttype(m, w) != PYRT_INT8 ||
      pyrt_ttype(m, y) != pyrt_ttype(m, x) ||
      (b >= 0 && pyrt_ttype(m, b) != (int16 ? PYRT_INT64 : PYRT_INT32)))
    return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, w) != 4 || pyrt_trank(m, y) != 4)
    return PYRT_E_OP_SHAPE;
  cout = pyrt_tdim(m, y, 3);
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, w, 0) != cout ||
      pyrt_tdim(m, w, 3) != pyrt_tdim(m, x, 3))
    return PYRT_E_OP_SHAPE;
  for (k = 0; k < 4; ++k)
    if (pyrt_tdim(m, x, k) < 1 || pyrt_tdim(m, w, k) < 1 || pyrt_tdim(m, y, k) < 1)
      return PYRT_E_OP_SHAPE;
  if (b >= 0 && pyrt_telems(m, b) != (uint32_t)cout) return PYRT_E_OP_SHAPE;
  for (k = 0; k < 2; ++k) {
    if (pyrt_param(c, (uint32_t)k) < 1 || pyrt_param(c, (uint32_t)k) > 65535)
      return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, 2u + (uint32_t)k) < 0 || pyrt_param(c, 2u + (uint32_t)k) > PYRT_TC_MAX_PAD)
      return PYRT_E_OP_PARAMS;
  }
  if (int16) {
    if (pyrt_param(c, 4) != 0 || pyrt_param(c, 5) != 0) return PYRT_E_OP_PARAMS;
    if (lo < -32768 || lo > hi || hi > 32767) return PYRT_E_OP_PARAMS;
  } else {
    if (pyrt_param(c, 4) < -127 || pyrt_param(c, 4) > 128) return PYRT_E_OP_PARAMS;
    if (pyrt_param(c, 5) < -128 || pyrt_param(c, 5) > 127) return PYRT_E_OP_PARAMS;
    if (!pyrt_act_ok(lo, hi)) return PYRT_E_OP_PARAMS;
  }
  st = pyrt_check_requant(c, pyrt_param(c, 8), pyrt_param(c, 9), (uint32_t)cout);
  if (st != PYRT_OK) return st;
  return pyrt_check_wide_shifts(c, int16, pyrt_param(c, 9), (uint32_t)cout);
}

void pyrt_eval_transpose_conv(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), wi = pyrt_op_tin(op, 1), yi = pyrt_op_tout(op, 0);
  const int int16 = pyrt_ttype(m, xi) == PYRT_INT16;
  const int8_t *in8 = (const int8_t *)pyrt_tptr(m, xi);
  const int16_t *in16 = (const int16_t *)pyrt_tptr(m, xi);
  const int8_t *filt = (const int8_t *)pyrt_tptr(m, wi);
  const void *bias = pyrt_op_in(m, op, 2);
  const int stride_h = p[0], stride_w = p[1], pad_h = p[2], pad_w = p[3];
  const int32_t input_offset = p[4], output_offset = p[5], act_min = p[6], act_max = p[7];
  const int32_t *out_mult = pyrt_const_i32(m, p[8]);
  const int8_t *out_shift = pyrt_const_i8(m, p[9]);
  const int batches = pyrt_tdim(m, xi, 0);
  const int in_h = pyrt_tdim(m, xi, 1), in_w = pyrt_tdim(m, xi, 2), in_d = pyrt_tdim(m, xi, 3);
  const int f_h = pyrt_tdim(m, wi, 1), f_w = pyrt_tdim(m, wi, 2);
  const int out_h = pyrt_tdim(m, yi, 1), out_w = pyrt_tdim(m, yi, 2), out_d = pyrt_tdim(m, yi, 3);
  int batch, oy, ox, oc, fy, fx, ic;

  for (batch = 0; batch < batches; ++batch) {
    for (oy = 0; oy < out_h; ++oy) {
      for (ox = 0; ox < out_w; ++ox) {
        for (oc = 0; oc < out_d; ++oc) {
          /* int16: int64 sum; int8: its low 32 bits are TFLite's wrapping int32 sum */
          uint64_t acc = 0;
          int32_t r;
          /* input pixel iy feeds oy through fy when iy * stride - pad + fy == oy */
          for (fy = 0; fy < f_h; ++fy) {
            const int ty = oy + pad_h - fy;
            int iy;
            if (ty < 0) break;
            if (ty % stride_h != 0) continue;
            iy = ty / stride_h;
            if (iy >= in_h) continue;
            for (fx = 0; fx < f_w; ++fx) {
              const int tx = ox + pad_w - fx;
              const int8_t *fp;
              int ix, base;
              if (tx < 0) break;
              if (tx % stride_w != 0) continue;
              ix = tx / stride_w;
              if (ix >= in_w) continue;
              base = ((batch * in_h + iy) * in_w + ix) * in_d;
              fp = filt + ((oc * f_h + fy) * f_w + fx) * in_d;
              if (int16) {
                for (ic = 0; ic < in_d; ++ic)
                  acc += pyrt_u64((int32_t)in16[base + ic] * (int32_t)fp[ic]);
              } else {
                for (ic = 0; ic < in_d; ++ic)
                  acc += pyrt_u64(((int32_t)in8[base + ic] + input_offset) * (int32_t)fp[ic]);
              }
            }
          }
          r = pyrt_requant16(acc, int16, bias, oc, out_mult[oc], out_shift[oc]);
          if (int16) {
            ((int16_t *)pyrt_tptr(m, yi))[((batch * out_h + oy) * out_w + ox) * out_d + oc] =
                (int16_t)pyrt_clamp(r, act_min, act_max);
          } else {
            r = pyrt_clamp(pyrt_add_wrap(r, output_offset), act_min, act_max);
            ((int8_t *)pyrt_tptr(m, yi))[((batch * out_h + oy) * out_w + ox) * out_d + oc] =
                (int8_t)r;
          }
        }
      }
    }
  }
}
