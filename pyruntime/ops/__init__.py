"""The supported-operator table: one source of truth for what the engine runs.

Each family module (conv, pooling, elementwise, ...) defines `DEFS`, a list of `OpDef`s that
check an IR operator against what the engine supports (raising `ConversionError` naming the
operator and the reason) and lower it to engine parameter words, computing every
requantization constant offline. To add a family: write the module, add it to `_FAMILIES`.
"""
from __future__ import annotations

from ..constpool import ConstPool
from ..errors import ConversionError
from ..ir import Graph, Op
from . import (activations, conv, elementwise, layout, pooling, quantize, reduce, reshape, resize,
               softmax)
from . import matmul, transpose_conv
from .common import LoweredOp, OpDef

__all__ = ["OPS", "LoweredOp", "OpDef", "lower"]

_FAMILIES = (conv, elementwise, pooling, reshape, softmax, layout, reduce, activations,
             quantize, resize, transpose_conv, matmul)

OPS: dict[int, OpDef] = {d.code: d for family in _FAMILIES for d in family.DEFS}


def lower(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    """Check one operator and lower it, or raise ConversionError naming it and the reason."""
    d = OPS.get(op.code)
    if d is None or op.name.startswith("CUSTOM"):
        supported = ", ".join(sorted(x.name for x in OPS.values()))
        raise ConversionError(f"operator not supported by the engine (supported: {supported})",
                              op.index, op.name)
    if op.version not in d.versions:
        raise ConversionError(f"version {op.version} not supported (supported: "
                              f"{', '.join(map(str, d.versions))})", op.index, op.name)
    return d.lower(graph, op, pool)
