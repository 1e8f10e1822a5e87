/*
 * pyruntime engine internals: state layout, operator table, helpers shared by the
 * loader, the interpreter and the kernels. Not part of the public API.
 */
#ifndef PYRT_INTERNAL_H
#define PYRT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pyruntime.h"

/* The blob is little-endian and is read in place (parameters, multipliers and
 * biases are loaded directly): the engine supports little-endian targets only. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "pyruntime: little-endian targets only"
#endif
#endif

/* ---- blob layout constants (docs/blob_format.md) ---- */
#define PYRT_HDR_BYTES 32u
#define PYRT_SEC_ENTRY_BYTES 12u
#define PYRT_MAX_SECTIONS 16u
#define PYRT_TREC_BYTES 32u
#define PYRT_OPREC_HDR_BYTES 16u

#define PYRT_SEC_TENSORS 1u
#define PYRT_SEC_OPS 2u
#define PYRT_SEC_IO 3u
#define PYRT_SEC_CONST 4u
#define PYRT_SEC_NAMES 5u

/* tensor record field offsets */
#define PYRT_TR_TYPE 0
#define PYRT_TR_RANK 1
#define PYRT_TR_STORAGE 2
#define PYRT_TR_FLAGS 3
#define PYRT_TR_OFFSET 4
#define PYRT_TR_BYTES 8
#define PYRT_TR_SCALE 12
#define PYRT_TR_ZP 16
#define PYRT_TR_DIMS 20

#define PYRT_STORAGE_ARENA 0u
#define PYRT_STORAGE_CONST 1u

/* Operator codes (PYRT_OP_<NAME>) and parameter word indices, generated from the Python
 * operator definitions (python -m pyruntime.codegen). */
#include "op_params.h"

/* Operator tensor indices are u16 in the blob, read as u16 everywhere (loader, checks, adapters):
 * PYRT_NO_TENSOR marks an absent optional input; every other index is < n_tensors (checked
 * once by pyrt_init). */
typedef uint16_t pyrt_tidx;
#define PYRT_NO_TENSOR 0xFFFFu

#define PYRT_READY_TAG 0x50595254UL /* "PYRT" */

/* ---- little-endian readers (alignment- and alias-safe) ---- */
static inline uint32_t pyrt_rd16(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}
static inline uint32_t pyrt_rd32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline int32_t pyrt_rdi32(const uint8_t *p) {
  uint32_t u = pyrt_rd32(p);
  /* two's complement reinterpretation without implementation-defined conversion */
  return (u & 0x80000000UL) ? -(int32_t)(~u) - 1 : (int32_t)u;
}

/* ---- resolved state (lives in the caller's state buffer) ---- */
struct pyrt_op;
typedef void (*pyrt_eval_fn)(const pyrt_model *m, const struct pyrt_op *op);

/* One per operator, filled by pyrt_init. */
typedef struct pyrt_op {
  pyrt_eval_fn eval;
  const int32_t *params;  /* in the blob (OPS section), 4-aligned, little-endian */
  const pyrt_tidx *tidx;  /* in the blob: n_in input indices then n_out output indices */
  void *scratch;          /* in the arena (scratch_bytes planned by the converter), or NULL */
  uint32_t scratch_bytes;
  uint16_t code;
  uint8_t n_in, n_out;
} pyrt_op;

struct pyrt_model {
  uint32_t ready; /* PYRT_READY_TAG once pyrt_init succeeded */
  uint16_t n_tensors, n_ops;
  uint8_t n_inputs, n_outputs;
  uint16_t reserved;
  const uint8_t *trecs; /* TENSORS section (32-byte records) */
  const uint8_t *io;    /* IO section: u16 inputs[], u16 outputs[] */
  const uint8_t *cbase; /* CONST section (16-aligned) */
  pyrt_op *ops;         /* n_ops records, right after this struct */
  void **tdata;         /* n_tensors data pointers, after the op records */
  pyrt_hook hook;
  void *hook_user;
};

/* ---- tensor accessors (tensor records already validated by pyrt_init; t < n_tensors) ---- */
static inline const uint8_t *pyrt_trec(const pyrt_model *m, int32_t t) {
  return m->trecs + (size_t)t * PYRT_TREC_BYTES;
}
static inline int32_t pyrt_tdim(const pyrt_model *m, int32_t t, int k) {
  return (int32_t)pyrt_rd16(pyrt_trec(m, t) + PYRT_TR_DIMS + 2 * k);
}
static inline int pyrt_trank(const pyrt_model *m, int32_t t) {
  return pyrt_trec(m, t)[PYRT_TR_RANK];
}
static inline int pyrt_ttype(const pyrt_model *m, int32_t t) {
  return pyrt_trec(m, t)[PYRT_TR_TYPE];
}
static inline uint32_t pyrt_tbytes(const pyrt_model *m, int32_t t) {
  return pyrt_rd32(pyrt_trec(m, t) + PYRT_TR_BYTES);
}
static inline void *pyrt_tptr(const pyrt_model *m, int32_t t) { return m->tdata[t]; }
/* Data of operator input i, NULL when that optional input is absent (or i >= n_in). */
static inline const void *pyrt_op_in(const pyrt_model *m, const pyrt_op *op, uint32_t i) {
  return (i < op->n_in && op->tidx[i] != PYRT_NO_TENSOR) ? m->tdata[op->tidx[i]] : (void *)0;
}
/* Tensor index of operator input i (present: a required input, or checked by the adapter). */
static inline int32_t pyrt_op_tin(const pyrt_op *op, uint32_t i) { return (int32_t)op->tidx[i]; }
static inline int32_t pyrt_op_tout(const pyrt_op *op, uint32_t i) {
  return (int32_t)op->tidx[op->n_in + i];
}
/* Requantization arrays referenced by CONST-relative parameter offsets. */
static inline const int32_t *pyrt_const_i32(const pyrt_model *m, int32_t off) {
  return (const int32_t *)(const void *)(m->cbase + off);
}
static inline const int8_t *pyrt_const_i8(const pyrt_model *m, int32_t off) {
  return (const int8_t *)(const void *)(m->cbase + off);
}

