"""Elementwise binary operators with broadcasting: ADD."""
from __future__ import annotations

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Ctx, LoweredOp, OpDef, check_broadcast

def lower_add(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    a = c.tensor("input 1", op.inputs[0], ("int8",), per_tensor=True)
    b = c.tensor("input 2", op.inputs[1], ("int8",), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), const=False, per_tensor=True)
    if len(y.shape) > 6:
        raise c.fail(f"rank {len(y.shape)} above 6")
    check_broadcast(c, a, b, y)
    try:
        am, ash, bm, bsh, om, osh = quant.add_params(a.scale, b.scale, y.scale)
    except ValueError as exc:
        raise c.fail(f"scales not supported: {exc}") from exc
    act_min, act_max = c.activation(y)
    params = [-a.zero_point, -b.zero_point, y.zero_point, 20, am, ash, bm, bsh, om, osh,
              act_min, act_max]
    return LoweredOp(op.code, op.name, list(op.inputs), [op.outputs[0]], params, op.index)


DEFS = [
    OpDef("ADD", 0, (1, 2, 3, 4, 5), "int8",
          "a int8, b int8 (each broadcast right-aligned to y, rank <= 6)", "y int8",
          (("a_offset", "-a zero point"), ("b_offset", "-b zero point"),
           ("output_offset", "output zero point"), ("left_shift", "20 for int8"),
           ("a_mult", "a multiplier"), ("a_shift", "a shift (<= 0)"),
           ("b_mult", "b multiplier"), ("b_shift", "b shift (<= 0)"),
           ("out_mult", "output multiplier"), ("out_shift", "output shift (<= 0)"),
           ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp")),
          lower_add, "TFLM's int8 ADD: inputs rescaled to a common scale with 20 bits of headroom."),
]
