"""The supported-operator table: one source of truth for what the engine runs.

Each `OpDef` knows the TFLite operator it accepts (code, versions, types), checks an IR operator
against what the engine supports (raising `ConversionError` naming the operator and the reason),
and lowers it to the engine's parameter words (docs/blob_format.md), computing every
requantization constant offline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import quant
from .constpool import ConstPool
from .errors import ConversionError
from .ir import Graph, Op, Tensor

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


@dataclass
class LoweredOp:
    code: int
    name: str
    inputs: list[int]
    outputs: list[int]
    params: list[int]
    source_index: int
    macs: int = 0
    scratch_bytes: int = 0
    version: int = 1


class _Ctx:
    """Checking helpers bound to one operator, so every error names it."""

    def __init__(self, graph: Graph, op: Op):
        self.graph = graph
        self.op = op

    def fail(self, reason: str) -> ConversionError:
        return ConversionError(reason, self.op.index, self.op.name)

    def arity(self, n_in: tuple[int, int], n_out: int) -> None:
        if not n_in[0] <= len(self.op.inputs) <= n_in[1]:
            raise self.fail(f"expects {n_in[0]}..{n_in[1]} inputs, has {len(self.op.inputs)}")
        if len(self.op.outputs) != n_out:
            raise self.fail(f"expects {n_out} outputs, has {len(self.op.outputs)}")

    def tensor(self, role: str, idx: int, dtypes: tuple[str, ...], rank: int | None = None,
               const: bool | None = None, per_tensor: bool = False, quantized: bool = True) -> Tensor:
        if idx < 0:
            raise self.fail(f"{role} is missing")
        t = self.graph.tensors[idx]
        if t.dtype not in dtypes:
            raise self.fail(f"{role} '{t.name}' has type {t.dtype}; supported: {', '.join(dtypes)}")
        if rank is not None and len(t.shape) != rank:
            raise self.fail(f"{role} '{t.name}' has rank {len(t.shape)} (shape {list(t.shape)}); "
                            f"expected rank {rank}")
        if const is True and not t.is_const:
            raise self.fail(f"{role} '{t.name}' must be a constant")
        if const is False and t.is_const:
            raise self.fail(f"{role} '{t.name}' is a constant; expected an activation")
        if quantized and t.dtype in ("int8", "int16", "uint8") and not t.quantized:
            raise self.fail(f"{role} '{t.name}' has no quantization parameters")
        if per_tensor and t.per_channel:
            raise self.fail(f"{role} '{t.name}' is per-channel quantized; only per-tensor is supported")
        if any(d < 1 for d in t.shape):
            raise self.fail(f"{role} '{t.name}' has an empty or dynamic shape {list(t.shape)}")
        return t

    def option(self, key: str, allowed: tuple | None = None):  # type: ignore[no-untyped-def]
        if key not in self.op.options:
            raise self.fail(f"option '{key}' missing")
        value = self.op.options[key]
        if allowed is not None and value not in allowed:
            raise self.fail(f"unsupported {key} {value!r}; supported: {', '.join(map(str, allowed))}")
        return value

    def activation(self, out: Tensor) -> tuple[int, int]:
        act = self.option("fused_activation_function", ACTIVATIONS)
        return quant.activation_range(act, out.scale, out.zero_point)


def _out_size(padding: str, size: int, filt: int, stride: int, dilation: int) -> int:
    eff = (filt - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - eff) // stride


def _pad(stride: int, dilation: int, in_size: int, filt: int, out_size: int) -> int:
    eff = (filt - 1) * dilation + 1
    total = max((out_size - 1) * stride + eff - in_size, 0)
    return total // 2


def _window(c: _Ctx, x: Tensor, y: Tensor, fh: int, fw: int, dil_h: int = 1, dil_w: int = 1
            ) -> tuple[int, int, int, int]:
    """Strides and paddings of a 2-D window op; checks the output spatial size as TFLite does."""
    padding = c.option("padding", ("SAME", "VALID"))
    sh, sw = int(c.op.options.get("stride_h", 1)), int(c.op.options.get("stride_w", 1))
    if sh < 1 or sw < 1 or dil_h < 1 or dil_w < 1:
        raise c.fail(f"invalid stride ({sh},{sw}) or dilation ({dil_h},{dil_w})")
    oh = _out_size(padding, x.shape[1], fh, sh, dil_h)
    ow = _out_size(padding, x.shape[2], fw, sw, dil_w)
    if (oh, ow) != tuple(y.shape[1:3]):
        raise c.fail(f"output spatial size {list(y.shape[1:3])} does not match {padding} padding "
                     f"with stride ({sh},{sw}): expected [{oh}, {ow}]")
    return sh, sw, _pad(sh, dil_h, x.shape[1], fh, oh), _pad(sw, dil_w, x.shape[2], fw, ow)


def _zero_weights_zp(c: _Ctx, w: Tensor) -> None:
    if w.zero_points is not None and np.any(w.zero_points != 0):
        raise c.fail(f"weights '{w.name}' have non-zero zero points; int8 weights must be symmetric")


def _bias(c: _Ctx, idx: int, channels: int) -> None:
    if idx < 0:
        return
    b = c.tensor("bias", idx, ("int32",), const=True, quantized=False)
    if b.elements != channels:
        raise c.fail(f"bias '{b.name}' has {b.elements} elements; expected {channels}")


def _requant(c: _Ctx, pool: ConstPool, x: Tensor, w: Tensor, y: Tensor, channels: int,
             axis: int) -> tuple[int, int]:
    scales = w.scales if w.scales is not None else np.zeros(0, np.float32)
    if len(scales) not in (1, channels):
        raise c.fail(f"weights '{w.name}' have {len(scales)} scales; expected 1 or {channels}")
    if len(scales) > 1 and w.quantized_dimension != axis:
        raise c.fail(f"weights '{w.name}' are quantized along dimension {w.quantized_dimension}; "
                     f"expected {axis}")
    try:
        mults, shifts = quant.per_channel_multipliers(x.scale, scales, y.scale, channels)
    except ValueError as exc:
        raise c.fail(str(exc)) from exc
    return pool.add_requant(mults, shifts)


def _conv_like(graph: Graph, op: Op, pool: ConstPool, depthwise: bool) -> LoweredOp:
    c = _Ctx(graph, op)
    c.arity((2, 3), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, const=False, per_tensor=True)
    w = c.tensor("filter", op.inputs[1], ("int8",), rank=4, const=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    _zero_weights_zp(c, w)
    if x.shape[0] != y.shape[0]:
        raise c.fail(f"batch of input {x.shape[0]} and output {y.shape[0]} differ")
    dil_h, dil_w = int(op.options.get("dilation_h_factor", op.options.get("dilation_hfactor", 1))), \
        int(op.options.get("dilation_w_factor", op.options.get("dilation_wfactor", 1)))
    cin, cout = x.shape[3], y.shape[3]
    if depthwise:
        if w.shape[0] != 1 or w.shape[3] != cout:
            raise c.fail(f"depthwise filter shape {list(w.shape)} does not fit output depth {cout}")
        if cout % cin:
            raise c.fail(f"output depth {cout} is not a multiple of input depth {cin}")
        multiplier = cout // cin
        declared = int(op.options.get("depth_multiplier", multiplier))
        if declared not in (0, multiplier):
            raise c.fail(f"depth_multiplier {declared} disagrees with shapes (in {cin}, out {cout})")
        axis = 3
        macs = y.elements * w.shape[1] * w.shape[2]
    else:
        if w.shape[0] != cout:
            raise c.fail(f"filter has {w.shape[0]} output channels; output depth is {cout}")
        if cin % w.shape[3] or cout % (cin // w.shape[3]):
            raise c.fail(f"filter input depth {w.shape[3]} does not divide input depth {cin} "
                         f"into groups that divide output depth {cout}")
        axis = 0
        macs = y.elements * w.shape[1] * w.shape[2] * w.shape[3]
    _bias(c, op.inputs[2] if len(op.inputs) > 2 else -1, cout)
    sh, sw, ph, pw = _window(c, x, y, w.shape[1], w.shape[2], dil_h, dil_w)
    act_min, act_max = c.activation(y)
    mult_off, shift_off = _requant(c, pool, x, w, y, cout, axis)
    params = [sh, sw, dil_h, dil_w, ph, pw, -x.zero_point, y.zero_point, act_min, act_max,
              mult_off, shift_off]
    if depthwise:
        params.append(cout // cin)
    inputs = [op.inputs[0], op.inputs[1], op.inputs[2] if len(op.inputs) > 2 else -1]
    return LoweredOp(op.code, op.name, inputs, [op.outputs[0]], params, op.index, macs)


def lower_conv_2d(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    return _conv_like(graph, op, pool, depthwise=False)


def lower_depthwise_conv_2d(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    return _conv_like(graph, op, pool, depthwise=True)


def lower_fully_connected(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = _Ctx(graph, op)
    c.arity((2, 3), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), const=False, per_tensor=True)
    w = c.tensor("weights", op.inputs[1], ("int8",), rank=2, const=True)
    y = c.tensor("output", op.outputs[0], ("int8",), per_tensor=True)
    _zero_weights_zp(c, w)
    if op.options.get("weights_format", 0) not in (0, "DEFAULT"):
        raise c.fail(f"unsupported weights_format {op.options.get('weights_format')}")
    cout, k = w.shape
    if x.elements % k:
        raise c.fail(f"input has {x.elements} elements, not a multiple of the weights' depth {k}")
    batches = x.elements // k
    if y.elements != batches * cout:
        raise c.fail(f"output has {y.elements} elements; expected {batches} x {cout}")
    _bias(c, op.inputs[2] if len(op.inputs) > 2 else -1, cout)
    act_min, act_max = c.activation(y)
    mult_off, shift_off = _requant(c, pool, x, w, y, cout, 0)
    n_mult = cout if w.per_channel else 1
    params = [-x.zero_point, y.zero_point, act_min, act_max, mult_off, shift_off, n_mult]
    inputs = [op.inputs[0], op.inputs[1], op.inputs[2] if len(op.inputs) > 2 else -1]
    return LoweredOp(op.code, op.name, inputs, [op.outputs[0]], params, op.index,
                     batches * cout * k)


def _lower_pool(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = _Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    if x.shape[0] != y.shape[0] or x.shape[3] != y.shape[3]:
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} differ in batch or depth")
    fh, fw = int(c.option("filter_height")), int(c.option("filter_width"))
    if fh < 1 or fw < 1:
        raise c.fail(f"invalid filter size ({fh},{fw})")
    sh, sw, ph, pw = _window(c, x, y, fh, fw)
    act_min, act_max = c.activation(y)
    params = [sh, sw, fh, fw, ph, pw, act_min, act_max]
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], params, op.index)


def lower_add(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = _Ctx(graph, op)
    c.arity((2, 2), 1)
    a = c.tensor("input 1", op.inputs[0], ("int8",), per_tensor=True)
    b = c.tensor("input 2", op.inputs[1], ("int8",), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), const=False, per_tensor=True)
    if len(y.shape) > 6:
        raise c.fail(f"rank {len(y.shape)} above 6")
    for t in (a, b):
        if len(t.shape) > len(y.shape) or any(
                d not in (1, o) for d, o in zip(t.shape[::-1], y.shape[::-1])):
            raise c.fail(f"input '{t.name}' shape {list(t.shape)} does not broadcast to "
                         f"{list(y.shape)}")
    try:
        am, ash, bm, bsh, om, osh = quant.add_params(a.scale, b.scale, y.scale)
    except ValueError as exc:
        raise c.fail(f"scales not supported: {exc}") from exc
    act_min, act_max = c.activation(y)
    params = [-a.zero_point, -b.zero_point, y.zero_point, 20, am, ash, bm, bsh, om, osh,
              act_min, act_max]
    return LoweredOp(op.code, op.name, list(op.inputs), [op.outputs[0]], params, op.index)


def lower_reshape(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = _Ctx(graph, op)
    c.arity((1, 2), 1)
    x = graph.tensors[op.inputs[0]]
    y = graph.tensors[op.outputs[0]]
    if x.dtype != y.dtype or x.nbytes != y.nbytes:
        raise c.fail(f"input {x.dtype}{list(x.shape)} and output {y.dtype}{list(y.shape)} differ "
                     "in type or size")
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], [], op.index)


def lower_softmax(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = _Ctx(graph, op)
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


@dataclass(frozen=True)
class OpDef:
    name: str
    code: int
    versions: tuple[int, ...]  # TFLite operator versions accepted
    types: str  # human summary for `pyruntime ops`
    params: tuple[str, ...]  # names of the engine parameter words (docs/blob_format.md)
    lower: Callable[[Graph, Op, ConstPool], LoweredOp] = field(compare=False)


_CONV_PARAMS = ("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w",
                "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off")
_POOL_PARAMS = ("stride_h", "stride_w", "filter_h", "filter_w", "pad_h", "pad_w", "act_min",
                "act_max")

OPS: dict[int, OpDef] = {d.code: d for d in (
    OpDef("ADD", 0, (1, 2, 3, 4, 5), "int8", (
        "a_offset", "b_offset", "output_offset", "left_shift", "a_mult", "a_shift", "b_mult",
        "b_shift", "out_mult", "out_shift", "act_min", "act_max"), lower_add),
    OpDef("AVERAGE_POOL_2D", 1, (1, 2, 3), "int8", _POOL_PARAMS, _lower_pool),
    OpDef("CONV_2D", 3, (1, 2, 3, 4, 5, 6, 7, 8), "int8 x int8 (per-channel) + int32 bias",
          _CONV_PARAMS, lower_conv_2d),
    OpDef("DEPTHWISE_CONV_2D", 4, (1, 2, 3, 4, 5, 6, 7), "int8 x int8 (per-channel) + int32 bias",
          _CONV_PARAMS + ("depth_multiplier",), lower_depthwise_conv_2d),
    OpDef("FULLY_CONNECTED", 9, tuple(range(1, 13)),
          "int8 x int8 (per-tensor or per-channel) + int32 bias",
          ("input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off",
           "n_mult"), lower_fully_connected),
    OpDef("MAX_POOL_2D", 17, (1, 2, 3), "int8", _POOL_PARAMS, _lower_pool),
    OpDef("RESHAPE", 22, (1, 2, 3), "any (aliased, no copy)", (), lower_reshape),
    OpDef("SOFTMAX", 25, (1, 2, 3), "int8 -> int8", ("input_multiplier", "input_left_shift",
                                                      "diff_min"), lower_softmax),
)}


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
