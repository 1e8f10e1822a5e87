/* Data movement: CONCATENATION, SPLIT, SPLIT_V, PACK, UNPACK, PAD, PADV2, SLICE, STRIDED_SLICE,
 * TRANSPOSE, SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR.
 *
 * Every one of them is a byte-exact copy (TFLM does not requantize any of them), planned offline
 * as a "move program": an optional fill of every output (kernel fill_u8), then moves (move_u8).
 * A move copies bytes from one input to one output along up to PYRT_MOVE_MAX_DIMS loops; along
 * each loop the source offset advances by a stride or follows a table of byte offsets in CONST
 * (nearest-neighbour resize); the destination always advances by a stride.
 *
 * params: n_moves, elem_size, fill (0/1), fill_value (elem_size little-endian bytes; the head
 *         words every one of these operators shares, named after CONCATENATION's), then per
 *         move: src_slot, dst_slot, src_base, dst_base, nd,
 *                nd x (count, src_stride, dst_stride, src_table_off or -1)
 * The innermost loop (last) has no table. Offsets and strides are in bytes.
 */
#include "adapt.h"

#define MOVE_HDR (PYRT_P_CONCATENATION_FILL_VALUE + 1u)
/* a move record, then nd loop records */
enum { MV_SRC_SLOT, MV_DST_SLOT, MV_SRC_BASE, MV_DST_BASE, MV_ND, MOVE_REC };
enum { LP_COUNT, LP_SRC_STRIDE, LP_DST_STRIDE, LP_SRC_TABLE, MOVE_DIM };

/* the byte range an affine/table loop nest touches: [lo, hi] relative to base */
static pyrt_status move_range(const pyrt_check_ctx *c, uint32_t p, uint32_t nd, int src,
                              int64_t *lo, int64_t *hi, int64_t *span) {
  uint32_t k;
  *lo = 0;
  *hi = 0;
  *span = 0;
  for (k = 0; k < nd; ++k) {
    const int32_t cnt = pyrt_param(c, p + MOVE_DIM * k + LP_COUNT);
    const int32_t stride =
        pyrt_param(c, p + MOVE_DIM * k + (src ? LP_SRC_STRIDE : LP_DST_STRIDE));
    const int32_t tab = src ? pyrt_param(c, p + MOVE_DIM * k + LP_SRC_TABLE) : -1;
    int64_t a, b;
    if (cnt < 1 || cnt > 0x3FFFFFFFL) return PYRT_E_OP_PARAMS;
    if (stride < -(1L << 24) || stride > (1L << 24)) return PYRT_E_OP_PARAMS;
    if (tab >= 0) {
      int32_t i;
      if (k + 1u == nd) return PYRT_E_OP_PARAMS; /* innermost loop is strided */
      if (!pyrt_const_ok(c, tab, 4u * (uint64_t)cnt, 4)) return PYRT_E_OP_PARAMS;
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
  const int32_t n_moves = pyrt_param(c, PYRT_P_CONCATENATION_N_MOVES);
  const int32_t esize = pyrt_param(c, PYRT_P_CONCATENATION_ELEM_SIZE);
  const int32_t fill = pyrt_param(c, PYRT_P_CONCATENATION_FILL);
  uint32_t j, p = MOVE_HDR;
  int32_t i;
  if (c->n_params < MOVE_HDR) return PYRT_E_OP_PARAMS;
  if (esize != 1 && esize != 2 && esize != 4 && esize != 8) return PYRT_E_OP_PARAMS;
  if (fill != 0 && fill != 1) return PYRT_E_OP_PARAMS;
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
    src_slot = pyrt_param(c, p + MV_SRC_SLOT);
    dst_slot = pyrt_param(c, p + MV_DST_SLOT);
    sbase = pyrt_param(c, p + MV_SRC_BASE);
    dbase = pyrt_param(c, p + MV_DST_BASE);
    nd = pyrt_param(c, p + MV_ND);
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

/* Decodes the move record at r into d; returns the next record. */
static const int32_t *move_decode(const pyrt_model *m, const pyrt_op *op, const int32_t *r,
                                  pyrt_move_desc *d) {
  const int32_t *lp = r + MOVE_REC;
  int k;
  d->src = (const uint8_t *)pyrt_tptr(m, pyrt_op_tin(op, (uint32_t)r[MV_SRC_SLOT])) +
           r[MV_SRC_BASE];
  d->dst = (uint8_t *)pyrt_tptr(m, pyrt_op_tout(op, (uint32_t)r[MV_DST_SLOT])) + r[MV_DST_BASE];
  d->nd = r[MV_ND];
  for (k = 0; k < d->nd; ++k, lp += MOVE_DIM) {
    d->loop[k].count = lp[LP_COUNT];
    d->loop[k].src_stride = lp[LP_SRC_STRIDE];
    d->loop[k].dst_stride = lp[LP_DST_STRIDE];
    d->loop[k].src_table =
        lp[LP_SRC_TABLE] >= 0 ? pyrt_const_i32(m, lp[LP_SRC_TABLE]) : (const int32_t *)0;
  }
  return lp;
}

void pyrt_eval_move(const pyrt_model *m, const pyrt_op *op) {
  const int32_t *p = op->params;
  const int32_t *r = p + MOVE_HDR;
  pyrt_move_desc d;
  int32_t i;
  if (p[PYRT_P_CONCATENATION_FILL]) {
    /* fill_value little-endian, sign-extended to 8 bytes */
    const uint32_t v = (uint32_t)p[PYRT_P_CONCATENATION_FILL_VALUE];
    uint8_t pat[8];
    uint32_t o, b;
    for (b = 0; b < 8u; ++b)
      pat[b] = (uint8_t)(b < 4u ? (v >> (8u * b)) : ((v & 0x80000000UL) ? 0xFFu : 0u));
    for (o = 0; o < op->n_out; ++o)
      pyrt_fill_u8((uint8_t *)pyrt_tptr(m, pyrt_op_tout(op, o)),
                   pyrt_tbytes(m, pyrt_op_tout(op, o)), pat,
                   (uint32_t)p[PYRT_P_CONCATENATION_ELEM_SIZE]);
  }
  for (i = 0; i < p[PYRT_P_CONCATENATION_N_MOVES]; ++i) {
    r = move_decode(m, op, r, &d);
    pyrt_move_u8(&d);
  }
}
