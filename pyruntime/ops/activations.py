"""Activations: int8 RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH as 256-entry tables
computed here with TFLM's integer arithmetic (ops/fixedpoint.py), and PRELU (int8/int16 input,
int8 alpha, broadcast) computed by the engine."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op, Tensor
from . import fixedpoint as fp
from .common import Layout, Ctx, LoweredOp, OpDef, check_broadcast
from .elementwise import check_zero_points, multiplier

_F32 = np.float32


def _clamp(v: int, lo: int = -128, hi: int = 127) -> int:
    return lo if v < lo else hi if v > hi else v


def unary_int8(c: Ctx) -> tuple[Tensor, Tensor]:
    c.arity((1, 1), 1)
    x = c.tensor("input", c.op.inputs[0], ("int8",), per_tensor=True)
    y = c.tensor("output", c.op.outputs[0], ("int8",), const=False, per_tensor=True)
    if tuple(x.shape) != tuple(y.shape):
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    check_zero_points(c, (("input", x), ("output", y)))
    return x, y


def _table(c: Ctx, pool: ConstPool, f: Callable[[int], int]) -> LoweredOp:
    lut = np.array([f(q) for q in range(-128, 128)], dtype=np.int8)
    return LoweredOp(c.op.code, c.op.name, [c.op.inputs[0]], [c.op.outputs[0]],
                     [pool.add(lut, 1)], c.op.index)


def lower_relu(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    x, y = unary_int8(c)
    m, s = multiplier(c, float(_F32(x.scale) / _F32(y.scale)), "scale ratio input/output")
    lo = max(-128, y.zero_point)  # zero point + roundf(0 / scale)
    return _table(c, pool, lambda q: _clamp(y.zero_point + fp.mbqm(q - x.zero_point, m, s), lo))


def lower_relu6(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    """TFLM clamps the raw input to [zero point, quantized 6] in the input's scale."""
    c = Ctx(graph, op)
    x, _ = unary_int8(c)
    ratio = float(_F32(6.0) / _F32(x.scale))
    if not math.isfinite(ratio) or abs(ratio) > 1e9:
        raise c.fail(f"input scale {x.scale} not supported")
    six = _clamp(quant.round_half_away(ratio) + x.zero_point)
    zero = x.zero_point
    return _table(c, pool, lambda q: six if q > six else zero if q < zero else q)


