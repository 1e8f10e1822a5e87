"""RESHAPE: a reinterpretation; the planner aliases output onto input, so it usually costs nothing."""
from __future__ import annotations

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef, check_same_bytes

def lower_reshape(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 2), 1)
    x = graph.tensors[op.inputs[0]]
    y = graph.tensors[op.outputs[0]]
    check_same_bytes(c, x, y)
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], [], op.index)


DEFS = [
    OpDef("RESHAPE", 22, (1, 2, 3), "any", "x", "y (same type and byte size)", (), lower_reshape,
          "Dropped from the blob when the output can alias the input (the usual case); "
          "otherwise a copy.",
          layouts=(Layout(1, (), "pyrt_check_reshape", "pyrt_eval_reshape", inputs=(1, 2), inplace="any"),)),
]
