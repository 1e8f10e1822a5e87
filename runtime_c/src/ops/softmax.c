/* SOFTMAX and LOG_SOFTMAX (TFLite reference_ops, quantized paths):
 * - SOFTMAX int8 -> int8 / int16 (layout 1): gemmlowp fixed point, kScaledDiffIntegerBits 5,
 *   kAccumulationIntegerBits 12, output zero point -128 / -32768;
 * - SOFTMAX int16 -> int16 (layout 2): SoftmaxInt16 with two interpolated 513-entry tables;
 * - LOG_SOFTMAX int8: LogSoftmaxQuantized (gemmlowp exp and log_x_for_x_greater_than_or_equal_to_1).
 */
#include "adapt.h"
#include "../kernels/softmax_arith.h"

#define PYRT_SOFTMAX_MAX_DEPTH 4095 /* depth * exp(0) in Q12.19 must fit int32 */

/* params: 0 input_multiplier  1 input_left_shift  2 diff_min */
static pyrt_status check_scaling(const pyrt_check_ctx *c);

pyrt_status pyrt_check_softmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);

  if (pyrt_ttype(m, x) != PYRT_INT8 ||
      (pyrt_ttype(m, y) != PYRT_INT8 && pyrt_ttype(m, y) != PYRT_INT16))
    return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, pyrt_trank(m, x) - 1) > PYRT_SOFTMAX_MAX_DEPTH) return PYRT_E_OP_SHAPE;
  return check_scaling(c);
}

/* input_multiplier, input_left_shift, diff_min (params 0..2) as TFLite's
 * PreprocessSoftmaxScaling and CalculateInputRadius produce them */
