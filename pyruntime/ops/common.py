"""What every operator lowering shares: the OpDef record, the lowered form, and checking helpers
bound to one operator so that every error names it (index, operator, reason)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..errors import ConversionError
from ..ir import Graph, Op, Tensor

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
# Window limits of the engine (runtime_c/src/validate.c, pyrt_check_window).
MAX_STRIDE = 65535
MAX_EFFECTIVE_FILTER = 1 << 24


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


class Ctx:
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

    def option(self, key: str, allowed: tuple[Any, ...] | None = None) -> Any:
        if key not in self.op.options:
            raise self.fail(f"option '{key}' missing")
        value = self.op.options[key]
        if allowed is not None and value not in allowed:
            raise self.fail(f"unsupported {key} {value!r}; supported: {', '.join(map(str, allowed))}")
        return value

    def activation(self, out: Tensor) -> tuple[int, int]:
        act = self.option("fused_activation_function", ACTIVATIONS)
        try:
            return quant.activation_range(act, out.scale, out.zero_point)
        except ValueError as exc:
            raise self.fail(f"output '{out.name}': {exc}") from exc


def out_size(padding: str, size: int, filt: int, stride: int, dilation: int) -> int:
    eff = (filt - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - eff) // stride


def same_pad(stride: int, dilation: int, in_size: int, filt: int, out_size: int) -> int:
    eff = (filt - 1) * dilation + 1
    total = max((out_size - 1) * stride + eff - in_size, 0)
    return total // 2


def window(c: Ctx, x: Tensor, y: Tensor, fh: int, fw: int, dil_h: int = 1, dil_w: int = 1
            ) -> tuple[int, int, int, int]:
    """Strides and paddings of a 2-D window op; checks the output spatial size as TFLite does."""
    padding = c.option("padding", ("SAME", "VALID"))
    sh, sw = int(c.op.options.get("stride_h", 1)), int(c.op.options.get("stride_w", 1))
    if not all(1 <= v <= MAX_STRIDE for v in (sh, sw, dil_h, dil_w)):
        raise c.fail(f"invalid stride ({sh},{sw}) or dilation ({dil_h},{dil_w}): the engine "
                     f"takes 1..{MAX_STRIDE}")
    for k, d in ((fh, dil_h), (fw, dil_w)):
        if (k - 1) * d + 1 > MAX_EFFECTIVE_FILTER:
            raise c.fail(f"filter {k} with dilation {d} spans more than {MAX_EFFECTIVE_FILTER} "
                         "elements")
    oh = out_size(padding, x.shape[1], fh, sh, dil_h)
    ow = out_size(padding, x.shape[2], fw, sw, dil_w)
    if (oh, ow) != tuple(y.shape[1:3]):
        raise c.fail(f"output spatial size {list(y.shape[1:3])} does not match {padding} padding "
                     f"with stride ({sh},{sw}): expected [{oh}, {ow}]")
    return sh, sw, same_pad(sh, dil_h, x.shape[1], fh, oh), same_pad(sw, dil_w, x.shape[2], fw, ow)


def check_broadcast(c: Ctx, a: Tensor, b: Tensor, y: Tensor) -> None:
    """y must be exactly the right-aligned broadcast of a and b (rank <= 6)."""
    if len(y.shape) > 6:
        raise c.fail(f"output rank {len(y.shape)} above 6")
    rank = max(len(a.shape), len(b.shape))
    pa = (1,) * (rank - len(a.shape)) + tuple(a.shape)
    pb = (1,) * (rank - len(b.shape)) + tuple(b.shape)
    if any(da != db and 1 not in (da, db) for da, db in zip(pa, pb)):
        raise c.fail(f"input shapes {list(a.shape)} and {list(b.shape)} do not broadcast")
    expected = tuple(max(da, db) for da, db in zip(pa, pb))
    if tuple(y.shape) != expected and (1,) * (len(y.shape) - rank) + expected != tuple(y.shape):
        raise c.fail(f"output shape {list(y.shape)} is not the broadcast shape {list(expected)} "
                     f"of {list(a.shape)} and {list(b.shape)}")


def product_multiplier(c: Ctx, a: Tensor, b: Tensor, y: Tensor) -> tuple[int, int]:
    """GetQuantizedConvolutionMultipler: a scale x b scale / y scale, in double (the TFLM build
    we test against rounds this way: a float32 product fails ad_autoencoder)."""
    real = float(np.float32(a.scale)) * float(np.float32(b.scale)) / float(np.float32(y.scale))
    try:
        m, s = quant.quantize_multiplier(real)
    except ValueError as exc:
        raise c.fail(str(exc)) from exc
    if not -31 <= s <= 30:
        raise c.fail(f"requantization shift {s} outside [-31, 30]")
    return m, s


def check_same_bytes(c: Ctx, x: Tensor, y: Tensor) -> None:
    """A pure reinterpretation (RESHAPE, SQUEEZE, EXPAND_DIMS): same type and byte size."""
    if x.dtype != y.dtype or x.nbytes != y.nbytes:
        raise c.fail(f"input {x.dtype}{list(x.shape)} and output {y.dtype}{list(y.shape)} differ "
                     "in type or size")


def zero_weights_zp(c: Ctx, w: Tensor) -> None:
    if w.zero_points is not None and np.any(w.zero_points != 0):
        raise c.fail(f"weights '{w.name}' have non-zero zero points; int8 weights must be symmetric")


def check_bias(c: Ctx, idx: int, channels: int) -> None:
    if idx < 0:
        return
    b = c.tensor("bias", idx, ("int32",), const=True, quantized=False)
    if b.elements != channels:
        raise c.fail(f"bias '{b.name}' has {b.elements} elements; expected {channels}")


def requant(c: Ctx, pool: ConstPool, x: Tensor, w: Tensor, y: Tensor, channels: int,
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


def kbias(graph: Graph, pool: ConstPool, w: Tensor, bias_idx: int, input_offset: int,
          channel_axis: int) -> int:
    """CONST offset of an int8 layer's i32[C_out] kbias: bias + input_offset * (sum of the
    channel's weights), wrapping as int32. Fast kernels fold the input offset in through it
    (runtime_c/src/kernels/kernels.h); pyrt_init verifies every entry."""
    assert w.data is not None
    wd = np.moveaxis(w.data.astype(np.int64), channel_axis, 0)
    sums = wd.reshape(wd.shape[0], -1).sum(axis=1)
    total = sums * int(input_offset)
    if bias_idx >= 0:
        b = graph.tensors[bias_idx].data
        assert b is not None
        total = total + b.astype(np.int64).reshape(-1)
    wrapped = ((total + (1 << 31)) % (1 << 32)) - (1 << 31)
    return pool.add(np.ascontiguousarray(wrapped, dtype="<i4"), 4)


@dataclass(frozen=True)
class Layout:
    """One parameter layout of an operator as the engine reads it (the record's `version`).

    `python -m pyruntime.codegen` generates the C operator table (runtime_c/src/op_table.c), the
    parameter word index names (runtime_c/src/op_params.h), the adapter declarations and the
    CMake operator list from these records: the C side has no hand-kept copy."""

    version: int
    words: tuple[str, ...] | None  # parameter word names, in order; None: any count
    check: str  # C check function of the adapter (runtime_c/src/ops/), run by pyrt_init
    eval: str  # C eval function of the adapter, run by pyrt_invoke
    inputs: tuple[int, int] = (1, 1)  # engine inputs: minimum (later ones optional), maximum
    outputs: int = 1  # output count; 0: any number (1..255), checked by the check function
    # output may overlap an input: "none" | "exact" (same bytes) | "any" | "rows" (input 0, the
    # output at least a band shift below or above it: pyruntime.inplace, PYRT_INPLACE_ROWS)
    inplace: str = "none"
    head: tuple[str, ...] = ()  # words None: names of the fixed first words (then any count)


@dataclass(frozen=True)
class OpDef:
    """One supported operator: the single source of truth for the converter's checks,
    `pyruntime ops`, docs/operators.md and the C operator table (`layouts`, pyruntime.codegen)."""

    name: str
    code: int  # TFLite BuiltinOperator number, also the engine's operator code
    versions: tuple[int, ...]  # TFLite operator versions accepted
    types: str  # supported tensor types, human-readable
    inputs: str  # engine inputs, e.g. "x, w, bias (optional)"
    outputs: str
    params: tuple[tuple[str, str], ...]  # engine parameter words: (name, meaning), in order
    lower: Callable[[Graph, Op, ConstPool], "LoweredOp"] = field(compare=False, repr=False)
    notes: str = ""
    layouts: tuple[Layout, ...] = ()

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p[0] for p in self.params)
