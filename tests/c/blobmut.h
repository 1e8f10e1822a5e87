/*
 * blobmut: a structure-aware view of a pyruntime blob (docs/blob_format.md) and the mutations
 * built on it, shared by the C mutation campaign (tests/c/mutate_campaign.c) and the libFuzzer
 * custom mutator (tests/fuzz/engine/fuzz_engine.c). Test tool: malloc and stdio are fine here.
 *
 * Every structured field of a blob (header, section table, tensor records, IO indices, operator
 * headers, operator tensor indices, operator parameter words) is numbered 0..bm_count_fields()-1;
 * bm_field_at() describes field k (byte offset, width, role, record index) and bm_values() lists
 * the values worth trying in it (boundaries, sentinels, other counts and sizes of the blob).
 * The parser never trusts the blob: it only describes what lies inside the given buffer.
 */
#ifndef PYRT_BLOBMUT_H
#define PYRT_BLOBMUT_H

#include <stddef.h>
#include <stdint.h>

#define BM_MAX_OPS 2048u     /* operator records described at most */
#define BM_MAX_VALUES 40u    /* values bm_values() returns at most */
#define BM_SEC_IDS 6u        /* known section ids 1..5 */

/* What a field means (chooses the interesting values). */
typedef enum {
  BM_MAGIC, BM_MAJOR, BM_MINOR, BM_TOTAL, BM_CRC, BM_FLAGS, BM_ARENA, BM_NTENSORS, BM_NOPS,
  BM_NIN, BM_NOUT, BM_NSEC,
  BM_SEC_ID, BM_SEC_OFF, BM_SEC_LEN,
  BM_T_TYPE, BM_T_RANK, BM_T_STORAGE, BM_T_FLAGS, BM_T_OFFSET, BM_T_BYTES, BM_T_SCALE, BM_T_ZP,
  BM_T_DIM,
  BM_IO_INDEX,
  BM_OP_CODE, BM_OP_VERSION, BM_OP_NIN, BM_OP_NOUT, BM_OP_RESERVED, BM_OP_NPARAMS,
  BM_OP_SCRATCH_OFF, BM_OP_SCRATCH_BYTES,
  BM_OP_TIDX, BM_OP_PARAM,
  BM_N_ROLES
} bm_role;

typedef struct {
  uint32_t off;  /* byte offset in the blob */
  uint8_t width; /* 1, 2 or 4 bytes, little-endian */
  uint8_t role;  /* bm_role */
  int32_t rec;   /* record index: section entry, tensor, IO slot or operator; -1 for the header */
  int32_t sub;   /* position inside the record: dim k, tensor index j, parameter word j; else -1 */
} bm_field;

typedef struct {
  uint32_t len;                         /* bytes described (<= the buffer) */
  uint32_t total, arena_bytes, n_tensors, n_ops, n_in, n_out, n_sec;
  uint32_t n_sec_entries;               /* section entries inside the buffer (<= 16) */
  int32_t sec_entry[BM_SEC_IDS];        /* entry index of known section id, -1 when absent */
  uint32_t sec_off[BM_SEC_IDS], sec_len[BM_SEC_IDS];
  uint32_t n_trecs;                     /* tensor records inside TENSORS and the buffer */
  uint32_t n_io;                        /* IO indices inside IO and the buffer */
  uint32_t n_oprecs;                    /* operator records inside OPS and the buffer */
  uint32_t op_off[BM_MAX_OPS];          /* absolute offset of each operator record */
} bm_layout;

/* ---- little-endian access and CRC ---- */
uint32_t bm_rd16(const uint8_t *p);
uint32_t bm_rd32(const uint8_t *p);
void bm_wr16(uint8_t *p, uint32_t v);
void bm_wr32(uint8_t *p, uint32_t v);
uint32_t bm_rd(const uint8_t *p, unsigned width);
void bm_wr(uint8_t *p, unsigned width, uint32_t v);
uint32_t bm_crc32(const uint8_t *p, size_t n);
/* Recompute the header CRC over [16, total) when the declared total fits in len; returns 1
 * if it was rewritten. */
int bm_fix_crc(uint8_t *b, size_t len);

/* The whole file, malloc'd (NULL if unreadable). */
uint8_t *bm_read_file(const char *path, size_t *len);

/* ---- layout and fields ---- */
/* Describe b[0..len): 0 when at least the header is there, -1 otherwise. */
int bm_parse(const uint8_t *b, size_t len, bm_layout *L);
uint32_t bm_count_fields(const bm_layout *L, const uint8_t *b);
/* Field k (0 <= k < bm_count_fields); 0 on success, -1 when k is out of range. */
int bm_field_at(const bm_layout *L, const uint8_t *b, uint32_t k, bm_field *f);
/* Interesting values for field f (never its current value); returns the count. */
size_t bm_values(const bm_layout *L, const uint8_t *b, const bm_field *f, uint32_t *v);
const char *bm_role_name(unsigned role);
/* Tensor index j of operator o (unsigned 16-bit as stored). */
uint32_t bm_op_tidx(const bm_layout *L, const uint8_t *b, uint32_t o, uint32_t j);
/* Number of tensor indices (n_in + n_out) of operator o. */
uint32_t bm_op_nidx(const bm_layout *L, const uint8_t *b, uint32_t o);

/* ---- whole-blob mutations (out must hold bm_grow_size() / len bytes) ---- */
/* Size of the blob after bm_grow_tensors(L, n_new). */
size_t bm_grow_size(const bm_layout *L, uint32_t n_new);
/* Copy of b with its tensor table moved to the end and extended to n_new records (each new
 * record a copy of record `fill`), n_tensors and total updated, CRC fixed. Returns the new
 * length, 0 if the layout does not allow it. */
size_t bm_grow_tensors(const bm_layout *L, const uint8_t *b, uint32_t n_new, uint32_t fill,
                       uint8_t *out);
/* Set dim k of tensor t to d and its byte count to match; for an arena tensor grow the
 * header's arena_bytes (up to arena_cap) so that the data stays inside. CRC not fixed. */
void bm_set_dim(const bm_layout *L, uint8_t *b, uint32_t t, uint32_t k, uint32_t d,
                uint32_t arena_cap);

#endif /* PYRT_BLOBMUT_H */
