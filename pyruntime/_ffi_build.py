"""Generate the C source of the cffi extension `pyruntime._engine` (API mode).

Run by the root CMakeLists.txt at build time:

    python pyruntime/_ffi_build.py OUT.c

The cdef is read from runtime_c/include/pyruntime.h itself (one declaration of the API); the
generated C file includes the same header, and cffi checks struct layouts and enum values.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import cffi

MODULE_NAME = "pyruntime._engine"

HEADER = Path(__file__).resolve().parents[1] / "runtime_c" / "include" / "pyruntime.h"

# Implemented in Python (pyruntime.runtime) and passed to pyrt_set_hook.
PYTHON_CALLBACKS = """
extern "Python" void pyrt_py_hook(void *user, uint32_t op_index, uint32_t op_code, int end);
"""


def cdef_from_header(text: str) -> str:
    """The public header as a cffi cdef: preprocessor lines dropped, `#define`d constants
    become `#define NAME ...` (their values come from the compiled header), array lengths
    given by a macro become `[...]`."""
    out: list[str] = []
    in_cplusplus = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#ifdef __cplusplus"):
            in_cplusplus = True
            continue
        if in_cplusplus:
            in_cplusplus = not stripped.startswith("#endif")
            continue
        if stripped.startswith("#define"):
            name = stripped.split()[1]
            if not name.endswith("_H"):
                out.append(f"#define {name} ...")
            continue
        if stripped.startswith("#"):
            continue
        out.append(re.sub(r"\[[A-Z_]+\]", "[...]", line))
    return "\n".join(out)


SOURCE = """
#include "pyruntime.h"
"""


def make_ffi() -> cffi.FFI:
    """The FFI object describing the engine's public API."""
    ffi = cffi.FFI()
    ffi.cdef(cdef_from_header(HEADER.read_text()) + PYTHON_CALLBACKS)
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
