"""Which operators a blob needs: the per-model engine build (PYRT_OPS).

    names = ops_of_blob(blob)              # ["CONV_2D", "DEPTHWISE_CONV_2D", ...] (sorted)
    cmake_ops_value(names)                 # "CONV_2D;DEPTHWISE_CONV_2D;..."  (-DPYRT_OPS=...)
    compiler_flags(names)                  # "-DPYRT_OPS_SELECTED -DPYRT_WITH_CONV_2D ..."

The C engine keeps an operator table entry only for the selected operators when built with
-DPYRT_OPS_SELECTED -DPYRT_WITH_<NAME>... (runtime_c/src/op_table.c; CMake: -DPYRT_OPS=...),
so the linker drops every other kernel. Names are those of `pyruntime.ops.OPS` (= PYRT_OP_<NAME>
in the C table); one name keeps every parameter layout version of that operator.
"""
from __future__ import annotations

from collections.abc import Iterable

from . import blob as fmt


def op_name(code: int) -> str:
    """Name of an operator code (KeyError-free: unknown codes raise ValueError)."""
    from .ops import OPS
    op = OPS.get(code)
    if op is None:
        raise ValueError(f"operator code {code} is not in pyruntime's operator table")
    return str(op.name)


def ops_of_blob(blob: bytes) -> list[str]:
    """Sorted, unique names of the operators `blob` uses."""
    return sorted({op_name(op.code) for op in fmt.read_blob(blob).ops})


def cmake_ops_value(names: Iterable[str]) -> str:
    """The value of the PYRT_OPS CMake cache variable (a ;-list)."""
    return ";".join(names)


def compiler_flags(names: Iterable[str]) -> str:
    """The compiler definitions that select `names` when building runtime_c without CMake."""
    return " ".join(["-DPYRT_OPS_SELECTED", *(f"-DPYRT_WITH_{n}" for n in names)])
