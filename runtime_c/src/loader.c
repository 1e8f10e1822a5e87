/* Blob loader: pyrt_query and pyrt_init (every check of docs/blob_format.md, done once). */
#include "crc32.h"
#include "internal.h"

static uint32_t state_bytes_for(uint32_t n_tensors, uint32_t n_ops) {
  return (uint32_t)(sizeof(struct pyrt_model) + (size_t)n_ops * sizeof(pyrt_op) +
                    (size_t)n_tensors * sizeof(void *));
}

static uint32_t round_up4(uint32_t v) { return (v + 3u) & ~3u; }

static const uint8_t pyrt_magic[4] = {0x50, 0x59, 0x52, 0x54}; /* "PYRT" */

pyrt_status pyrt_query(const void *blob, size_t blob_len, pyrt_info *info) {
  const uint8_t *b = (const uint8_t *)blob;
  uint32_t total;
  if (info) {
    info->format_major = info->format_minor = 0;
    info->blob_bytes = info->arena_bytes = info->state_bytes = 0;
    info->n_tensors = info->n_ops = info->n_inputs = info->n_outputs = 0;
  }
  if (!blob || !info) return PYRT_E_ARG;
  if (blob_len < PYRT_HDR_BYTES) return PYRT_E_TRUNCATED;
  if (b[0] != pyrt_magic[0] || b[1] != pyrt_magic[1] || b[2] != pyrt_magic[2] ||
      b[3] != pyrt_magic[3])
    return PYRT_E_MAGIC;
  /* Filled even when the blob turns out truncated: a caller holding only the header can
   * learn blob_bytes, arena_bytes and state_bytes. */
  info->format_major = pyrt_rd16(b + 4);
  info->format_minor = pyrt_rd16(b + 6);
  total = pyrt_rd32(b + 8);
  info->blob_bytes = total;
  info->arena_bytes = pyrt_rd32(b + 20);
  info->n_tensors = pyrt_rd16(b + 24);
  info->n_ops = pyrt_rd16(b + 26);
  info->n_inputs = b[28];
  info->n_outputs = b[29];
  info->state_bytes = state_bytes_for(info->n_tensors, info->n_ops);
  if (info->format_major != PYRT_FORMAT_MAJOR) return PYRT_E_VERSION;
  if (total < PYRT_HDR_BYTES || (uint64_t)total > (uint64_t)blob_len) return PYRT_E_TRUNCATED;
  return PYRT_OK;
}

#define FAIL(st, idx, off)       \
  do {                           \
    diag->status = (st);         \
    diag->index = (int32_t)(idx); \
    diag->offset = (uint32_t)(off); \
    return (st);                 \
  } while (0)

typedef struct {
  uint32_t off, len;
  int32_t index; /* section table index, -1 when absent */
} sec_ref;

