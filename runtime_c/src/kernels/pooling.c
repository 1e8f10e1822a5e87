/* AVERAGE_POOL_2D and MAX_POOL_2D, int8 (TFLite reference_integer_ops::AveragePool / MaxPool). */
#include "kernels.h"
#include "quant.h"

/* params: 0,1 stride_h,w  2,3 filter_h,w  4,5 pad_h,w  6,7 act_min,max */
pyrt_status pyrt_check_pool(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t x = pyrt_in(c, 0), y = pyrt_out(c, 0);
  int32_t fh, fw;
  pyrt_status st;

  if (pyrt_ttype(m, x) != PYRT_INT8 || pyrt_ttype(m, y) != PYRT_INT8) return PYRT_E_OP_TYPE;
  if (pyrt_trank(m, x) != 4 || pyrt_trank(m, y) != 4) return PYRT_E_OP_SHAPE;
  if (pyrt_tdim(m, x, 0) != pyrt_tdim(m, y, 0) || pyrt_tdim(m, x, 3) != pyrt_tdim(m, y, 3))
    return PYRT_E_OP_SHAPE;

  fh = pyrt_param(c, 2);
  fw = pyrt_param(c, 3);
  /* filter_h * filter_w * 128 must fit the int32 sum: keep each below 2^12 */
  if (fh < 1 || fw < 1 || fh > 4096 || fw > 4096) return PYRT_E_OP_PARAMS;
  if (!pyrt_act_ok(pyrt_param(c, 6), pyrt_param(c, 7))) return PYRT_E_OP_PARAMS;
  st = pyrt_check_window(pyrt_tdim(m, x, 1), fh, pyrt_param(c, 0), 1, pyrt_param(c, 4),
                         pyrt_tdim(m, y, 1));
  if (st != PYRT_OK) return st;
  st = pyrt_check_window(pyrt_tdim(m, x, 2), fw, pyrt_param(c, 1), 1, pyrt_param(c, 5),
                         pyrt_tdim(m, y, 2));
  if (st != PYRT_OK) return st;
  /* TFLite fails on an empty window (average of nothing): the first and last windows must
   * overlap the input (implied by the geometry check above, verified anyway). */
  if (pyrt_param(c, 4) >= fh || pyrt_param(c, 5) >= fw) return PYRT_E_OP_PARAMS;
  if ((int64_t)(pyrt_tdim(m, y, 1) - 1) * pyrt_param(c, 0) - pyrt_param(c, 4) >= pyrt_tdim(m, x, 1) ||
      (int64_t)(pyrt_tdim(m, y, 2) - 1) * pyrt_param(c, 1) - pyrt_param(c, 5) >= pyrt_tdim(m, x, 2))
    return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

typedef struct {
  const int8_t *in;
  int8_t *out;
  int batches, in_h, in_w, depth, out_h, out_w;
  int stride_h, stride_w, f_h, f_w, pad_h, pad_w;
  int32_t act_min, act_max;
} pool_geo;

static void pool_geometry(const pyrt_model *m, const pyrt_op *op, pool_geo *g) {
  const int32_t *p = op->params;
  const int32_t xi = op->tidx[0], yi = op->tidx[op->n_in];
  g->in = (const int8_t *)pyrt_tptr(m, xi);
  g->out = (int8_t *)pyrt_tptr(m, yi);
  g->batches = pyrt_tdim(m, xi, 0);
  g->in_h = pyrt_tdim(m, xi, 1);
  g->in_w = pyrt_tdim(m, xi, 2);
  g->depth = pyrt_tdim(m, xi, 3);
  g->out_h = pyrt_tdim(m, yi, 1);
  g->out_w = pyrt_tdim(m, yi, 2);
  g->stride_h = p[0];
  g->stride_w = p[1];
  g->f_h = p[2];
  g->f_w = p[3];
  g->pad_h = p[4];
  g->pad_w = p[5];
  g->act_min = p[6];
  g->act_max = p[7];
}

static void pool_run(const pyrt_model *m, const pyrt_op *op, int is_max) {
  pool_geo g;
  int batch, oy, ox, ch, fy, fx;
  pool_geometry(m, op, &g);
  for (batch = 0; batch < g.batches; ++batch) {
    for (oy = 0; oy < g.out_h; ++oy) {
      const int in_y0 = oy * g.stride_h - g.pad_h;
      const int fy_start = in_y0 < 0 ? -in_y0 : 0;
      const int fy_end = g.f_h < g.in_h - in_y0 ? g.f_h : g.in_h - in_y0;
      for (ox = 0; ox < g.out_w; ++ox) {
        const int in_x0 = ox * g.stride_w - g.pad_w;
        const int fx_start = in_x0 < 0 ? -in_x0 : 0;
        const int fx_end = g.f_w < g.in_w - in_x0 ? g.f_w : g.in_w - in_x0;
        int8_t *op8 = g.out + ((batch * g.out_h + oy) * g.out_w + ox) * g.depth;
        for (ch = 0; ch < g.depth; ++ch) {
          int32_t acc;
          if (is_max) {
            acc = -128;
            for (fy = fy_start; fy < fy_end; ++fy)
              for (fx = fx_start; fx < fx_end; ++fx) {
                const int32_t v =
                    g.in[((batch * g.in_h + in_y0 + fy) * g.in_w + in_x0 + fx) * g.depth + ch];
                if (v > acc) acc = v;
              }
          } else {
            int count = 0;
            acc = 0;
            for (fy = fy_start; fy < fy_end; ++fy)
              for (fx = fx_start; fx < fx_end; ++fx) {
                acc += g.in[((batch * g.in_h + in_y0 + fy) * g.in_w + in_x0 + fx) * g.depth + ch];
                ++count;
              }
            /* count >= 1 (checked at init); round half away from zero */
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          op8[ch] = (int8_t)pyrt_clamp(acc, g.act_min, g.act_max);
        }
      }
    }
  }
}

void pyrt_eval_average_pool(const pyrt_model *m, const pyrt_op *op) { pool_run(m, op, 0); }

void pyrt_eval_max_pool(const pyrt_model *m, const pyrt_op *op) { pool_run(m, op, 1); }
