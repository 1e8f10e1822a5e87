"""MEAN (int8/int16, TFLM's QuantizedMeanOrSum) and ARG_MAX / ARG_MIN (int8 -> int32)."""
from __future__ import annotations

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef


def _const_axes(c: Ctx, idx: int, rank: int) -> list[int]:
    if idx < 0:
        raise c.fail("axis is missing")
    t = c.graph.tensors[idx]
    if t.dtype != "int32":
        raise c.fail(f"axis '{t.name}' has type {t.dtype}; TFLM requires int32")
    if not t.is_const:
        raise c.fail(f"axis '{t.name}' is not a constant; only a constant axis is supported")
    axes = []
    for a in np.asarray(t.data).ravel():
        a = int(a)
        if not -rank <= a < rank:
            raise c.fail(f"axis {a} out of range for rank {rank}")
        axes.append(a + rank if a < 0 else a)
    return axes


def mean_multiplier(in_scale: float, out_scale: float, n: int) -> tuple[int, int]:
    """QuantizeMultiplier(in/out) then QuantizedMeanOrSum's folding of 1/n into it."""
    mult, shift = quant.quantize_multiplier(float(np.float32(in_scale)) /
                                            float(np.float32(out_scale)))
    s = min(n.bit_length() - 1, 32, 31 + shift)
    if s < 0:
        raise ValueError(f"output shift {shift} too small")
    return (mult << s) // n, shift - s


def lower_mean(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = c.tensor("input", op.inputs[0], ("int8", "int16"), const=False, per_tensor=True)
    y = c.tensor("output", op.outputs[0], (x.dtype,), per_tensor=True)
    rank = len(x.shape)
    if rank > 6:
        raise c.fail(f"input rank {rank} above 6")
    axes = set(_const_axes(c, op.inputs[1], rank))
    keep = bool(op.options.get("keep_dims", False))
    expect = [1 if k in axes else d for k, d in enumerate(x.shape)] if keep else \
        [d for k, d in enumerate(x.shape) if k not in axes]
    if list(y.shape) != expect:
        raise c.fail(f"output shape {list(y.shape)}; reducing axes {sorted(axes)} with "
                     f"keep_dims={keep} gives {expect}")
    # merge neighbouring dimensions with the same role; drop size-1 dimensions
    dims: list[int] = []
    flags: list[bool] = []
    for k, d in enumerate(x.shape):
        if d == 1:
            continue
        if flags and flags[-1] == (k in axes):
            dims[-1] *= d
        else:
            dims.append(d)
            flags.append(k in axes)
    if not dims:
        dims, flags = [1], [False]
    n = int(np.prod([d for d, f in zip(dims, flags) if f], dtype=np.int64)) if any(flags) else 1
    try:
        mult, shift = mean_multiplier(x.scale, y.scale, n)
    except ValueError as exc:
        raise c.fail(f"scales not supported: {exc}") from exc
    if not -31 <= shift <= 30:
        raise c.fail(f"input/output scale ratio gives shift {shift} outside [-31, 30]")
    mask = sum(1 << k for k, f in enumerate(flags) if f)
    params = [len(dims)] + dims + [1] * (6 - len(dims)) + [mask, x.zero_point, y.zero_point,
                                                           mult, shift, n]
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], params, op.index)


def lower_arg_minmax(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), const=False, quantized=False)
    y = c.tensor("output", op.outputs[0], ("int32",), quantized=False)
    rank = len(x.shape)
    axes = _const_axes(c, op.inputs[1], rank)
    if len(axes) != 1:
        raise c.fail(f"axis has {len(axes)} values; expected 1")
    ax = axes[0]
    expect = [d for k, d in enumerate(x.shape) if k != ax]
    if list(y.shape) != expect:
        raise c.fail(f"output shape {list(y.shape)}; expected {expect}")
    outer = int(np.prod(x.shape[:ax], dtype=np.int64))
    inner = int(np.prod(x.shape[ax + 1:], dtype=np.int64))
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                     [outer, x.shape[ax], inner], op.index)


_ARG = (("outer", "product of dimensions before axis"), ("axis_size", "size of axis"),
        ("inner", "product of dimensions after axis"))

DEFS = [
    OpDef("MEAN", 40, (1, 2, 3), "int8, int16",
          "x (rank <= 6), axis (constant int32, negative and repeated allowed)",
          "y (keep_dims or not)",
          (("nd", "merged dimensions"), ("d0..d5", "merged input dimensions"),
           ("reduce_mask", "bit k: dimension k is reduced"), ("input_zp", "input zero point"),
           ("output_zp", "output zero point"), ("mult", "multiplier with 1/n folded in"),
           ("shift", "shift with 1/n folded in"), ("n", "elements per output")),
          lower_mean, "TFLM's QuantizedMeanOrSum: int32 sum, minus zp*n, one "
          "MultiplyByQuantizedMultiplier with 1/n folded into the multiplier.",
          layouts=(Layout(1, ("nd", "d0", "d1", "d2", "d3", "d4", "d5", "reduce_mask", "input_zp", "output_zp", "mult", "shift", "n"), "pyrt_check_mean", "pyrt_eval_mean"),)),
    OpDef("ARG_MAX", 56, (1, 2, 3), "int8 -> int32", "x, axis (constant int32 scalar)",
          "y int32", _ARG, lower_arg_minmax, "First index of the maximum, as TFLM.",
          layouts=(Layout(1, ("outer", "axis_size", "inner"), "pyrt_check_arg_minmax", "pyrt_eval_arg_max"),)),
    OpDef("ARG_MIN", 79, (1, 2, 3), "int8 -> int32", "x, axis (constant int32 scalar)",
          "y int32", _ARG, lower_arg_minmax, "First index of the minimum, as TFLM.",
          layouts=(Layout(1, ("outer", "axis_size", "inner"), "pyrt_check_arg_minmax", "pyrt_eval_arg_min"),)),
]