pyrt_status pyrt_init(pyrt_model **model, void *state, size_t state_len, const void *blob,
                      size_t blob_len, void *arena, size_t arena_len, pyrt_diag *diag) {
  pyrt_diag diag_local;
  const uint8_t *b = (const uint8_t *)blob;
  uint32_t total, arena_bytes, n_tensors, n_ops, n_inputs, n_outputs, n_sec, table_end;
  uint32_t i, j, pos;
  sec_ref sec[6]; /* by known id 1..5 */
  struct pyrt_model *m;
  pyrt_op *ops;
  void **tdata;
  const uint8_t *trecs, *cbase;

  if (!diag) diag = &diag_local;
  diag->status = PYRT_OK;
  diag->index = -1;
  diag->offset = 0;
  if (model) *model = (pyrt_model *)0;

  /* 1. arguments and alignment */
  if (!model || !state || !blob || !arena) FAIL(PYRT_E_ARG, -1, 0);
  if (((uintptr_t)blob % PYRT_ALIGN) != 0u || ((uintptr_t)arena % PYRT_ALIGN) != 0u ||
      ((uintptr_t)state % sizeof(void *)) != 0u)
    FAIL(PYRT_E_ALIGN, -1, 0);
  if (state_len >= sizeof(struct pyrt_model)) ((struct pyrt_model *)state)->ready = 0;

  /* 2. header */
  if (blob_len < PYRT_HDR_BYTES) FAIL(PYRT_E_TRUNCATED, -1, 0);
  if (b[0] != pyrt_magic[0] || b[1] != pyrt_magic[1] || b[2] != pyrt_magic[2] ||
      b[3] != pyrt_magic[3])
    FAIL(PYRT_E_MAGIC, -1, 0);
  if (pyrt_rd16(b + 4) != PYRT_FORMAT_MAJOR) FAIL(PYRT_E_VERSION, -1, 4);
  total = pyrt_rd32(b + 8);
  if (total < PYRT_HDR_BYTES || (uint64_t)total > (uint64_t)blob_len)
    FAIL(PYRT_E_TRUNCATED, -1, 8);

  /* 3. CRC of [16, total) */
  if (pyrt_crc32(b + 16, total - 16u) != pyrt_rd32(b + 12)) FAIL(PYRT_E_CRC, -1, 12);

  arena_bytes = pyrt_rd32(b + 20);
  n_tensors = pyrt_rd16(b + 24);
  n_ops = pyrt_rd16(b + 26);
  n_inputs = b[28];
  n_outputs = b[29];
  n_sec = pyrt_rd16(b + 30);

  /* 4. section table */
  if (n_sec < 1u || n_sec > PYRT_MAX_SECTIONS) FAIL(PYRT_E_SECTION, -1, 30);
  table_end = PYRT_HDR_BYTES + PYRT_SEC_ENTRY_BYTES * n_sec;
  if (table_end > total) FAIL(PYRT_E_SECTION, -1, 30);
  for (i = 0; i < 6u; ++i) {
    sec[i].off = sec[i].len = 0;
    sec[i].index = -1;
  }
  for (i = 0; i < n_sec; ++i) {
    const uint32_t eo = PYRT_HDR_BYTES + PYRT_SEC_ENTRY_BYTES * i;
    const uint32_t id = pyrt_rd32(b + eo), off = pyrt_rd32(b + eo + 4), len = pyrt_rd32(b + eo + 8);
    if (off < table_end || (uint64_t)off + len > (uint64_t)total) FAIL(PYRT_E_SECTION, i, eo);
    if ((off & (id == PYRT_SEC_CONST ? 15u : 3u)) != 0u) FAIL(PYRT_E_ALIGN, i, eo);
    for (j = 0; j < i; ++j) {
      const uint32_t eo2 = PYRT_HDR_BYTES + PYRT_SEC_ENTRY_BYTES * j;
      const uint32_t off2 = pyrt_rd32(b + eo2 + 4), len2 = pyrt_rd32(b + eo2 + 8);
      if (off < off2 + len2 && off2 < off + len) FAIL(PYRT_E_SECTION, i, eo);
    }
    if (id >= PYRT_SEC_TENSORS && id <= PYRT_SEC_NAMES) {
      if (sec[id].index >= 0) FAIL(PYRT_E_SECTION, i, eo);
      sec[id].off = off;
      sec[id].len = len;
      sec[id].index = (int32_t)i;
    }
  }
  for (i = PYRT_SEC_TENSORS; i <= PYRT_SEC_CONST; ++i)
    if (sec[i].index < 0) FAIL(PYRT_E_SECTION, -1, 30);
  if (sec[PYRT_SEC_TENSORS].len != PYRT_TREC_BYTES * n_tensors)
    FAIL(PYRT_E_SECTION, sec[PYRT_SEC_TENSORS].index,
         PYRT_HDR_BYTES + PYRT_SEC_ENTRY_BYTES * (uint32_t)sec[PYRT_SEC_TENSORS].index);
  if (sec[PYRT_SEC_IO].len != round_up4(2u * (n_inputs + n_outputs)))
    FAIL(PYRT_E_SECTION, sec[PYRT_SEC_IO].index,
         PYRT_HDR_BYTES + PYRT_SEC_ENTRY_BYTES * (uint32_t)sec[PYRT_SEC_IO].index);

  /* 5. state and arena sizes */
  if ((uint64_t)state_len < (uint64_t)state_bytes_for(n_tensors, n_ops))
    FAIL(PYRT_E_STATE_SMALL, -1, 0);
  if ((uint64_t)arena_len < (uint64_t)arena_bytes) FAIL(PYRT_E_ARENA_SMALL, -1, 20);

  m = (struct pyrt_model *)state;
  ops = (pyrt_op *)(void *)(m + 1);
  tdata = (void **)(void *)(ops + n_ops);
  trecs = b + sec[PYRT_SEC_TENSORS].off;
  cbase = b + sec[PYRT_SEC_CONST].off;
  m->n_tensors = (uint16_t)n_tensors;
  m->n_ops = (uint16_t)n_ops;
  m->n_inputs = (uint8_t)n_inputs;
  m->n_outputs = (uint8_t)n_outputs;
  m->reserved = 0;
  m->trecs = trecs;
  m->io = b + sec[PYRT_SEC_IO].off;
  m->cbase = cbase;
  m->ops = ops;
  m->tdata = tdata;
  m->hook = (pyrt_hook)0;
  m->hook_user = (void *)0;

  /* 6. tensors */
  for (i = 0; i < n_tensors; ++i) {
    const uint8_t *r = trecs + PYRT_TREC_BYTES * i;
    const uint32_t ro = sec[PYRT_SEC_TENSORS].off + PYRT_TREC_BYTES * i;
    const uint32_t esize = pyrt_type_size(r[PYRT_TR_TYPE]);
    const uint32_t rank = r[PYRT_TR_RANK], storage = r[PYRT_TR_STORAGE];
    const uint32_t off = pyrt_rd32(r + PYRT_TR_OFFSET), bytes = pyrt_rd32(r + PYRT_TR_BYTES);
    uint64_t n = 1;
    uint32_t k;
    if (esize == 0u || rank > PYRT_MAX_DIMS || storage > PYRT_STORAGE_CONST)
      FAIL(PYRT_E_TENSOR, i, ro);
    for (k = 0; k < PYRT_MAX_DIMS; ++k) {
      const uint32_t d = pyrt_rd16(r + PYRT_TR_DIMS + 2u * k);
      if (k < rank) {
        if (d == 0u) FAIL(PYRT_E_TENSOR, i, ro);
        n *= d; /* <= 2^31 * 2^16 before the check below: no overflow */
        if (n > 0x7FFFFFFFu) FAIL(PYRT_E_TENSOR, i, ro);
      } else if (d != 0u) {
        FAIL(PYRT_E_TENSOR, i, ro);
      }
    }
    n *= esize;
    if (n > 0x7FFFFFFFu || n != (uint64_t)bytes) FAIL(PYRT_E_TENSOR, i, ro);
    if (off % esize != 0u) FAIL(PYRT_E_TENSOR_RANGE, i, ro);
    if (storage == PYRT_STORAGE_ARENA) {
      if ((uint64_t)off + bytes > (uint64_t)arena_bytes) FAIL(PYRT_E_TENSOR_RANGE, i, ro);
      tdata[i] = (uint8_t *)arena + off;
    } else {
      if ((uint64_t)off + bytes > (uint64_t)sec[PYRT_SEC_CONST].len)
        FAIL(PYRT_E_TENSOR_RANGE, i, ro);
      /* constant data stays in the blob (maybe flash); kernels never write inputs */
      tdata[i] = (void *)(uintptr_t)(cbase + off);
    }
  }

  /* 7. model inputs and outputs */
  if (n_inputs < 1u || n_outputs < 1u) FAIL(PYRT_E_IO, -1, 28);
  for (i = 0; i < n_inputs + n_outputs; ++i) {
    const uint32_t t = pyrt_rd16(m->io + 2u * i);
    if (t >= n_tensors || trecs[PYRT_TREC_BYTES * t + PYRT_TR_STORAGE] != PYRT_STORAGE_ARENA)
      FAIL(PYRT_E_IO, i, sec[PYRT_SEC_IO].off + 2u * i);
  }

  /* 8. operators */
  pos = 0;
  for (i = 0; i < n_ops; ++i) {
    const uint32_t ops_len = sec[PYRT_SEC_OPS].len;
    const uint8_t *r = b + sec[PYRT_SEC_OPS].off + pos;
    const uint32_t ro = sec[PYRT_SEC_OPS].off + pos;
    uint32_t n_in, n_out, n_params, idx_bytes, rec_len, scratch_off, scratch_bytes;
    const pyrt_op_def *def;
    pyrt_check_ctx ctx;
    pyrt_status st;
    const pyrt_tidx *tidx;

    if (ops_len - pos < PYRT_OPREC_HDR_BYTES) FAIL(PYRT_E_SECTION, i, ro);
    n_in = r[3];
    n_out = r[4];
    n_params = pyrt_rd16(r + 6);
    idx_bytes = round_up4(2u * (n_in + n_out));
    rec_len = PYRT_OPREC_HDR_BYTES + idx_bytes + 4u * n_params;
    if (rec_len > ops_len - pos) FAIL(PYRT_E_SECTION, i, ro);

    def = pyrt_find_op(pyrt_rd16(r), r[2]);
    if (!def) FAIL(PYRT_E_OP, i, ro);
    if (n_in < def->min_in || n_in > def->max_in || n_out < 1u ||
        (def->n_out != 0u && n_out != def->n_out))
      FAIL(PYRT_E_OP_ARITY, i, ro);
    /* one index type (pyrt_tidx, u16) from here to the kernels: checked here, once */
    tidx = (const pyrt_tidx *)(const void *)(r + PYRT_OPREC_HDR_BYTES);
    for (j = 0; j < n_in + n_out; ++j) {
      const uint32_t u = tidx[j];
      if (u == PYRT_NO_TENSOR && j < n_in && j >= def->min_in) continue; /* absent optional */
      if (u >= n_tensors) FAIL(PYRT_E_OP_ARITY, i, ro);
      if (j >= n_in && trecs[PYRT_TREC_BYTES * u + PYRT_TR_STORAGE] != PYRT_STORAGE_ARENA)
        FAIL(PYRT_E_OP_ARITY, i, ro); /* outputs are written: arena only */
    }
    if (def->n_params != PYRT_PARAMS_ANY && n_params != def->n_params)
      FAIL(PYRT_E_OP_PARAMS, i, ro);

    ctx.m = m;
    ctx.cbase = cbase;
    ctx.clen = sec[PYRT_SEC_CONST].len;
    scratch_off = pyrt_rd32(r + 8);
    scratch_bytes = pyrt_rd32(r + 12);
    if (scratch_bytes != 0u && ((uint64_t)scratch_off + scratch_bytes > (uint64_t)arena_bytes ||
                                (scratch_off & (PYRT_ALIGN - 1u)) != 0u))
      FAIL(PYRT_E_TENSOR_RANGE, i, ro);

    ctx.params = (const int32_t *)(const void *)(r + PYRT_OPREC_HDR_BYTES + idx_bytes);
    ctx.tidx = tidx;
    ctx.n_in = n_in;
    ctx.n_out = n_out;
    ctx.n_params = n_params;
    ctx.scratch_bytes = scratch_bytes;
    st = def->check(&ctx);
    if (st != PYRT_OK) FAIL(st, i, ro);

    /* an output may not overlap an arena input unless the kernel allows it */
    for (j = 0; j < n_out; ++j) {
      const uint8_t *yr = trecs + PYRT_TREC_BYTES * (uint32_t)tidx[n_in + j];
      const uint32_t yo = pyrt_rd32(yr + PYRT_TR_OFFSET), yb = pyrt_rd32(yr + PYRT_TR_BYTES);
      uint32_t k;
      if (def->inplace == PYRT_INPLACE_ANY) break;
      for (k = 0; k < n_in; ++k) {
        const uint8_t *xr;
        uint32_t xo, xb;
        if (tidx[k] == PYRT_NO_TENSOR) continue;
        xr = trecs + PYRT_TREC_BYTES * (uint32_t)tidx[k];
        if (xr[PYRT_TR_STORAGE] != PYRT_STORAGE_ARENA) continue;
        xo = pyrt_rd32(xr + PYRT_TR_OFFSET);
        xb = pyrt_rd32(xr + PYRT_TR_BYTES);
        if (!((uint64_t)xo < (uint64_t)yo + yb && (uint64_t)yo < (uint64_t)xo + xb)) continue;
        if (def->inplace == PYRT_INPLACE_EXACT && xo == yo && xb == yb) continue;
        if (def->inplace == PYRT_INPLACE_ROWS && j == 0u && k == 0u &&
            pyrt_band_overlap_ok(m, tidx, n_in, ctx.params, xo, yo))
          continue;
        FAIL(PYRT_E_TENSOR_RANGE, i, ro);
      }
    }

    /* the scratch buffer may not overlap any arena tensor of the operator (all live during it) */
    for (j = 0; scratch_bytes != 0u && j < n_in + n_out; ++j) {
      const uint8_t *tr;
      uint32_t to, tb;
      if (tidx[j] == PYRT_NO_TENSOR) continue;
      tr = trecs + PYRT_TREC_BYTES * (uint32_t)tidx[j];
      if (tr[PYRT_TR_STORAGE] != PYRT_STORAGE_ARENA) continue;
      to = pyrt_rd32(tr + PYRT_TR_OFFSET);
      tb = pyrt_rd32(tr + PYRT_TR_BYTES);
      if ((uint64_t)to < (uint64_t)scratch_off + scratch_bytes &&
          (uint64_t)scratch_off < (uint64_t)to + tb)
        FAIL(PYRT_E_TENSOR_RANGE, i, ro);
    }

    ops[i].eval = def->eval;
    ops[i].params = (const int32_t *)(const void *)ctx.params;
    ops[i].tidx = tidx;
    ops[i].scratch = scratch_bytes ? (void *)((uint8_t *)arena + scratch_off) : (void *)0;
    ops[i].scratch_bytes = scratch_bytes;
    ops[i].code = def->code;
    ops[i].n_in = (uint8_t)n_in;
    ops[i].n_out = (uint8_t)n_out;
    pos += rec_len;
  }
  if (pos != sec[PYRT_SEC_OPS].len)
    FAIL(PYRT_E_SECTION, sec[PYRT_SEC_OPS].index, sec[PYRT_SEC_OPS].off + pos);

  m->ready = PYRT_READY_TAG;
  *model = m;
  return PYRT_OK;
}
