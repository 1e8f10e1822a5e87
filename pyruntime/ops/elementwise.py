"""Elementwise binary operators with broadcasting (int8, and int16 where TFLM has it):
ADD, SUB, MUL, SQUARED_DIFFERENCE, MINIMUM, MAXIMUM. Multipliers are computed as TFLM's
Prepare does; ADD and SUB share one lowering."""
from __future__ import annotations

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op, Tensor
from .common import Layout, Ctx, LoweredOp, OpDef, check_broadcast

INT_RANGES = {"int8": (-128, 127), "int16": (-32768, 32767)}
_F32 = np.float32


def binary_tensors(c: Ctx, dtypes: tuple[str, ...] = ("int8", "int16")
                   ) -> tuple[Tensor, Tensor, Tensor]:
    """Two inputs and one output of the same type, broadcast shapes, per-tensor quantization;
    int16 tensors must be symmetric (zero point 0) as TFLite's int16 scheme requires."""
    c.arity((2, 2), 1)
    a = c.tensor("input 1", c.op.inputs[0], dtypes, per_tensor=True)
    b = c.tensor("input 2", c.op.inputs[1], dtypes, per_tensor=True)
    y = c.tensor("output", c.op.outputs[0], dtypes, const=False, per_tensor=True)
    if not a.dtype == b.dtype == y.dtype:
        raise c.fail(f"input types {a.dtype}, {b.dtype} and output type {y.dtype} differ")
    check_broadcast(c, a, b, y)
    check_zero_points(c, (("input 1", a), ("input 2", b), ("output", y)))
    return a, b, y


def check_zero_points(c: Ctx, tensors: tuple[tuple[str, Tensor], ...]) -> None:
    for role, t in tensors:
        lo, hi = INT_RANGES[t.dtype]
        if not lo <= t.zero_point <= hi:
            raise c.fail(f"{role} '{t.name}' zero point {t.zero_point} outside {t.dtype}")
        if t.dtype == "int16" and t.zero_point != 0:
            raise c.fail(f"{role} '{t.name}' is int16 with zero point {t.zero_point}; "
                         "int16 tensors must have zero point 0")


def act_range(c: Ctx, y: Tensor) -> tuple[int, int]:
    act = c.op.options.get("fused_activation_function", "NONE")  # no options table: NONE
    if act not in ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"):
        raise c.fail(f"unsupported fused_activation_function {act!r}; supported: NONE, RELU, "
                     "RELU6, RELU_N1_TO_1")
    lo, hi = INT_RANGES[y.dtype]
    try:
        return quant.activation_range(act, y.scale, y.zero_point, lo, hi)
    except ValueError as exc:
        raise c.fail(f"output '{y.name}': {exc}") from exc


def _lowered(op: Op, params: list[int]) -> LoweredOp:
    return LoweredOp(op.code, op.name, list(op.inputs), [op.outputs[0]], params, op.index)


