/* mve: the int8 multiply core with its requantization (mve.h). */
#include "mve.h"

#if PYRT_SET_MVE

/* One group of four output channels: weight rows, predicate and per-channel parameters. */
typedef struct {
  const int8_t *b0, *b1, *b2, *b3;
  int32x4_t kbias, mult, lsh, rsh, lo, hi;
  int32_t out_off;
  mve_pred16_t p; /* the group's channels (fewer than four at the end) */
} group;

/* The four dot products of x with the weight rows b0..b3 (k >= 1 values each) plus kbias. One
 * tail-predicated low-overhead loop (DLSTP/LETP: the last k % 16 lanes are inactive, their loads
 * read no memory): per 16 values one load of x, four of weights, four VMLADAVA into four scalar
 * sums (even registers: constraint Te), then put into the lanes of one vector. In asm because
 * GCC 12 neither tail-predicates the loop nor keeps the sums in place (it moves each through
 * r0). */
PYRT_ALWAYS_INLINE int32x4_t dot4(const int8_t *x, const group *g, int32_t k) {
  const int8_t *b0 = g->b0, *b1 = g->b1, *b2 = g->b2, *b3 = g->b3;
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  register int32_t n __asm__("lr") = k;
  int32x4_t r;
  __asm__("dlstp.8 lr, lr\n"
          "1:\n\t"
          "vldrb.8 q0, [%[x]], #16\n\t"
          "vldrb.8 q1, [%[b0]], #16\n\t"
          "vmladava.s8 %[s0], q0, q1\n\t"
          "vldrb.8 q1, [%[b1]], #16\n\t"
          "vmladava.s8 %[s1], q0, q1\n\t"
          "vldrb.8 q1, [%[b2]], #16\n\t"
          "vmladava.s8 %[s2], q0, q1\n\t"
          "vldrb.8 q1, [%[b3]], #16\n\t"
          "vmladava.s8 %[s3], q0, q1\n\t"
          "letp lr, 1b"
          : [x] "+r"(x), [b0] "+r"(b0), [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3),
            [s0] "+Te"(s0), [s1] "+Te"(s1), [s2] "+Te"(s2), [s3] "+Te"(s3), "+r"(n)
          :
          : "q0", "q1", "memory");
  r = vdupq_n_s32(s0);
  r = vsetq_lane_s32(s1, r, 1);
  r = vsetq_lane_s32(s2, r, 2);
  r = vsetq_lane_s32(s3, r, 3);
  return vaddq_s32(r, g->kbias);
}

/* Two rows x three channels: the six dot products of x0 and x1 with the weight rows b0..b2 plus
 * kbias (lane 3 of each result is not meant to be stored). Per 16 values two loads of rows, three
 * of weights, six VMLADAVA (12 instructions with the LETP for 96 MACs, against 10 for 64 with one
 * row x four channels: every weight load serves two rows). Six sums in even registers, the loop in
 * lr: the most VMLADAVA accumulators a low-overhead loop leaves (RdaLo is even; eight would need
 * lr). */
PYRT_ALWAYS_INLINE void dot6(const int8_t *x0, const int8_t *x1, const group *g, int32_t k,
                             int32x4_t *v0, int32x4_t *v1) {
  const int8_t *b0 = g->b0, *b1 = g->b1, *b2 = g->b2;
  int32_t s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, t2 = 0;
  register int32_t n __asm__("lr") = k;
  int32x4_t a, b;
  __asm__("dlstp.8 lr, lr\n"
          "1:\n\t"
          "vldrb.8 q0, [%[x0]], #16\n\t"
          "vldrb.8 q1, [%[x1]], #16\n\t"
          "vldrb.8 q2, [%[b0]], #16\n\t"
          "vmladava.s8 %[s0], q0, q2\n\t"
          "vmladava.s8 %[t0], q1, q2\n\t"
          "vldrb.8 q2, [%[b1]], #16\n\t"
          "vmladava.s8 %[s1], q0, q2\n\t"
          "vmladava.s8 %[t1], q1, q2\n\t"
          "vldrb.8 q2, [%[b2]], #16\n\t"
          "vmladava.s8 %[s2], q0, q2\n\t"
          "vmladava.s8 %[t2], q1, q2\n\t"
          "letp lr, 1b"
          : [x0] "+r"(x0), [x1] "+r"(x1), [b0] "+r"(b0), [b1] "+r"(b1), [b2] "+r"(b2),
            [s0] "+Te"(s0), [s1] "+Te"(s1), [s2] "+Te"(s2), [t0] "+Te"(t0), [t1] "+Te"(t1),
            [t2] "+Te"(t2), "+r"(n)
          :
          : "q0", "q1", "q2", "memory");
  a = vdupq_n_s32(s0);
  a = vsetq_lane_s32(s1, a, 1);
  a = vsetq_lane_s32(s2, a, 2);
  b = vdupq_n_s32(t0);
  b = vsetq_lane_s32(t1, b, 1);
  b = vsetq_lane_s32(t2, b, 2);
  *v0 = vaddq_s32(a, g->kbias);
  *v1 = vaddq_s32(b, g->kbias);
}

