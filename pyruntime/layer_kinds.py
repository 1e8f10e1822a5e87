"""Layer kinds: which kernel path an operator takes, for the per-kind split of a benchmark.

    layer_kind("CONV_2D", x_dims=(1, 49, 10, 1), w_dims=(64, 10, 4, 1), params={...})
    # "CONV_2D first layer"
    kinds_of_blob(fmt.read_blob(data))     # one kind per operator
    kind_split(bench_result)               # instructions, share and MAC/instr per kind

The convolution predicates mirror the engine's kernel choice (runtime_c/src/kernels/kernels.h:
pyrt_conv_is_1x1, pyrt_conv_is_few_ch, pyrt_dw_is_3x3), in the same order, so a kind is the
kernel that ran. int16 layers (parameter layout version 2) run one general kernel per operator.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import blob as fmt

CONV_1X1 = "CONV_2D 1x1"
CONV_FIRST = "CONV_2D first layer"
CONV_OTHER = "CONV_2D other"
DW_3X3 = "DEPTHWISE_CONV_2D 3x3"
DW_OTHER = "DEPTHWISE_CONV_2D other"
FC = "FULLY_CONNECTED"
POOL = "AVERAGE/MAX_POOL_2D"
ADD = "ADD"
SOFTMAX = "SOFTMAX"
OTHER = "other operators"
INTERPRETER = "interpreter"

# In report order.
KINDS = (CONV_1X1, CONV_FIRST, CONV_OTHER, DW_3X3, DW_OTHER, FC, POOL, ADD, SOFTMAX, OTHER,
         INTERPRETER)
DESCRIPTIONS = {
    CONV_1X1: "1x1 filter, no padding, one group (pointwise)",
    CONV_FIRST: "1-3 input channels, one group (first layers)",
    CONV_OTHER: "every other convolution (im2col)",
    DW_3X3: "3x3 filter, depth multiplier 1, no dilation",
    DW_OTHER: "every other depthwise convolution",
    FC: "matrix x vector (or matrix)",
    POOL: "AVERAGE_POOL_2D and MAX_POOL_2D",
    ADD: "elementwise int8 addition",
    SOFTMAX: "int8 softmax",
    OTHER: "every other operator (reshapes, quantize, ...)",
    INTERPRETER: "pyrt_invoke's loop around the operators (total - sum of the operators)",
}
_NAMED = {"FULLY_CONNECTED": FC, "AVERAGE_POOL_2D": POOL, "MAX_POOL_2D": POOL, "ADD": ADD,
          "SOFTMAX": SOFTMAX}


def layer_kind(op: str, x_dims: Sequence[int] = (), w_dims: Sequence[int] = (),
               params: Mapping[str, int] | None = None, version: int = 1) -> str:
    """The kind of one operator from its name, input and filter dimensions (NHWC; filters
    [C_out, KH, KW, C_in/groups] for CONV_2D, [1, KH, KW, C_out] for DEPTHWISE_CONV_2D) and
    named parameter words (pad_h, pad_w, dilation_h, dilation_w, depth_multiplier)."""
    p = params or {}
    if op == "CONV_2D":
        if version != 1 or len(x_dims) != 4 or len(w_dims) != 4:
            return CONV_OTHER
        _, fh, fw, fc = w_dims
        in_c = x_dims[3]
        if fh == 1 and fw == 1 and p.get("pad_h", 0) == 0 and p.get("pad_w", 0) == 0 \
                and fc == in_c:
            return CONV_1X1
        if in_c <= 3 and fc == in_c:
            return CONV_FIRST
        return CONV_OTHER
    if op == "DEPTHWISE_CONV_2D":
        if version == 1 and len(w_dims) == 4 and w_dims[1] == 3 and w_dims[2] == 3 \
                and p.get("depth_multiplier", 1) == 1 and p.get("dilation_h", 1) == 1 \
                and p.get("dilation_w", 1) == 1:
            return DW_3X3
        return DW_OTHER
    return _NAMED.get(op, OTHER)


def _named_params(code: int, version: int, params: Sequence[int]) -> dict[str, int]:
    """Parameter words by name, from the operator's layout (pyruntime.ops)."""
    from .ops import OPS
    d = OPS.get(code)
    for layout in d.layouts if d else ():
        if layout.version == version and layout.words is not None:
            return dict(zip(layout.words, params))
    return {}


def kinds_of_blob(b: fmt.Blob) -> list[str]:
    """The kind of every operator of a parsed blob, in execution order."""
    from .tflite_reader import BUILTIN_NAMES
    out = []
    for op in b.ops:
        dims = [b.tensors[i].dims if i >= 0 else () for i in op.inputs[:2]] + [(), ()]
        out.append(layer_kind(BUILTIN_NAMES.get(op.code, f"OP{op.code}"), dims[0], dims[1],
                              _named_params(op.code, op.version, op.params), op.version))
    return out


def kind_split(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per kind present in a `pyruntime.bench.bench` result (its per_op rows carry `kind`):
    operators, MACs, instructions, share of the total and MAC/instruction, in KINDS order;
    the interpreter (total - sum of the operators) is a kind of its own."""
    acc: dict[str, dict[str, Any]] = {}
    for row in result["per_op"]:
        k = acc.setdefault(row["kind"], {"ops": 0, "macs": 0, "instructions": 0})
        k["ops"] += 1
        k["macs"] += row["macs"]
        k["instructions"] += row["instructions"]
    acc[INTERPRETER] = {"ops": 0, "macs": 0, "instructions": result["interpreter_instructions"]}
    total = result["instructions"]
    return [{"kind": kind, **acc[kind],
             "share": acc[kind]["instructions"] / total if total else 0.0,
             "macs_per_instruction": (acc[kind]["macs"] / acc[kind]["instructions"]
                                      if acc[kind]["instructions"] > 0 else 0.0)}
            for kind in KINDS if kind in acc]