def lower_add_sub(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    """ADD and SUB share TFLM's arithmetic: inputs rescaled to twice the larger input scale with
    20 (int8) or 15 (int16) bits of headroom; the scale ratios in double (sub_common.cc reads
    float32, but the TFLM build we match agrees with double on 2,000 of 2,000 random cases and
    with float32 on 1,996)."""
    c = Ctx(graph, op)
    a, b, y = binary_tensors(c)
    left_shift = 15 if y.dtype == "int16" else 20
    try:
        am, ash, bm, bsh, om, osh = quant.add_params(a.scale, b.scale, y.scale, left_shift)
    except ValueError as exc:
        raise c.fail(f"scales not supported: {exc}") from exc
    act_min, act_max = act_range(c, y)
    return _lowered(op, [-a.zero_point, -b.zero_point, y.zero_point, left_shift, am, ash, bm, bsh,
                         om, osh, act_min, act_max])


def multiplier(c: Ctx, real: float, what: str) -> tuple[int, int]:
    """QuantizeMultiplier with a shift the engine's MultiplyByQuantizedMultiplier accepts."""
    try:
        m, s = quant.quantize_multiplier(real)
    except ValueError as exc:
        raise c.fail(f"{what} {real!r} not supported: {exc}") from exc
    if not -31 <= s <= 30:
        raise c.fail(f"{what} {real!r} needs shift {s} outside [-31, 30]")
    return m, s


def lower_mul(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    a, b, y = binary_tensors(c)
    real = float(_F32(a.scale)) * float(_F32(b.scale)) / float(_F32(y.scale))
    m, s = multiplier(c, real, "scale ratio input1*input2/output")
    act_min, act_max = act_range(c, y)
    return _lowered(op, [-a.zero_point, -b.zero_point, y.zero_point, m, s, act_min, act_max])


def lower_squared_difference(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    a, b, y = binary_tensors(c)
    left_shift = 0 if y.dtype == "int16" else 7
    twice_max = 2.0 * float(max(_F32(a.scale), _F32(b.scale)))
    real_out = twice_max * twice_max / float(_F32(1 << (2 * left_shift)) * _F32(y.scale))
    try:
        am, ash = quant.quantize_multiplier_smaller_than_one_exp(float(_F32(a.scale)) / twice_max)
        bm, bsh = quant.quantize_multiplier_smaller_than_one_exp(float(_F32(b.scale)) / twice_max)
    except ValueError as exc:
        raise c.fail(f"scales not supported: {exc}") from exc
    om, osh = multiplier(c, real_out, "output multiplier")
    lo, hi = INT_RANGES[y.dtype]
    return _lowered(op, [-a.zero_point, -b.zero_point, y.zero_point, left_shift, am, ash, bm, bsh,
                         om, osh, lo, hi])


def lower_min_max(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    a, b, y = binary_tensors(c)
    for role, t in (("input 1", a), ("input 2", b)):
        if _F32(t.scale) != _F32(y.scale) or t.zero_point != y.zero_point:
            raise c.fail(f"{role} '{t.name}' quantization ({t.scale}, {t.zero_point}) differs from "
                         f"the output's ({y.scale}, {y.zero_point}); TFLite requires them equal")
    return _lowered(op, [])


_ARITH_PARAMS = (("a_offset", "-a zero point"), ("b_offset", "-b zero point"),
                 ("output_offset", "output zero point"),
                 ("left_shift", "20 for int8, 15 for int16"),
                 ("a_mult", "a multiplier"), ("a_shift", "a shift (<= 0)"),
                 ("b_mult", "b multiplier"), ("b_shift", "b shift (<= 0)"),
                 ("out_mult", "output multiplier"), ("out_shift", "output shift (<= 0)"),
                 ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp"))
_BINARY_IO = "a, b int8 or int16 (same type; broadcast right-aligned to y, rank <= 6)"

DEFS = [
    OpDef("ADD", 0, (1, 2, 3, 4, 5), "int8, int16 (zero point 0)", _BINARY_IO, "y (same type)",
          _ARITH_PARAMS, lower_add_sub,
          "TFLM's ADD: inputs rescaled to a common scale with 20 (int8) or 15 (int16) bits of "
          "headroom; fused activation NONE/RELU/RELU6/RELU_N1_TO_1.",
          layouts=(Layout(1, ("a_offset", "b_offset", "output_offset", "left_shift", "a_mult", "a_shift", "b_mult", "b_shift", "out_mult", "out_shift", "act_min", "act_max"), "pyrt_check_add", "pyrt_eval_add", inputs=(2, 2), inplace="exact"),)),
    OpDef("SUB", 41, (1, 2, 3, 4, 5), "int8, int16 (zero point 0)", _BINARY_IO, "y (same type)",
          _ARITH_PARAMS, lower_add_sub,
          "As ADD (the same arithmetic on a - b); fused activations as ADD.",
          layouts=(Layout(1, ("a_offset", "b_offset", "output_offset", "left_shift", "a_mult", "a_shift", "b_mult", "b_shift", "out_mult", "out_shift", "act_min", "act_max"), "pyrt_check_add", "pyrt_eval_sub", inputs=(2, 2), inplace="exact"),)),
    OpDef("MUL", 18, (1, 2, 3, 4, 5, 6, 7), "int8, int16 (zero point 0)", _BINARY_IO,
          "y (same type)",
          (("a_offset", "-a zero point"), ("b_offset", "-b zero point"),
           ("output_offset", "output zero point"),
           ("out_mult", "a scale * b scale / y scale, Q31"), ("out_shift", "its shift"),
           ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp")),
          lower_mul, "Fused activation NONE/RELU/RELU6/RELU_N1_TO_1.",
          layouts=(Layout(1, ("a_offset", "b_offset", "output_offset", "out_mult", "out_shift", "act_min", "act_max"), "pyrt_check_mul", "pyrt_eval_mul", inputs=(2, 2), inplace="exact"),)),
    OpDef("SQUARED_DIFFERENCE", 99, (1, 2), "int8, int16 (zero point 0)", _BINARY_IO,
          "y (same type)",
          _ARITH_PARAMS[:3] + (("left_shift", "7 for int8, 0 for int16"),) + _ARITH_PARAMS[4:8]
          + (("out_mult", "output multiplier"), ("out_shift", "output shift"),
             ("act_min", "type minimum"), ("act_max", "type maximum")),
          lower_squared_difference, "TFLM's integer SQUARED_DIFFERENCE (no fused activation).",
          layouts=(Layout(1, ("a_offset", "b_offset", "output_offset", "left_shift", "a_mult", "a_shift", "b_mult", "b_shift", "out_mult", "out_shift", "act_min", "act_max"), "pyrt_check_squared_difference", "pyrt_eval_squared_difference", inputs=(2, 2), inplace="exact"),)),
    OpDef("MINIMUM", 57, (1, 2, 3, 4), "int8, int16", _BINARY_IO, "y (same type)", (),
          lower_min_max, "Inputs and output must share scale and zero point (TFLite's rule).",
          layouts=(Layout(1, (), "pyrt_check_min_max", "pyrt_eval_minimum", inputs=(2, 2), inplace="exact"),)),
    OpDef("MAXIMUM", 55, (1, 2, 3, 4), "int8, int16", _BINARY_IO, "y (same type)", (),
          lower_min_max, "Inputs and output must share scale and zero point (TFLite's rule).",
          layouts=(Layout(1, (), "pyrt_check_min_max", "pyrt_eval_maximum", inputs=(2, 2), inplace="exact"),)),
]