/* Requantize, add the output offset, clamp: four int8 outputs (as int32 lanes). */
PYRT_ALWAYS_INLINE int32x4_t out4(int32x4_t acc, const group *g) {
  acc = vaddq_n_s32(pyrt_vec_requant(acc, g->mult, g->lsh, g->rsh), g->out_off);
  return vminq_s32(vmaxq_s32(acc, g->lo), g->hi);
}

/* Every row against one group; `tail`: fewer than four channels (predicated stores). */
PYRT_ALWAYS_INLINE void group_rows(const int8_t *x, const pyrt_vec_rows *r, int32_t k,
                                   const group *g, int8_t *y, int tail) {
  int32_t i, j;
  for (i = 0; i < r->lines; ++i) {
    const int8_t *xr = x + i * r->x_line;
    int8_t *yr = y + i * r->y_line;
    for (j = r->n; j > 0; --j) {
      const int32x4_t v = out4(dot4(xr, g, k), g);
      if (tail)
        vstrbq_p_s32(yr, v, g->p);
      else
        vstrbq_s32(yr, v);
      xr += r->x_step;
      yr += r->y_step;
    }
  }
}


/* The weight rows and parameters of channels [ch, ch + width), width 4 or 3; `tail`: fewer than
 * four are left or width is 3 (predicated loads; the missing rows repeat the first one, their
 * results are not stored); `pc`: per-channel parameters. */
PYRT_ALWAYS_INLINE void group_of(const int8_t *w, int32_t k, int32_t ch, int32_t n_ch,
                                 const pyrt_vec_out *o, group *g, int tail, int pc,
                                 int width) {
  const int32_t left = n_ch - ch < width ? n_ch - ch : width;
  const int32x4_t zero = vdupq_n_s32(0);
  int32x4_t sh;
  g->b0 = w + ch * k;
  g->b1 = g->b0 + k;
  g->b2 = g->b1 + k;
  g->b3 = g->b2 + k;
  if (tail) {
    g->p = vctp32q((uint32_t)left);
    g->b1 = left > 1 ? g->b1 : g->b0;
    g->b2 = left > 2 ? g->b2 : g->b0;
    g->b3 = left > 3 ? g->b3 : g->b0;
    g->kbias = vldrwq_z_s32(o->kbias + ch, g->p);
  } else {
    g->p = 0xffff;
    g->kbias = vldrwq_s32(o->kbias + ch);
  }
  if (!pc) {
    g->mult = vdupq_n_s32(o->q.mult[0]);
    sh = vdupq_n_s32(o->q.shift[0]);
  } else if (tail) {
    g->mult = vldrwq_z_s32(o->q.mult + ch, g->p);
    sh = vldrbq_z_s32(o->q.shift + ch, g->p);
  } else {
    g->mult = vldrwq_s32(o->q.mult + ch);
    sh = vldrbq_s32(o->q.shift + ch);
  }
  g->lsh = vmaxq_s32(sh, zero);
  g->rsh = vminq_s32(sh, zero);
  g->lo = vdupq_n_s32(o->act_min);
  g->hi = vdupq_n_s32(o->act_max);
  g->out_off = o->out_off;
}

/* One row (batch-1 FULLY_CONNECTED): everything per group, inline. */
PYRT_ALWAYS_INLINE void one_row(const int8_t *x, const int8_t *w, int32_t k, int32_t n_ch,
                                const pyrt_vec_out *o, int8_t *y, int pc) {
  group g;
  int32_t ch;
  for (ch = 0; ch + 4 <= n_ch; ch += 4) {
    group_of(w, k, ch, n_ch, o, &g, 0, pc, 4);
    vstrbq_s32(y + ch, out4(dot4(x, &g, k), &g));
  }
  if (ch < n_ch) {
    group_of(w, k, ch, n_ch, o, &g, 1, pc, 4);
    vstrbq_p_s32(y + ch, out4(dot4(x, &g, k), &g), g.p);
  }
}