static pyrt_status check_scaling(const pyrt_check_ctx *c) {
  int32_t ls, diff_min, radius;
  ls = pyrt_param(c, 1);
  diff_min = pyrt_param(c, 2);
  if (pyrt_param(c, 0) < 0 || ls < 0 || ls > 31 || diff_min > 0) return PYRT_E_OP_PARAMS;
  /* every difference that reaches the exp (|diff| <= min(-diff_min, 255)) must not overflow
   * when shifted left by input_left_shift (TFLite's diff_min guarantees it) */
  radius = (diff_min < -255) ? 255 : -diff_min;
  if (((int64_t)radius << ls) > (int64_t)INT32_MAX) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_softmax(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int8_t *x = (const int8_t *)pyrt_tptr(m, xi);
  pyrt_softmax_desc d;
  d.depth = pyrt_tdim(m, xi, pyrt_trank(m, xi) - 1);
  d.rows = (int32_t)(pyrt_tbytes(m, xi) / (uint32_t)d.depth);
  d.input_multiplier = p[PYRT_P_SOFTMAX_INPUT_MULTIPLIER];
  d.input_left_shift = p[PYRT_P_SOFTMAX_INPUT_SHIFT];
  d.diff_min = p[PYRT_P_SOFTMAX_DIFF_MIN];
  if (pyrt_ttype(m, yi) == PYRT_INT8) {
    pyrt_softmax_s8(&d, x, (int8_t *)pyrt_tptr(m, yi));
  } else { /* int8 -> int16 */
    int16_t *y = (int16_t *)pyrt_tptr(m, yi);
    int32_t r;
    for (r = 0; r < d.rows; ++r) pyrt_softmax_row(&d, x + r * d.depth, y + r * d.depth, 16);
  }
}

/* ---- SOFTMAX int16 -> int16 (layout 2) ---- */

#define PYRT_LUT16_ENTRIES 513

static int32_t wrap16(int32_t v) { return ((v + 32768) & 0xFFFF) - 32768; }

/* TFLite LUTLookup(int16_t, const int16_t *): 9-bit index, 7-bit interpolation */
static int32_t lut16(int32_t v, const int16_t *lut) {
  const int32_t index = 256 + (v >> 7);
  const int32_t base = lut[index];
  const int32_t slope = wrap16((int32_t)lut[index + 1] - base);
  return wrap16(base + ((slope * (v & 0x7F) + 64) >> 7));
}

static int lut16_ok(const pyrt_check_ctx *c, int32_t off) {
  return off >= 0 && (off & 1) == 0 && (uint32_t)off <= c->clen &&
         c->clen - (uint32_t)off >= 2u * PYRT_LUT16_ENTRIES;
}

/* params: 0 input_multiplier  1 input_shift (> 0 left)  2 exp_lut  3 recip_lut */
pyrt_status pyrt_check_softmax16(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  const int32_t shift = pyrt_param(c, 1);
  if (pyrt_ttype(m, x) != PYRT_INT16 || pyrt_ttype(m, y) != PYRT_INT16) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_param(c, 0) < 0 || shift < -31 || shift > 30) return PYRT_E_OP_PARAMS;
  if (!lut16_ok(c, pyrt_param(c, 2)) || !lut16_ok(c, pyrt_param(c, 3))) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_softmax16(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int16_t *in = (const int16_t *)pyrt_tptr(m, xi);
  int16_t *out = (int16_t *)pyrt_tptr(m, yi);
  const int16_t *exp_lut = (const int16_t *)(const void *)(m->cbase + p[2]);
  const int16_t *recip_lut = (const int16_t *)(const void *)(m->cbase + p[3]);
  const int32_t depth = pyrt_tdim(m, xi, pyrt_trank(m, xi) - 1);
  const int32_t outer = (int32_t)(pyrt_telems(m, xi) / (uint32_t)depth);
  int32_t i, c;

  for (i = 0; i < outer; ++i) {
    const int16_t *row = in + i * depth;
    int16_t *orow = out + i * depth;
    int32_t max_in_row = -32768, sum = 0, shifted, recip, hp1, rs;
    for (c = 0; c < depth; ++c)
      if (row[c] > max_in_row) max_in_row = row[c];
    /* exp of every difference (cached in the output row, as TFLite does), Q0.15 */
    for (c = 0; c < depth; ++c) {
      const int32_t scaled = pyrt_mbqm((int32_t)row[c] - max_in_row, p[0], (int)p[1]);
      const int32_t e = lut16(pyrt_clamp(pyrt_add_wrap(scaled, 32767), -32768, 32767), exp_lut);
      orow[c] = (int16_t)e;
      sum = pyrt_add_wrap(sum, e);
    }
    /* 1 / sum: sum normalised to [1, 2), recentred to int16, looked up as 1 / (1 + x);
     * the row maximum contributes exp(0) ~ 32767, so 2 <= sum and 1 <= hp1 <= 30 */
    hp1 = pyrt_clz32((uint32_t)sum);
    if (hp1 < 1) hp1 = 1;
    if (hp1 > 30) hp1 = 30;
    shifted = (int32_t)((((int64_t)sum << (hp1 - 1)) + (1 << 13)) >> 14);
    recip = lut16(pyrt_clamp(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), recip_lut);
    rs = 31 - hp1;
    for (c = 0; c < depth; ++c) {
      const int64_t r = ((int64_t)orow[c] * recip + ((int64_t)1 << (rs - 1))) >> rs;
      orow[c] = (int16_t)(r < 0 ? 0 : (r > 32767 ? 32767 : r));
    }
  }
}

/* ---- LOG_SOFTMAX int8 ---- */

/* gemmlowp-style saturating left shift by exponent in [0, 30] (SaturatingRoundingMultiplyByPOT
 * with a run-time exponent) */
static int32_t sat_shl0(int32_t x, int exponent) {
  return exponent == 0 ? x : pyrt_sat_shl(x, exponent);
}

static int32_t sat_add(int32_t a, int32_t b) {
  const int64_t s = (int64_t)a + b;
  return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

/* TFLite log_x_for_x_greater_than_or_equal_to_1<5>(FixedPoint<int32, 12>): x Q12.19 >= 1,
 * result Q5.26 (accumulated in Q6.25). */
static int32_t log_q5_of_q12(int32_t x) {
  const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
  const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769;
  const int32_t alpha_f = 638450708;
  const int32_t shifted_quarter = 1 << 23; /* 1/4 in Q6.25 */
  const int za_hp1 = pyrt_clz32((uint32_t)x);
  const int32_t r_a_tmp = sat_shl0(x, za_hp1 - 1);
  const int32_t r_a = sat_shl0(pyrt_srdhm(r_a_tmp, sqrt_half), 1);
  const int32_t za_adj = sat_add(sat_shl0(12 - za_hp1, 25), shifted_quarter);
  const int32_t z_b = pyrt_srdhm(x, sqrt_half);
  const int zb_headroom = pyrt_clz32((uint32_t)z_b) - 1;
  const int32_t r_b = sat_shl0(x, zb_headroom);
  const int32_t zb_adj = sat_add(sat_shl0(12 - zb_headroom, 25), -shifted_quarter);
  const int32_t r = r_a < r_b ? r_a : r_b;
  const int32_t z_adj = za_adj > zb_adj ? za_adj : zb_adj;
  const int32_t p = pyrt_rounding_half_sum(r, sqrt_sqrt_half);
  const int32_t q1 = pyrt_sub_wrap(r, sqrt_sqrt_half);
  const int32_t q = pyrt_add_wrap(q1, q1);
  const int32_t sq = pyrt_srdhm(q, q);
  const int32_t num =
      pyrt_add_wrap(pyrt_srdhm(q, r), pyrt_srdhm(pyrt_srdhm(q, sq), alpha_n));
  const int32_t denom_m1 = pyrt_add_wrap(
      pyrt_srdhm(p, pyrt_add_wrap(pyrt_add_wrap(alpha_i, q), pyrt_srdhm(alpha_d, sq))),
      pyrt_srdhm(alpha_f, q));
  const int32_t recip = pyrt_one_over_one_plus_x(denom_m1);
  const int32_t num_scaled = pyrt_rdbpot(num, 6);
  const int32_t acc = pyrt_add_wrap(pyrt_srdhm(z_adj, log_2), pyrt_srdhm(num_scaled, recip));
  return pyrt_sat_shl(acc, 1); /* Q6.25 -> Q5.26 */
}

/* params: 0 input_multiplier  1 input_left_shift  2 reverse_scaling_divisor
 *         3 reverse_scaling_right_shift  4 diff_min */
pyrt_status pyrt_check_log_softmax(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  int32_t ls, diff_min, radius;
  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) < 1 || !pyrt_same_shape(m, x, y)) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, pyrt_trank(m, x) - 1) > PYRT_SOFTMAX_MAX_DEPTH) return PYRT_E_OP_SHAPE;
  ls = pyrt_param(c, 1);
  diff_min = pyrt_param(c, 4);
  if (pyrt_param(c, 0) < 0 || ls < 0 || ls > 31 || diff_min > 0) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 2) < 0 || pyrt_param(c, 3) < 0 || pyrt_param(c, 3) > 31)
    return PYRT_E_OP_PARAMS;
  radius = (diff_min < -255) ? 255 : -diff_min;
  if (((int64_t)radius << ls) > (int64_t)INT32_MAX) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

