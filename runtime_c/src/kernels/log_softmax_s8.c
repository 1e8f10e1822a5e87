/* Reference LOG_SOFTMAX int8 -> int8 (TFLite reference_ops::LogSoftmaxQuantized: gemmlowp exp
 * and log_x_for_x_greater_than_or_equal_to_1, output scale 16/256, zero point 127). */
#include "kernels.h"
#include "quant.h"

#if PYRT_BUILD_REF(log_softmax_s8)
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

void PYRT_K(log_softmax_s8)(const pyrt_log_softmax_desc *d, const int8_t *x, int8_t *y) {
  const int32_t mult = d->input_multiplier, rev_div = d->reverse_scaling_divisor;
  const int32_t diff_min = d->diff_min, depth = d->depth;
  const int ls = d->input_left_shift, rev_rs = d->reverse_scaling_right_shift;
  int32_t i, c;

  for (i = 0; i < d->rows; ++i) {
    const int8_t *row = x + i * depth;
    int8_t *orow = y + i * depth;
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
#endif
