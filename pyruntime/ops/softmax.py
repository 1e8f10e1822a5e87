"""SOFTMAX and LOG_SOFTMAX, TFLM's integer paths.

- SOFTMAX int8 -> int8 / int16 (layout version 1): gemmlowp fixed-point exp and reciprocal.
- SOFTMAX int16 -> int16 (layout version 2): TFLM's two 513-entry int16 tables (exp on [-10, 0]
  and 1 / (1 + x) on [0, 1]), generated here exactly as TFLM's Prepare generates them.
- LOG_SOFTMAX int8 -> int8: gemmlowp fixed-point exp and log, output scale 16/256 zero point 127.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op, Tensor
from . import fixedpoint as fp
from .common import Layout, Ctx, LoweredOp, OpDef

_F32 = np.float32
_RANGE = _F32(65535)  # int16 max - min, as a float


def _io(c: Ctx, in_types: tuple[str, ...], out_types: tuple[str, ...]) -> tuple[Tensor, Tensor]:
    c.arity((1, 1), 1)
    x = c.tensor("input", c.op.inputs[0], in_types, per_tensor=True, const=False)
    y = c.tensor("output", c.op.outputs[0], out_types, per_tensor=True)
    if x.shape != y.shape:
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} shapes differ")
    if len(x.shape) < 1:
        raise c.fail("input must have rank >= 1")
    return x, y


def _near(a: float, b: float, eps: float) -> bool:
    """TF_LITE_ENSURE_NEAR in float."""
    fa, fb = _F32(a), _F32(b)
    return bool((fa - fb if fa > fb else fb - fa) <= _F32(eps))


@lru_cache(maxsize=1)
def softmax16_luts() -> tuple[np.ndarray, np.ndarray]:
    """TFLM's InitializeLutForInt16: exp on [-10, 0] and 1 / (1 + x) on [0, 1]."""
    exp_lut = fp.lut_populate_int16(fp.expf, float(_F32(10) / _RANGE), 32767,
                                    float(_F32(2) / _RANGE), 0)
    recip_lut = fp.lut_populate_int16(lambda v: _F32(1) / (_F32(1) + v),
                                      float(_F32(1) / _RANGE), -32768,
                                      float(_F32(2) / _RANGE), 0)
    return exp_lut, recip_lut


def _lower_softmax16(c: Ctx, x: Tensor, y: Tensor, pool: ConstPool) -> LoweredOp:
    if x.zero_point != 0 or y.zero_point != 0:
        raise c.fail(f"int16 input and output zero points must be 0 (have {x.zero_point}, "
                     f"{y.zero_point})")
    if not _near(y.scale, 1.0 / 32768, 0.001 / 32768):
        raise c.fail(f"int16 output must have scale 1/32768 (has {y.scale})")
    beta = float(_F32(c.op.options.get("beta", 1.0)))
    mult, shift = quant.quantize_multiplier(float(_F32(x.scale)) * beta / (10.0 / 65535.0))
    if shift > 30:
        raise c.fail(f"beta {beta} with input scale {x.scale} not supported (shift {shift})")
    exp_lut, recip_lut = softmax16_luts()
    return LoweredOp(c.op.code, c.op.name, [c.op.inputs[0]], [c.op.outputs[0]],
                     [mult, shift, pool.add(exp_lut.astype("<i2"), 2),
                      pool.add(recip_lut.astype("<i2"), 2)], c.op.index, version=2)


def lower_softmax(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    x, y = _io(c, ("int8", "int16"), ("int8", "int16"))
    if x.dtype == "int16":
        if y.dtype != "int16":
            raise c.fail("int16 input needs an int16 output")
        return _lower_softmax16(c, x, y, pool)
    if y.dtype == "int8" and (y.zero_point != -128 or _F32(y.scale) != _F32(1.0 / 256)):
        raise c.fail(f"int8 output must have scale 1/256 and zero point -128 (has {y.scale}, "
                     f"{y.zero_point})")
    if y.dtype == "int16" and (y.zero_point != -32768 or
                               not _near(y.scale, 1.0 / 65536, 0.001 / 65536)):
        raise c.fail(f"int16 output of an int8 input must have scale 1/65536 and zero point "
                     f"-32768 (has {y.scale}, {y.zero_point})")
    beta = float(op.options.get("beta", 1.0))
    try:
        mult, shift, diff_min = quant.softmax_params(beta, x.scale)
    except ValueError as exc:
        raise c.fail(f"beta {beta} with input scale {x.scale} not supported: {exc}") from exc
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], [mult, shift, diff_min],
                     op.index)


def lower_log_softmax(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    x, y = _io(c, ("int8",), ("int8",))
    if y.zero_point != 127 or _F32(y.scale) != _F32(16.0 / 256):
        raise c.fail(f"int8 output must have scale 0.0625 and zero point 127 (has {y.scale}, "
                     f"{y.zero_point})")
    try:
        mult, shift, diff_min = quant.softmax_params(1.0, x.scale)
        divisor = float(1 << (31 - shift)) / float(mult)
        rev_mult, rev_shift = quant.quantize_multiplier_smaller_than_one_exp(divisor)
    except ValueError as exc:
        raise c.fail(f"input scale {x.scale} not supported: {exc}") from exc
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                     [mult, shift, rev_mult, -rev_shift, diff_min], op.index)


DEFS = [
    OpDef("SOFTMAX", 25, (1, 2, 3), "int8 -> int8, int8 -> int16, int16 -> int16",
          "x int8 or int16 (softmax over the last dimension)",
          "y int8 (scale 1/256, zero point -128), int16 for int8 x (1/65536, -32768), "
          "int16 for int16 x (1/32768, 0)",
          (("input_multiplier", "int8 x: beta * input scale, Q31; int16 x: beta * input scale "
                                "* 65535 / 10, Q31"),
           ("input_shift", "int8 x: its left shift; int16 x: its shift (> 0 left)"),
           ("diff_min / exp_lut", "int8 x: inputs this far below the row maximum give 0; "
                                  "int16 x (layout 2): CONST offset of the 513-entry exp table"),
           ("recip_lut", "int16 x only (layout 2): CONST offset of the 513-entry 1/(1+x) "
                         "table")),
          lower_softmax,
          "int8 x: gemmlowp fixed point (layout 1, 3 words). int16 x: TFLM's interpolated "
          "int16 tables (layout 2, 4 words), generated offline in float32 as TFLM does.",
          layouts=(Layout(1, ("input_multiplier", "input_shift", "diff_min"), "pyrt_check_softmax", "pyrt_eval_softmax"), Layout(2, ("input_multiplier", "input_shift", "exp_lut", "recip_lut"), "pyrt_check_softmax16", "pyrt_eval_softmax16"))),
    OpDef("LOG_SOFTMAX", 50, (1, 2), "int8", "x int8 (over the last dimension)",
          "y int8, scale 16/256, zero point 127",
          (("input_multiplier", "input scale * 2^26, Q31"), ("input_left_shift", "its shift"),
           ("reverse_scaling_divisor", "Q31"), ("reverse_scaling_right_shift", ">= 0"),
           ("diff_min", "inputs this far below the row maximum give -128")),
          lower_log_softmax, "TFLM's gemmlowp fixed-point exp and log.",
          layouts=(Layout(1, ("input_multiplier", "input_left_shift", "reverse_scaling_divisor", "reverse_scaling_right_shift", "diff_min"), "pyrt_check_log_softmax", "pyrt_eval_log_softmax"),)),
]
