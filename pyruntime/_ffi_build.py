"""Generate the C source of the cffi extension `pyruntime._engine` (API mode).

Run by the root CMakeLists.txt at build time:

    python pyruntime/_ffi_build.py OUT.c

The cdef below mirrors runtime_c/include/pyruntime.h. The generated C file includes the real
header, so the C compiler checks every declaration here against it, and cffi checks struct
layouts and enum values when the module is imported: a drift between the two fails loudly.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cffi

MODULE_NAME = "pyruntime._engine"

CDEF = """
#define PYRT_VERSION_MAJOR ...
#define PYRT_VERSION_MINOR ...
#define PYRT_VERSION_PATCH ...
#define PYRT_FORMAT_MAJOR ...
#define PYRT_FORMAT_MINOR ...
#define PYRT_MAX_DIMS ...
#define PYRT_ALIGN ...

typedef enum {
  PYRT_OK = 0,
  PYRT_E_ARG = 1,
  PYRT_E_TRUNCATED = 2,
  PYRT_E_MAGIC = 3,
  PYRT_E_VERSION = 4,
  PYRT_E_CRC = 5,
  PYRT_E_SECTION = 6,
  PYRT_E_ALIGN = 7,
  PYRT_E_TENSOR = 8,
  PYRT_E_TENSOR_RANGE = 9,
  PYRT_E_OP = 10,
  PYRT_E_OP_ARITY = 11,
  PYRT_E_OP_TYPE = 12,
  PYRT_E_OP_SHAPE = 13,
  PYRT_E_OP_PARAMS = 14,
  PYRT_E_IO = 15,
  PYRT_E_ARENA_SMALL = 16,
  PYRT_E_STATE_SMALL = 17,
  PYRT_E_NOT_READY = 18,
  PYRT_E_INDEX = 19
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

typedef struct {
  uint32_t format_major, format_minor;
  uint32_t blob_bytes;
  uint32_t arena_bytes;
  uint32_t state_bytes;
  uint32_t n_tensors, n_ops, n_inputs, n_outputs;
} pyrt_info;

typedef struct {
  pyrt_status status;
  int32_t index;
  uint32_t offset;
} pyrt_diag;

typedef struct {
  void *data;
  uint32_t bytes;
  uint8_t type;
  uint8_t rank;
  uint16_t reserved;
  int32_t dims[6];
  float scale;
  int32_t zero_point;
} pyrt_tensor;

typedef struct pyrt_model pyrt_model;

typedef void (*pyrt_hook)(void *user, uint32_t op_index, uint32_t op_code, int end);

pyrt_status pyrt_query(const void *blob, size_t blob_len, pyrt_info *info);
pyrt_status pyrt_init(pyrt_model **model, void *state, size_t state_len, const void *blob,
                      size_t blob_len, void *arena, size_t arena_len, pyrt_diag *diag);
pyrt_status pyrt_invoke(pyrt_model *model);
pyrt_status pyrt_input(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor);
pyrt_status pyrt_output(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor);
uint32_t pyrt_num_ops(const pyrt_model *model);
int32_t pyrt_op_code(const pyrt_model *model, uint32_t index);
void pyrt_set_hook(pyrt_model *model, pyrt_hook hook, void *user);
const char *pyrt_status_name(pyrt_status status);

/* Profiling hook implemented in Python (pyruntime.runtime) and passed to pyrt_set_hook. */
extern "Python" void pyrt_py_hook(void *user, uint32_t op_index, uint32_t op_code, int end);
"""

SOURCE = """
#include "pyruntime.h"
"""


def make_ffi() -> cffi.FFI:
    """The FFI object describing the engine's public API."""
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    ffi.set_source(MODULE_NAME, SOURCE)
    return ffi


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} OUT.c", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    make_ffi().emit_c_code(str(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