/* Element size of a pyrt_type, 0 if unknown. */
uint32_t pyrt_type_size(uint32_t type);

/* ---- operator checking (pyrt_init) ---- */
typedef struct {
  const pyrt_model *m;     /* tensors validated and data pointers resolved */
  const uint8_t *cbase;    /* CONST section */
  uint32_t clen;
  const int32_t *params;   /* parameter words (4-aligned, little-endian i32) */
  const pyrt_tidx *tidx;   /* tensor indices (validated: < n_tensors, or PYRT_NO_TENSOR for an
                              absent optional input) */
  uint32_t n_in, n_out, n_params;
  uint32_t scratch_bytes;  /* arena scratch the converter planned for this operator */
} pyrt_check_ctx;

typedef pyrt_status (*pyrt_check_fn)(const pyrt_check_ctx *c);

typedef struct {
  uint16_t code;
  uint8_t version;
  uint8_t min_in, max_in; /* inputs at positions >= min_in are optional (-1 allowed) */
  uint8_t n_out;   /* 0: any number of outputs (1..255), checked by the check function */
  uint8_t inplace; /* PYRT_INPLACE_*: allowed overlap of an output with an input */
  uint16_t n_params;
  pyrt_check_fn check;
  pyrt_eval_fn eval;
} pyrt_op_def;

/* n_params value: any count (the check function validates it) */
#define PYRT_PARAMS_ANY 0xFFFFu

#define PYRT_INPLACE_NONE 0u  /* output must not overlap any arena input */
#define PYRT_INPLACE_EXACT 1u /* only an exact alias (same offset, same size) */
#define PYRT_INPLACE_ANY 2u   /* any overlap (kernel copies with memmove semantics) */
/* the output may overlap input 0 when it starts at least a band shift below it or above it
 * (pyrt_band_overlap_ok): the adapter then runs the kernel in bands of output rows (or pixels),
 * in increasing or decreasing order, so that no band writes bytes it or a later band reads */
#define PYRT_INPLACE_ROWS 3u

/* Whether the output at arena offset yo of a PYRT_INPLACE_ROWS operator (CONV_2D,
 * DEPTHWISE_CONV_2D layout 1) may overlap its input 0 at offset xo: at least the band shift
 * below or above it; never with batch > 1 or a band whose window lies in the padding.
 * `tidx`/`params` are the operator's (checked by its check function first). */
int pyrt_band_overlap_ok(const pyrt_model *m, const pyrt_tidx *tidx, uint32_t n_in,
                         const int32_t *params, uint32_t xo, uint32_t yo);

const pyrt_op_def *pyrt_find_op(uint32_t code, uint32_t version);

/* Helpers for check functions (validate.c). */
int32_t pyrt_param(const pyrt_check_ctx *c, uint32_t i);
int32_t pyrt_in(const pyrt_check_ctx *c, uint32_t i);  /* input tensor index, -1 if absent */
int32_t pyrt_out(const pyrt_check_ctx *c, uint32_t i); /* output tensor index */
uint32_t pyrt_telems(const pyrt_model *m, int32_t t);
int pyrt_same_shape(const pyrt_model *m, int32_t a, int32_t b);
/* act_min <= act_max, both within int8 */
int pyrt_act_ok(int32_t lo, int32_t hi);
/* Per-channel requantization arrays: mult i32[n] at mult_off (4-aligned), shift i8[n] at
 * shift_off, both inside CONST, shifts in [-31, 30], multipliers >= 0. */
pyrt_status pyrt_check_requant(const pyrt_check_ctx *c, int32_t mult_off, int32_t shift_off,
                               uint32_t n);
/* Sliding-window geometry as TFLite computes it (SAME or VALID padding):
 * OP_PARAMS for a bad stride/dilation/pad, OP_SHAPE for an inconsistent output size. */
pyrt_status pyrt_check_window(int32_t in, int32_t k, int32_t stride, int32_t dilation,
                              int32_t pad, int32_t out);

#endif /* PYRT_INTERNAL_H */
