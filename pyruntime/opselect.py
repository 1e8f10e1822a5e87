"""Which operators a blob needs: the per-model engine build (PYRT_OPS).

    names = ops_of_blob(blob)              # ["CONV_2D", "DEPTHWISE_CONV_2D", ...] (sorted)
    layouts = op_layouts_of_blob(blob)     # ["CONV_2D:1", "DEPTHWISE_CONV_2D:1", ...]
    cmake_ops_value(layouts)               # "CONV_2D:1;DEPTHWISE_CONV_2D:1;..."  (-DPYRT_OPS=...)
    compiler_flags(layouts)                # "-DPYRT_OPS_SELECTED -DPYRT_WITH_CONV_2D_V1 ..."

The C engine keeps an operator table entry only for the selected operators when built with
-DPYRT_OPS_SELECTED -DPYRT_WITH_<NAME>... (runtime_c/src/op_table.c; CMake: -DPYRT_OPS=...),
so the linker drops every other kernel. Names are those of `pyruntime.ops.OPS` (= PYRT_OP_<NAME>
in the C table); one name keeps every parameter layout version of that operator, NAME:VERSION
(-DPYRT_WITH_<NAME>_V<VERSION>) only that layout: an int8 model's engine then leaves out the
int16 kernels of the same operators.
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


def op_names(ops: Iterable[fmt.OpRecord]) -> list[str]:
    """Sorted, unique names of the operators of a parsed blob's records."""
    return sorted({op_name(op.code) for op in ops})


def op_layouts(ops: Iterable[fmt.OpRecord]) -> list[str]:
    """Sorted, unique NAME:VERSION of the (operator, parameter layout) pairs of the records."""
    return sorted({f"{op_name(op.code)}:{op.version}" for op in ops})


def ops_of_blob(blob: bytes) -> list[str]:
    """Sorted, unique names of the operators `blob` uses."""
    return op_names(fmt.read_blob(blob).ops)


def op_layouts_of_blob(blob: bytes) -> list[str]:
    """Sorted, unique NAME:VERSION of the (operator, parameter layout) pairs `blob` uses."""
    return op_layouts(fmt.read_blob(blob).ops)


def cmake_ops_value(names: Iterable[str]) -> str:
    """The value of the PYRT_OPS CMake cache variable (a ;-list)."""
    return ";".join(names)


def compiler_flags(names: Iterable[str]) -> str:
    """The compiler definitions that select `names` when building runtime_c without CMake."""
    return " ".join(["-DPYRT_OPS_SELECTED", *(f"-DPYRT_WITH_{n.replace(':', '_V')}" for n in names)])
