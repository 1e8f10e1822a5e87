"""Which C kernels run an operator on each target, and the arena scratch they need.

The C engine picks its kernel set at build time from the target's ACLE feature macros
(runtime_c/src/kernels/select.h) and, per operator, a kernel path from its shape (the path
predicates of runtime_c/src/kernels/kernels.h); a kernel that needs scratch memory has a
`..._scratch_bytes()` twin. This module mirrors both, so that the converter plans exactly that
much arena per operator. pyrt_init refuses (PYRT_E_SCRATCH) a blob that planned less than its
build needs, so a mismatch can never run out of bounds.

    kernel_set("cortex-m4")             # "arm_dsp"
    kernel_set("cortex-m55")            # "mve" (arm_dsp, then reference, where it has none)
    kernel_set("cortex-a53")            # "neon" (reference where it has none)
    kernel_set("armv7a")                # "neon" (arm_dsp, then reference, where it has none)
    scratch_bytes(op, graph, ("arm_dsp",))
    plan_sets(None)                     # every set: the blob runs on every target (default)
"""
from __future__ import annotations

from collections.abc import Sequence

from .ir import Graph
from .ops.common import LoweredOp

KERNEL_SETS = ("reference", "arm_dsp", "mve", "neon")

# Target name (pyruntime.targets, plus "host") -> the kernel set its build selects.
TARGET_SETS: dict[str, str] = {
    "host": "reference",
    "cortex-m0plus": "reference",
    "cortex-m3": "reference",
    "cortex-m4": "arm_dsp",
    "cortex-m7": "arm_dsp",
    "cortex-m33": "arm_dsp",
    "cortex-m55": "mve",
    "cortex-a53": "neon",
    "cortex-a55": "neon",
    "armv7a": "neon",  # with the arm_dsp kernels where neon has none (select.h)
}

ADD, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SUB = 0, 3, 4, 9, 41
ADD_LUT_MIN, ADD_LUT_BYTES = 1024, 2 * 256 * 4  # kernels/arm_dsp/elementwise.h


def kernel_set(target: str) -> str:
    """The kernel set a target's build uses (ValueError for an unknown target)."""
    from .targets import ALIASES
    key = ALIASES.get(target.lower(), target.lower())
    if key not in TARGET_SETS:
        raise ValueError(f"unknown target '{target}': choose one of {', '.join(TARGET_SETS)}")
    return TARGET_SETS[key]


def plan_sets(target: str | None) -> tuple[str, ...]:
    """Kernel sets a blob is planned for: one target's, or all of them (portable blob)."""
    return KERNEL_SETS if target is None else (kernel_set(target),)


def _cols_bytes(k: int) -> int:
    """arm_dsp four-column buffer (kernels/arm_dsp/dsp.h pyrt_dsp_cols_bytes)."""
    return 8 * k


def _im2col_bytes(fh: int, fw: int, fc: int) -> int:
    """arm_dsp im2col scratch (kernels/arm_dsp/im2col.h pyrt_dsp_im2col_bytes)."""
    k = fh * fw * fc
    return _cols_bytes(k) + (4 * ((k + 3) & ~3) if fc % 4 else 0)


def _dsp_scratch(op: LoweredOp, graph: Graph) -> int:
    if op.version != 1:  # int16 layers use reference kernels in every set
        return 0
    if op.code == CONV_2D:
        x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
        _, fh, fw, fc = w.shape
        pad_h, pad_w = op.params[4], op.params[5]
        if fh == 1 and fw == 1 and pad_h == 0 and pad_w == 0 and fc == x.shape[3]:
            return _cols_bytes(fc)  # conv_1x1_s8
        return _im2col_bytes(fh, fw, fc)  # conv_few_ch_s8 and conv_s8 alike
    if op.code in (ADD, SUB):  # same-shape int8: input tables for large tensors
        a, b, y = (graph.tensors[i] for i in (*op.inputs[:2], op.outputs[0]))
        flat = y.dtype == "int8" and a.elements == b.elements == y.elements
        return ADD_LUT_BYTES if flat and y.elements >= ADD_LUT_MIN else 0
    if op.code == FULLY_CONNECTED:  # the four-column buffer, or one expanded batch row
        cout, k = graph.tensors[op.inputs[1]].shape
        batches = graph.tensors[op.outputs[0]].elements // cout
        return _cols_bytes(k) if batches >= 4 else 2 * (k & ~3)
    return 0


# Kernels the mve set provides (select.h PYRT_MVE_<kernel>), by the operator and path that call
# them, where their scratch differs from the arm_dsp rule: its ADD/SUB use the same input tables
# (kernels/mve/elementwise.h), pooling and MUL need none; its other kernels are the arm_dsp ones
# (or the reference).
MVE_COLS = 8  # kernels/mve/mve.h PYRT_MVE_COLS: output pixels per im2col batch


def _mve_scratch(op: LoweredOp, graph: Graph) -> int:
    if op.version == 1:
        if op.code == FULLY_CONNECTED:
            return 0  # fully_connected_s8
        if op.code == DEPTHWISE_CONV_2D:
            return 0  # dw_conv_3x3_s8, dw_conv_s8
        if op.code == CONV_2D:
            x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
            _, fh, fw, fc = w.shape
            pad_h, pad_w = op.params[4], op.params[5]
            if fh == 1 and fw == 1 and pad_h == 0 and pad_w == 0 and fc == x.shape[3]:
                return 0  # conv_1x1_s8
            return MVE_COLS * fh * fw * fc  # conv_few_ch_s8 and conv_s8: im2col columns
    return _dsp_scratch(op, graph)


# Kernels the neon set provides (select.h PYRT_NEON_<kernel>: every CONV_2D path, 3x3
# DEPTHWISE_CONV_2D, FULLY_CONNECTED, same-shape ADD and SUB); only the im2col convolutions
# (conv_s8, conv_few_ch_s8) need scratch: 16 int8 windows of k = KH * KW * C_in / groups bytes
# for k <= 64, else 4 (kernels/neon/neon.h pyrt_neon_im2col_bytes). Its other kernels are the reference ones on
# AArch64 and the arm_dsp ones on Armv7-A: none of either needs scratch.
def _neon_scratch(op: LoweredOp, graph: Graph) -> int:
    if op.version == 1 and op.code == CONV_2D:
        x, w = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]]
        _, fh, fw, fc = w.shape
        pad_h, pad_w = op.params[4], op.params[5]
        if fh == 1 and fw == 1 and pad_h == 0 and pad_w == 0 and fc == x.shape[3]:
            return 0  # conv_1x1_s8
        k = fh * fw * fc
        return (16 if k <= 64 else 4) * k  # conv_few_ch_s8 and conv_s8 alike
    return 0


def scratch_bytes(op: LoweredOp, graph: Graph, sets: Sequence[str]) -> int:
    """Arena scratch operator `op` needs: the largest over the kernel sets `sets`."""
    need = 0
    for s in sets:
        if s == "arm_dsp":
            need = max(need, _dsp_scratch(op, graph))
        elif s == "mve":
            need = max(need, _mve_scratch(op, graph))
        elif s == "neon":
            need = max(need, _neon_scratch(op, graph))
        elif s != "reference":
            raise ValueError(f"unknown kernel set '{s}'")
    return need
