"""QUANTIZE (float32 -> int8/int16; int8/int16 -> int8/int16 requantization) and DEQUANTIZE
(int8/int16 -> float32): the float interfaces of a quantized model, as TFLM computes them."""
from __future__ import annotations

import numpy as np

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef
from .elementwise import check_zero_points, multiplier

_F32 = np.float32


def _scale_bits(c: Ctx, role: str, scale: float) -> int:
    s = _F32(scale)
    if not (np.isfinite(s) and s > 0 and s >= np.finfo(np.float32).tiny):
        raise c.fail(f"{role} scale {scale} is not a positive normal float32")
    return int(s.view(np.int32))


def lower_quantize(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("float32", "int8", "int16"), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8", "int16"), const=False, per_tensor=True)
    if tuple(x.shape) != tuple(y.shape):
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    check_zero_points(c, (("output", y),))
    bits = _scale_bits(c, "output", y.scale)
    if x.dtype == "float32":
        return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                         [0, y.zero_point, 0, 0, bits], op.index)
    check_zero_points(c, (("input", x),))
    m, s = multiplier(c, float(_F32(x.scale)) / float(_F32(y.scale)), "scale ratio input/output")
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                     [x.zero_point, y.zero_point, m, s, bits], op.index)


def lower_dequantize(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8", "int16"), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("float32",), const=False)
    if tuple(x.shape) != tuple(y.shape):
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    check_zero_points(c, (("input", x),))
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                     [x.zero_point, _scale_bits(c, "input", x.scale)], op.index)


DEFS = [
    OpDef("QUANTIZE", 114, (1, 2, 3), "float32/int8/int16 -> int8/int16",
          "x float32, int8 or int16 (per-tensor)", "y int8 or int16 (int16: zero point 0)",
          (("input_zero_point", "x zero point (integer input)"),
           ("output_zero_point", "y zero point"),
           ("mult", "x scale / y scale, Q31 (integer input)"), ("shift", "its shift"),
           ("output_scale", "y scale as float32 bits (float input)")), lower_quantize,
          "float input: round_half_away(x / scale) + zero point in float32, as TFLM.",
          layouts=(Layout(1, ("input_zero_point", "output_zero_point", "mult", "shift", "output_scale"), "pyrt_check_quantize", "pyrt_eval_quantize"),)),
    OpDef("DEQUANTIZE", 6, (1, 2, 3, 4, 5), "int8/int16 -> float32", "x int8 or int16 (per-tensor)",
          "y float32",
          (("input_zero_point", "x zero point"), ("input_scale", "x scale as float32 bits")),
          lower_dequantize, "y = scale * (x - zero point), rounded once to float32 as TFLM.",
          layouts=(Layout(1, ("input_zero_point", "input_scale"), "pyrt_check_dequantize", "pyrt_eval_dequantize"),)),
]