void pyrt_eval_log_softmax(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t xi = pyrt_op_tin(op, 0), yi = pyrt_op_tout(op, 0);
  const int8_t *in = (const int8_t *)pyrt_tptr(m, xi);
  int8_t *out = (int8_t *)pyrt_tptr(m, yi);
  const int32_t mult = p[0], rev_div = p[2], diff_min = p[4];
  const int ls = p[1], rev_rs = p[3];
  const int32_t depth = pyrt_tdim(m, xi, pyrt_trank(m, xi) - 1);
  const int32_t outer = (int32_t)(pyrt_tbytes(m, xi) / (uint32_t)depth);
  int32_t i, c;

  for (i = 0; i < outer; ++i) {
    const int8_t *row = in + i * depth;
    int8_t *orow = out + i * depth;
    int32_t max_in_row = -128, sum = 0, log_sum, adjusted, scaled_back;
    for (c = 0; c < depth; ++c)
      if (row[c] > max_in_row) max_in_row = row[c];
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)row[c] - max_in_row;
      if (diff >= diff_min)
        sum = pyrt_add_wrap(
            sum, pyrt_rdbpot(pyrt_exp_on_negative_values_q5(pyrt_mbqm_gt1(diff, mult, ls)), 12));
    }
    log_sum = log_q5_of_q12(sum); /* sum >= exp(0) = 1 in Q12.19 */
    scaled_back = pyrt_mbqm(pyrt_add_wrap(log_sum, INT32_MIN), rev_div, -rev_rs);
    adjusted = diff_min - 1 > scaled_back ? diff_min - 1 : scaled_back;
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)row[c] - max_in_row;
      int32_t v = -128;
      if (diff > adjusted) {
        const int32_t q5 = pyrt_mbqm_gt1(diff, mult, ls);
        v = pyrt_clamp(pyrt_rdbpot(pyrt_sub_wrap(q5, log_sum), 31 - 5 - 4) + 127, -128, 127);
      }
      orow[c] = (int8_t)v;
    }
  }
}