/* Several rows, channels four at a time (one row x four channels, dot4): each group's parameters
 * loaded once and used for every row. */
PYRT_ALWAYS_INLINE void rows_by_4(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w,
                                  int32_t k, int32_t n_ch, const pyrt_vec_out *o, int8_t *y) {
  group g;
  int32_t ch;
  for (ch = 0; ch + 4 <= n_ch; ch += 4) {
    group_of(w, k, ch, n_ch, o, &g, 0, o->per_channel, 4);
    group_rows(x, r, k, &g, y + ch, 0);
  }
  if (ch < n_ch) {
    group_of(w, k, ch, n_ch, o, &g, 1, o->per_channel, 4);
    group_rows(x, r, k, &g, y + ch, 1);
  }
}

/* Several rows in one line, channels three at a time (each group's parameters loaded once),
 * against the rows two at a time (dot6), an odd last row by dot4 (its fourth weight row repeats
 * the first, its result is not stored). */
static void rows_by_2x3(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                        int32_t n_ch, const pyrt_vec_out *o, int8_t *y) {
  const int32_t xs = r->x_step, ys = r->y_step;
  group g;
  int32_t ch, i;
  for (ch = 0; ch < n_ch; ch += 3) {
    const int8_t *xr = x;
    int8_t *yr = y + ch;
    group_of(w, k, ch, n_ch, o, &g, 1, o->per_channel, 3);
    for (i = r->n; i >= 2; i -= 2) {
      int32x4_t v0, v1;
      dot6(xr, xr + xs, &g, k, &v0, &v1);
      vstrbq_p_s32(yr, out4(v0, &g), g.p);
      vstrbq_p_s32(yr + ys, out4(v1, &g), g.p);
      xr += 2 * xs;
      yr += 2 * ys;
    }
    if (i == 1) vstrbq_p_s32(yr, out4(dot4(xr, &g, k), &g), g.p);
  }
}

/* Several rows: lines of evenly spaced rows are one line; then the cheapest of one row x four
 * channels, two rows x three channels (one line only) and, for a channel count of 3m + 1, 2x3 on
 * all but the last four channels and 1x4 on those (16 channels: 4 groups of 3 and one of 4), by
 * the instructions each spends per two rows as GCC 12 -O2 compiles them (counted under QEMU):
 * 1x4 about 33 per row and group besides its 10 per 16 values, 2x3 about 58 per pair of rows and
 * group besides its 12 per 16 values. */
static void many_rows(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                      int32_t n_ch, const pyrt_vec_out *o, int8_t *y) {
  const int32_t steps = (k + 15) >> 4, pair3 = 58 + 12 * steps, pair4 = 2 * (33 + 10 * steps);
  const int32_t cost_2x3 = (n_ch + 2) / 3 * pair3, cost_1x4 = (n_ch + 3) / 4 * pair4;
  const int32_t cost_mix = n_ch % 3 == 1 && n_ch > 4 ? (n_ch - 4) / 3 * pair3 + pair4 : cost_1x4;
  pyrt_vec_rows one = *r;
  if (r->lines > 1 && r->x_line == r->n * r->x_step && r->y_line == r->n * r->y_step) {
    one.n = r->lines * r->n;
    one.lines = 1;
  }
  if (one.lines > 1 || (cost_1x4 <= cost_2x3 && cost_1x4 <= cost_mix)) {
    rows_by_4(x, &one, w, k, n_ch, o, y);
  } else if (cost_2x3 <= cost_mix) {
    rows_by_2x3(x, &one, w, k, n_ch, o, y);
  } else { /* the first n_ch - 4 channels by 2x3, the last four by 1x4 */
    const int32_t c0 = n_ch - 4;
    pyrt_vec_out last = *o;
    last.kbias += c0;
    if (last.per_channel) {
      last.q.mult += c0;
      last.q.shift += c0;
    }
    rows_by_2x3(x, &one, w, k, c0, o, y);
    rows_by_4(x, &one, w + c0 * k, k, 4, &last, y + c0);
  }
}

void pyrt_mve_mat_mult(const int8_t *x, const pyrt_vec_rows *r, const int8_t *w, int32_t k,
                       int32_t n_ch, const pyrt_vec_out *o, int8_t *y) {
  if (r->lines * r->n != 1)
    many_rows(x, r, w, k, n_ch, o, y);
  else if (o->per_channel)
    one_row(x, w, k, n_ch, o, y, 1);
  else
    one_row(x, w, k, n_ch, o, y, 0);
}

#endif /* PYRT_SET_MVE */