def lower_leaky_relu(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    x, y = unary_int8(c)
    alpha = _F32(op.options.get("alpha", 0.0))  # TFLM: 0 without options
    # The source reads float32 (scale * alpha / scale), but the TFLM build we match behaves as
    # if computed in double: 150/150 random configurations agree in double, 149 in float32
    # (the miss: equal scales, alpha 1.5, where float32 gives 1.5000001).
    real_alpha = float(_F32(x.scale)) * float(alpha) / float(_F32(y.scale))
    am, ash = multiplier(c, real_alpha, "alpha multiplier")
    if am == fp.INT32_MIN:
        raise c.fail(f"alpha {float(alpha)} gives multiplier -2^31")
    im, ish = multiplier(c, float(_F32(x.scale) / _F32(y.scale)), "scale ratio input/output")

    def f(q: int) -> int:
        v = q - x.zero_point
        if v >= 0:
            return _clamp(y.zero_point + fp.mbqm(v, im, ish))
        scaled = fp.mbqm(v, abs(am), ash)
        return _clamp(y.zero_point + (-scaled if am < 0 else scaled))

    return _table(c, pool, f)


def _int16_multiplier(m32: int) -> int:
    """DownScaleInt32ToInt16Multiplier."""
    if m32 >= fp.INT32_MAX - (1 << 15):
        return 32767
    return (m32 + (1 << 15)) >> 16


def _sat_left_shift16(v: int, amount: int) -> int:
    return max(-32768, min(32767, v * (1 << amount)))


def lower_hard_swish(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    x, y = unary_int8(c)
    # As for LEAKY_RELU, the TFLM build we match evaluates these float32 expressions as if in
    # double (float32 missed 4 of 256 outputs on one of 2,000 random configurations).
    hires = float(_F32(x.scale)) / 128.0
    om32, oexp = multiplier(c, hires / float(_F32(y.scale)), "output multiplier")
    rm32, rexp = multiplier(c, hires / (3.0 / 32768.0), "reluish multiplier")
    if oexp > 0:
        raise c.fail(f"output multiplier exponent {oexp} > 0 (TFLM requires <= 0)")
    if oexp < -31 or rexp < -31:
        raise c.fail("scale ratio too small")
    om, rm = _int16_multiplier(om32), _int16_multiplier(rm32)

    def f(q: int) -> int:
        v = fp.wrap16(q - x.zero_point)
        hires_v = fp.wrap16(v * 128)
        pre_out = fp.srdhm16(hires_v, om)
        r = hires_v
        if rexp > 0:
            r = _sat_left_shift16(r, rexp - 1)
        r = fp.srdhm16(r, rm)
        if rexp > 0:
            r = _sat_left_shift16(r, 1)
        if rexp < 0:
            r = fp.rdbpot16(r, -rexp)
        r = fp.wrap16((r + (1 << 15)) >> 1)
        prod = r * pre_out
        pre_shift = fp.wrap16(-(abs(prod) // (1 << 15)) if prod < 0 else prod // (1 << 15))
        if r == pre_out == -32768:
            pre_shift = 32767
        out = fp.wrap16(fp.rdbpot16(pre_shift, -oexp) + y.zero_point)
        return _clamp(out)

    return _table(c, pool, f)


def _sigmoid_tanh(c: Ctx, pool: ConstPool, x: Tensor, f: Callable[[int], int],
                  out_bits: int, out_zp: int) -> LoweredOp:
    """TFLM's int8 LOGISTIC / TANH: input rescaled to Q4.27, gemmlowp function, Q0.7/Q0.8."""
    real = float(_F32(x.scale)) * float(1 << 27)
    frac, shift = math.frexp(real)
    mult = quant.round_half_away(frac * (1 << 31))
    if mult >= 1 << 31 or shift < 0 or shift > 30:
        raise c.fail(f"input scale {x.scale} not supported (multiplier shift {shift})")
    radius = int(math.floor(1.0 * 15 * (1 << 27) / (1 << shift)))

    def g(q: int) -> int:
        v = q - x.zero_point
        if v <= -radius:
            return -128
        if v >= radius:
            return 127
        r = fp.rdbpot(f(fp.mbqm(v, mult, shift)), 31 - out_bits)
        return _clamp(r + out_zp)

    return _table(c, pool, g)


def _fixed_output(c: Ctx, y: Tensor, scale: float, zp: int) -> None:
    if y.zero_point != zp or _F32(y.scale) != _F32(scale):
        raise c.fail(f"int8 output must have scale {scale} and zero point {zp} (has {y.scale}, "
                     f"{y.zero_point})")


def _lower_sig16(c: Ctx, pool: ConstPool, tanh: bool) -> LoweredOp:
    """TFLM's int16 LOGISTIC / TANH: input rescaled to 1/(3 * 4096) (tanh: twice that),
    interpolated 256-entry sigmoid table, output Q0.15."""
    c.arity((1, 1), 1)
    x = c.tensor("input", c.op.inputs[0], ("int16",), const=False, per_tensor=True)
    y = c.tensor("output", c.op.outputs[0], ("int16",), const=False, per_tensor=True)
    if tuple(x.shape) != tuple(y.shape):
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    if x.zero_point != 0 or y.zero_point != 0:
        raise c.fail(f"int16 input and output zero points must be 0 (have {x.zero_point}, "
                     f"{y.zero_point})")
    pot, log2 = fp.checked_log2(x.scale)
    shift = 12 + log2
    if pot and (shift == 0 or (tanh and shift == 1)):
        mult = 3 << shift
        shift = 0
    else:
        real = float(_F32(x.scale)) * 4096.0 * 3.0
        shift = 0
        while real <= 32767.0 / 2.0 and shift <= 30:
            shift += 1
            real *= 2.0
        mult = int(real)
        if mult > 32767:
            raise c.fail(f"input scale {x.scale} too large (TFLM requires scale * 3 * 4096 "
                         "< 32768)")
    out_pot, out_log2 = fp.checked_log2(y.scale)
    if not out_pot or out_log2 != -15:
        raise c.fail(f"int16 output must have scale 1/32768 (has {y.scale})")
    table = pool.add(fp.sigmoid_table_uint16().astype("<u2"), 2)
    return LoweredOp(c.op.code, c.op.name, [c.op.inputs[0]], [c.op.outputs[0]],
                     [mult, shift, table], c.op.index, version=2)


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensors[op.inputs[0]].dtype == "int16"


def lower_logistic(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    if _is_int16(graph, op):
        return _lower_sig16(c, pool, tanh=False)
    x, y = unary_int8(c)
    _fixed_output(c, y, 1.0 / 256, -128)
    return _sigmoid_tanh(c, pool, x, fp.logistic_q4, 8, -128)


def lower_tanh(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    if _is_int16(graph, op):
        return _lower_sig16(c, pool, tanh=True)
    x, y = unary_int8(c)
    _fixed_output(c, y, 1.0 / 128, 0)
    return _sigmoid_tanh(c, pool, x, fp.tanh_q4, 7, 0)


def lower_prelu(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = c.tensor("input", op.inputs[0], ("int8", "int16"), per_tensor=True)
    alpha = c.tensor("alpha", op.inputs[1], ("int8",), per_tensor=True)
    y = c.tensor("output", op.outputs[0], (x.dtype,), const=False, per_tensor=True)
    check_broadcast(c, x, alpha, y)
    check_zero_points(c, (("input", x), ("alpha", alpha), ("output", y)))
    xs, als, ys = float(_F32(x.scale)), float(_F32(alpha.scale)), float(_F32(y.scale))
    m1, s1 = multiplier(c, xs / ys, "scale ratio input/output")
    m2, s2 = multiplier(c, xs * als / ys, "scale ratio input*alpha/output")
    return LoweredOp(op.code, op.name, list(op.inputs), [op.outputs[0]],
                     [-x.zero_point, -alpha.zero_point, y.zero_point, m1, s1, m2, s2], op.index)


_LUT = (("lut_offset", "CONST offset of 256 int8 outputs, entry k for input k - 128"),)
_IO = "x int8"
_SIG16 = (("int16: input_multiplier", "layout 2 (int16) replaces lut_offset: x * 3 * 4096 * "
                                      "scale, in [0, 32767]"),
          ("int16: input_shift", "its right shift (with rounding)"),
          ("int16: table_offset", "CONST offset of 256 uint16 sigmoid(i/24) in Q0.16"))

DEFS = [
    OpDef("RELU", 19, (1, 2, 3), "int8", _IO, "y int8 (any scale and zero point)", _LUT,
          lower_relu, "Table of TFLM's requantize-and-clamp.",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"),)),
    OpDef("RELU6", 21, (1, 2, 3), "int8", _IO, "y int8", _LUT, lower_relu6,
          "As TFLM: clamps the input to [its zero point, 6 in its scale]; the output's "
          "quantization is not used (TFLite gives it the input's).",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"),)),
    OpDef("LEAKY_RELU", 98, (1, 2), "int8", _IO, "y int8", _LUT, lower_leaky_relu,
          "Any alpha, negative included.",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"),)),
    OpDef("HARD_SWISH", 117, (1,), "int8", _IO, "y int8", _LUT, lower_hard_swish,
          "Table of TFLM's int16 fixed-point hard-swish; refused when input scale / (128 * "
          "output scale) >= 1 (TFLM requires it).",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"),)),
    OpDef("LOGISTIC", 14, (1, 2, 3), "int8, int16", "x int8, or int16 (zero point 0)",
          "y int8 (scale 1/256, zero point -128), int16 (scale 1/32768, zero point 0)",
          _LUT + _SIG16, lower_logistic,
          "int8 (layout 1): table of TFLM's gemmlowp fixed-point logistic. int16 (layout 2): "
          "TFLM's interpolated 256-entry sigmoid table, generated offline.",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"), Layout(2, ("input_multiplier", "input_shift", "table_offset"), "pyrt_check_sig16", "pyrt_eval_logistic16", inplace="exact"))),
    OpDef("TANH", 28, (1, 2, 3), "int8, int16", "x int8, or int16 (zero point 0)",
          "y int8 (scale 1/128, zero point 0), int16 (scale 1/32768, zero point 0)",
          _LUT + _SIG16, lower_tanh,
          "int8 (layout 1): table of TFLM's gemmlowp fixed-point tanh. int16 (layout 2): "
          "tanh(x) = 2 sigmoid(2x) - 1 on TFLM's sigmoid table.",
          layouts=(Layout(1, ("lut_offset",), "pyrt_check_lut8", "pyrt_eval_lut8", inplace="exact"), Layout(2, ("input_multiplier", "input_shift", "table_offset"), "pyrt_check_sig16", "pyrt_eval_tanh16", inplace="exact"))),
    OpDef("PRELU", 54, (1,), "int8, int16 (zero point 0) input; int8 alpha",
          "x int8 or int16, alpha int8 (broadcast right-aligned to y, rank <= 6)",
          "y (type of x)",
          (("input_offset", "-x zero point"), ("alpha_offset", "-alpha zero point"),
           ("output_offset", "y zero point"), ("mult1", "x scale / y scale (x >= 0)"),
           ("shift1", "its shift"), ("mult2", "x scale * alpha scale / y scale (x < 0)"),
           ("shift2", "its shift")), lower_prelu,
          layouts=(Layout(1, ("input_offset", "alpha_offset", "output_offset", "mult1", "shift1", "mult2", "shift2"), "pyrt_check_prelu", "pyrt_eval_prelu", inputs=(2, 2), inplace="exact"),)),
]
