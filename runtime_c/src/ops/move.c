/* Data movement: CONCATENATION, SPLIT, SPLIT_V, PACK, UNPACK, PAD, PADV2, SLICE, STRIDED_SLICE,
 * TRANSPOSE, SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR.
 *
 * Every one of them is a byte-exact copy (TFLM does not requantize any of them), planned offline
 * as a "move program": an optional fill of every output, then moves. A move copies bytes from one
 * input to one output along up to PYRT_MOVE_MAX_DIMS loops; along each loop the source offset
 * advances by a stride or follows a table of byte offsets in CONST (nearest-neighbour resize);
 * the destination always advances by a stride.
 *
 * params: 0 n_moves  1 elem_size  2 fill (0/1)  3 fill value (elem_size little-endian bytes)
 *         then per move: src_slot, dst_slot, src_base, dst_base, nd,
 *                        nd x (count, src_stride, dst_stride, src_table_off or -1)
 * The innermost loop (last) has no table. Offsets and strides are in bytes.
 */
#include "adapt.h"

#define PYRT_MOVE_MAX_DIMS 8
#define MOVE_HDR 4u
#define MOVE_REC 5u
#define MOVE_DIM 4u

/* the byte range an affine/table loop nest touches: [lo, hi] relative to base */
static pyrt_status move_range(const pyrt_check_ctx *c, uint32_t p, uint32_t nd, int src,
                              int64_t *lo, int64_t *hi, int64_t *span) {
  uint32_t k;
  *lo = 0;
  *hi = 0;
  *span = 0;
  for (k = 0; k < nd; ++k) {
    const int32_t cnt = pyrt_param(c, p + MOVE_DIM * k);
    const int32_t stride = pyrt_param(c, p + MOVE_DIM * k + (src ? 1u : 2u));
    const int32_t tab = src ? pyrt_param(c, p + MOVE_DIM * k + 3u) : -1;
    int64_t a, b;
    if (cnt < 1 || cnt > 0x3FFFFFFFL) return PYRT_E_OP_PARAMS;
    if (stride < -(1L << 24) || stride > (1L << 24)) return PYRT_E_OP_PARAMS;
    if (tab >= 0) {
      int32_t i;
      if (k + 1u == nd) return PYRT_E_OP_PARAMS; /* innermost loop is strided */
      if ((tab & 3) != 0 || (uint64_t)(uint32_t)tab + 4u * (uint64_t)cnt > c->clen)
        return PYRT_E_OP_PARAMS;
      a = INT32_MAX;
      b = INT32_MIN;
      for (i = 0; i < cnt; ++i) {
        const int32_t v = pyrt_rdi32(c->cbase + (uint32_t)tab + 4u * (uint32_t)i);
        if (v < -(1L << 30) || v > (1L << 30)) return PYRT_E_OP_PARAMS;
        if (v < a) a = v;
        if (v > b) b = v;
      }
    } else if (tab != -1) {
      return PYRT_E_OP_PARAMS;
    } else {
      a = (stride < 0) ? (int64_t)(cnt - 1) * stride : 0;
      b = (stride > 0) ? (int64_t)(cnt - 1) * stride : 0;
    }
    *lo += a;
    *hi += b;
    *span += (a < 0 ? -a : a) + (b < 0 ? -b : b);
  }
  return PYRT_OK;
}

