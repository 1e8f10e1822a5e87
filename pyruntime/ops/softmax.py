"""SOFTMAX: TFLM's int8 fixed-point softmax (gemmlowp exp and reciprocal)."""
from __future__ import annotations

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Ctx, LoweredOp, OpDef

def lower_softmax(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), per_tensor=True)
    if x.shape != y.shape:
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    if y.zero_point != -128 or abs(y.scale - 1.0 / 256) > 1e-6:
        raise c.fail(f"int8 output must have scale 1/256 and zero point -128 (has {y.scale}, "
                     f"{y.zero_point})")
    beta = float(op.options.get("beta", 1.0))
    try:
        mult, shift, diff_min = quant.softmax_params(beta, x.scale)
    except ValueError as exc:
        raise c.fail(f"beta {beta} with input scale {x.scale} not supported: {exc}") from exc
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], [mult, shift, diff_min],
                     op.index)


DEFS = [
    OpDef("SOFTMAX", 25, (1, 2, 3), "int8 -> int8", "x int8 (softmax over the last dimension)",
          "y int8, scale 1/256, zero point -128",
          (("input_multiplier", "beta * input scale, Q31"), ("input_left_shift", "its left shift"),
           ("diff_min", "inputs this far below the row maximum give 0")), lower_softmax),
]
