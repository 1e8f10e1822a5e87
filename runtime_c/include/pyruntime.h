/*
 * pyruntime: int8 neural-network inference for microcontrollers.
 *
 * One blob (made offline by `pyruntime convert`), one arena, one state buffer, all
 * provided by the caller. No heap, no stdio, no floating point in the int8 path.
 *
 *   pyrt_info info;
 *   pyrt_query(blob, blob_len, &info);          // arena_bytes, state_bytes
 *   pyrt_model *m;
 *   pyrt_init(&m, state, sizeof state, blob, blob_len, arena, sizeof arena, NULL);
 *   pyrt_tensor in, out;
 *   pyrt_input(m, 0, &in);   memcpy(in.data, x, in.bytes);
 *   pyrt_invoke(m);
 *   pyrt_output(m, 0, &out); // out.data, out.dims, out.scale, out.zero_point
 *
 * pyrt_init validates the whole blob once (header, CRC, sections, every tensor and
 * operator, every offset against the blob and the arena); pyrt_invoke then runs with
 * no further checks. The blob must stay in place (it may sit in memory-mapped flash:
 * constant data is used where it lies) and must be 16-byte aligned, as must the arena.
 * The state buffer must be aligned for pointers (8 bytes is always enough).
 *
 * The blob format is specified in docs/blob_format.md.
 */
#ifndef PYRUNTIME_H
#define PYRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PYRT_VERSION_MAJOR 0
#define PYRT_VERSION_MINOR 2
#define PYRT_VERSION_PATCH 0

/* Blob format version this engine reads (major must match, minor may be lower or equal). */
#define PYRT_FORMAT_MAJOR 2
#define PYRT_FORMAT_MINOR 0

#define PYRT_MAX_DIMS 6
#define PYRT_ALIGN 16 /* required alignment of blob and arena */

typedef enum {
  PYRT_OK = 0,
  PYRT_E_ARG = 1,          /* NULL pointer or invalid argument */
  PYRT_E_TRUNCATED = 2,    /* blob shorter than its header or its declared length */
  PYRT_E_MAGIC = 3,        /* not a pyruntime blob */
  PYRT_E_VERSION = 4,      /* format major version not supported by this engine */
  PYRT_E_CRC = 5,          /* CRC32 mismatch: blob corrupted */
  PYRT_E_SECTION = 6,      /* section table: missing, duplicate, overlapping or out-of-range section */
  PYRT_E_ALIGN = 7,        /* blob, arena or state pointer, or a section, misaligned */
  PYRT_E_TENSOR = 8,       /* tensor record invalid: type, rank, dims, byte size */
  PYRT_E_TENSOR_RANGE = 9, /* tensor data outside the constant section or the arena */
  PYRT_E_OP = 10,          /* unknown operator code or operator version */
  PYRT_E_OP_ARITY = 11,    /* wrong number of operator inputs/outputs, or bad tensor index */
  PYRT_E_OP_TYPE = 12,     /* operator tensor types not supported */
  PYRT_E_OP_SHAPE = 13,    /* operator tensor shapes inconsistent */
  PYRT_E_OP_PARAMS = 14,   /* operator parameters invalid (range, length, offsets) */
  PYRT_E_IO = 15,          /* model input/output table invalid */
  PYRT_E_ARENA_SMALL = 16, /* arena smaller than the blob's planned arena size */
  PYRT_E_STATE_SMALL = 17, /* state buffer smaller than pyrt_info.state_bytes */
  PYRT_E_NOT_READY = 18,   /* model not (successfully) initialised */
  PYRT_E_INDEX = 19,       /* input/output/operator index out of range */
  PYRT_E_SCRATCH = 20      /* an operator's planned scratch is smaller than this build's kernel
                              needs: convert the model for this target (convert --target) */
} pyrt_status;

typedef enum {
  PYRT_INT8 = 1,
  PYRT_UINT8 = 2,
  PYRT_INT16 = 3,
  PYRT_INT32 = 4,
  PYRT_FLOAT32 = 5,
  PYRT_INT64 = 6,
  PYRT_BOOL = 7
} pyrt_type;

/* What pyrt_query reads from a blob header (header and length only; no full check). */
typedef struct {
  uint32_t format_major, format_minor;
  uint32_t blob_bytes;  /* total length declared by the blob */
  uint32_t arena_bytes; /* exact arena size the memory plan needs */
  uint32_t state_bytes; /* state buffer pyrt_init needs on this target */
  uint32_t n_tensors, n_ops, n_inputs, n_outputs;
} pyrt_info;

/* Where pyrt_init found a problem (optional out-parameter). */
typedef struct {
  pyrt_status status;
  int32_t index;   /* tensor, operator, section or I/O index concerned, or -1 */
  uint32_t offset; /* byte offset in the blob of the offending record, or 0 */
} pyrt_diag;

typedef struct {
  void *data;      /* in the arena (or the blob for a constant) */
  uint32_t bytes;  /* data size in bytes */
  uint8_t type;    /* pyrt_type */
  uint8_t rank;
  uint16_t reserved;
  int32_t dims[PYRT_MAX_DIMS];
  float scale;        /* 0 when not quantized */
  int32_t zero_point; /* 0 when not quantized */
} pyrt_tensor;

typedef struct pyrt_model pyrt_model;

/* Called before (end == 0) and after (end == 1) each operator; for profiling. */
typedef void (*pyrt_hook)(void *user, uint32_t op_index, uint32_t op_code, int end);

pyrt_status pyrt_query(const void *blob, size_t blob_len, pyrt_info *info);

pyrt_status pyrt_init(pyrt_model **model, void *state, size_t state_len, const void *blob,
                      size_t blob_len, void *arena, size_t arena_len, pyrt_diag *diag);

pyrt_status pyrt_invoke(pyrt_model *model);

pyrt_status pyrt_input(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor);
pyrt_status pyrt_output(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor);

uint32_t pyrt_num_ops(const pyrt_model *model);
/* Operator code (TFLite builtin numbering) of operator `index`, or -1. */
int32_t pyrt_op_code(const pyrt_model *model, uint32_t index);

void pyrt_set_hook(pyrt_model *model, pyrt_hook hook, void *user);

/* Nonzero when this engine build runs operator `op_code` (TFLite numbering) with parameter
 * layout `layout_version` (docs/operators.md); lets a device report what it can run. */
int pyrt_op_supported(uint32_t op_code, uint32_t layout_version);

/* Static name of a status, e.g. "PYRT_E_CRC". */
const char *pyrt_status_name(pyrt_status status);

#ifdef __cplusplus
}
#endif

#endif /* PYRUNTIME_H */