pyrt_status pyrt_check_move(const pyrt_check_ctx *c) {
  const pyrt_model *m = c->m;
  const int32_t n_moves = pyrt_param(c, 0), esize = pyrt_param(c, 1);
  uint32_t j, p = MOVE_HDR;
  int32_t i;
  if (c->n_params < MOVE_HDR) return PYRT_E_OP_PARAMS;
  if (esize != 1 && esize != 2 && esize != 4 && esize != 8) return PYRT_E_OP_PARAMS;
  if (pyrt_param(c, 2) != 0 && pyrt_param(c, 2) != 1) return PYRT_E_OP_PARAMS;
  for (j = 0; j < c->n_in + c->n_out; ++j) {
    const int32_t t = (j < c->n_in) ? pyrt_in(c, j) : pyrt_out(c, j - c->n_in);
    if (t < 0) return PYRT_E_OP_ARITY;
    if (pyrt_ttype(m, t) != pyrt_ttype(m, pyrt_in(c, 0))) return PYRT_E_OP_TYPE;
    if (pyrt_type_size(pyrt_ttype(m, t)) != (uint32_t)esize) return PYRT_E_OP_TYPE;
  }
  if (n_moves < 0 || n_moves > 4096) return PYRT_E_OP_PARAMS;
  for (i = 0; i < n_moves; ++i) {
    int32_t src_slot, dst_slot, src, dst, nd;
    int64_t lo, hi, span, sbase, dbase;
    pyrt_status st;
    if ((uint64_t)p + MOVE_REC > c->n_params) return PYRT_E_OP_PARAMS;
    src_slot = pyrt_param(c, p);
    dst_slot = pyrt_param(c, p + 1u);
    sbase = pyrt_param(c, p + 2u);
    dbase = pyrt_param(c, p + 3u);
    nd = pyrt_param(c, p + 4u);
    if (src_slot < 0 || (uint32_t)src_slot >= c->n_in) return PYRT_E_OP_PARAMS;
    if (dst_slot < 0 || (uint32_t)dst_slot >= c->n_out) return PYRT_E_OP_PARAMS;
    src = pyrt_in(c, (uint32_t)src_slot);
    dst = pyrt_out(c, (uint32_t)dst_slot);
    if (src < 0) return PYRT_E_OP_PARAMS;
    if (pyrt_type_size(pyrt_ttype(m, src)) != (uint32_t)esize ||
        pyrt_ttype(m, src) != pyrt_ttype(m, dst))
      return PYRT_E_OP_TYPE;
    if (nd < 1 || nd > PYRT_MOVE_MAX_DIMS) return PYRT_E_OP_PARAMS;
    p += MOVE_REC;
    if ((uint64_t)p + MOVE_DIM * (uint32_t)nd > c->n_params) return PYRT_E_OP_PARAMS;
    st = move_range(c, p, (uint32_t)nd, 1, &lo, &hi, &span);
    if (st != PYRT_OK) return st;
    if (sbase + lo < 0 || sbase + hi >= (int64_t)pyrt_tbytes(m, src)) return PYRT_E_OP_PARAMS;
    if (sbase + span > INT32_MAX) return PYRT_E_OP_PARAMS;
    st = move_range(c, p, (uint32_t)nd, 0, &lo, &hi, &span);
    if (st != PYRT_OK) return st;
    if (dbase + lo < 0 || dbase + hi >= (int64_t)pyrt_tbytes(m, dst)) return PYRT_E_OP_PARAMS;
    if (dbase + span > INT32_MAX) return PYRT_E_OP_PARAMS;
    p += MOVE_DIM * (uint32_t)nd;
  }
  if (p != c->n_params) return PYRT_E_OP_PARAMS;
  return PYRT_OK;
}

static void run_move(const pyrt_model *m, const pyrt_op *op, const int32_t *r) {
  const uint8_t *src = (const uint8_t *)pyrt_tptr(m, pyrt_op_tin(op, (uint32_t)r[0])) + r[2];
  uint8_t *dst = (uint8_t *)pyrt_tptr(m, pyrt_op_tout(op, r[1])) + r[3];
  const int nd = r[4];
  const int32_t *d = r + MOVE_REC;
  const int32_t *tabs[PYRT_MOVE_MAX_DIMS];
  int32_t idx[PYRT_MOVE_MAX_DIMS];
  const int32_t cnt = d[MOVE_DIM * (nd - 1)], ss = d[MOVE_DIM * (nd - 1) + 1];
  const int32_t ds = d[MOVE_DIM * (nd - 1) + 2];
  int k;
  for (k = 0; k < nd; ++k) {
    idx[k] = 0;
    tabs[k] = d[MOVE_DIM * k + 3] >= 0 ? pyrt_const_i32(m, d[MOVE_DIM * k + 3]) : (const int32_t *)0;
  }
  for (;;) {
    int32_t so = 0, dof = 0, i;
    for (k = 0; k + 1 < nd; ++k) {
      so += tabs[k] ? tabs[k][idx[k]] : idx[k] * d[MOVE_DIM * k + 1];
      dof += idx[k] * d[MOVE_DIM * k + 2];
    }
    if (ss == 1 && ds == 1) {
      for (i = 0; i < cnt; ++i) dst[dof + i] = src[so + i];
    } else {
      for (i = 0; i < cnt; ++i) dst[dof + i * ds] = src[so + i * ss];
    }
    for (k = nd - 2; k >= 0; --k) {
      if (++idx[k] < d[MOVE_DIM * k]) break;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
}

void pyrt_eval_move(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t n_moves = p[0], esize = p[1];
  const int32_t *r = p + MOVE_HDR;
  int32_t i;
  if (p[2]) {
    uint8_t pat[8];
    uint32_t o, b;
    const uint32_t v = (uint32_t)p[3];
    for (b = 0; b < 8u; ++b) pat[b] = (uint8_t)(b < 4u ? (v >> (8u * b)) : ((v & 0x80000000UL) ? 0xFFu : 0u));
    for (o = 0; o < op->n_out; ++o) {
      uint8_t *y = (uint8_t *)pyrt_tptr(m, pyrt_op_tout(op, o));
      const uint32_t n = pyrt_tbytes(m, pyrt_op_tout(op, o));
      for (b = 0; b < n; ++b) y[b] = pat[b % (uint32_t)esize];
    }
  }
  for (i = 0; i < n_moves; ++i) {
    run_move(m, op, r);
    r += MOVE_REC + MOVE_DIM * (uint32_t)r[4];
  }
}
