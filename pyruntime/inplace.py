"""In-place execution, planned offline: which operators may write their output over an input.

Two modes, each a rule of the engine's loader (`inplace` of the operator layout, pyrt_init):

- exact ("exact": elementwise operators and activations): the output takes exactly the bytes of
  an input of the same size that dies with the operator. Every kernel set reads element i before
  it writes element i and never reads an element after writing a later one, so the planner just
  merges the two tensors into one buffer.
- bands ("rows": int8 CONV_2D and DEPTHWISE_CONV_2D): the output may overlap input 0 when it
  starts at least `band_shifts(...)[0]` bytes below it or `[1]` bytes above it. The engine then
  runs the kernel in bands (whole output rows, at least 12 pixels, or 4 output pixels of a
  per-pixel 1x1 layer), in increasing order when the output is below, decreasing when above,
  each band seeing only the input rows it reads; the shifts guarantee that no band writes bytes
  it or a later band still reads. They mirror pyrt_band_shifts (runtime_c/src/ops/
  conv_common.c) exactly; the loader recomputes them and refuses any closer overlap. A chain of
  layers can so alternate below / above and stay within one tensor and a shift.

A tensor is only ever overwritten when no later operator reads it, it is not a model input (the
caller owns it until invoke returns) and not a model output.

    merge_exact(graph, ops, aliases)   # {tensor: root}, with exact in-place outputs merged
    band_pairs(graph, ops, aliases)    # [(op position, output root, input root, below, above)]
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .ir import Graph
from .ops import OPS
from .ops.common import LoweredOp

BAND_PIXELS = 4  # PYRT_BAND_PIXELS
BAND_MIN_PIXELS = 12  # PYRT_BAND_MIN_PIXELS: a band of rows holds at least this many pixels
CONV_2D, DEPTHWISE_CONV_2D = 3, 4


class BandPair(NamedTuple):
    pos: int  # operator position
    out: int  # output buffer root
    inp: int  # input buffer root
    below: int  # the output starts at least this many bytes below the input (increasing bands)
    above: int  # or at least this many above it (decreasing bands)


def band_shifts(n: int, h: int, w: int, c: int, oh: int, ow: int, oc: int, fh: int, fw: int,
                stride_h: int, stride_w: int, dil_h: int, pad_h: int, pad_w: int
                ) -> tuple[int, int] | None:
    """(below, above): bytes by which an int8 convolution's output must start below its input
    (bands in increasing order) or above it (decreasing order) to run in place
    (pyrt_band_shifts); None where it cannot (batch > 1, a band window inside the padding)."""
    if n != 1:
        return None
    # each band: (input window start, end, output start, end) in bytes
    bands: list[tuple[int, int, int, int]] = []
    if fh == 1 and fw == 1 and stride_h == 1 and stride_w == 1 and pad_h == 0 and pad_w == 0 \
            and h == oh and w == ow:
        total = oh * ow
        for p0 in range(0, total, BAND_PIXELS):
            p1 = min(p0 + BAND_PIXELS, total)
            bands.append((p0 * c, p1 * c, p0 * oc, p1 * oc))
    else:
        rows = -(-BAND_MIN_PIXELS // ow)
        for r0 in range(0, oh, rows):
            r1 = min(r0 + rows, oh)
            lo = r0 * stride_h - pad_h
            hi = (r1 - 1) * stride_h - pad_h + (fh - 1) * dil_h + 1
            i0, i1 = max(lo, 0), min(hi, h)
            if i1 <= i0:
                return None
            bands.append((i0 * w * c, i1 * w * c, r0 * ow * oc, r1 * ow * oc))
    return (max(max(oe - i0, 0) for i0, _, _, oe in bands),
            max(max(ie - o0, 0) for _, ie, o0, _ in bands))


def op_band_shifts(graph: Graph, op: LoweredOp) -> tuple[int, int] | None:
    """The band shifts of a CONV_2D / DEPTHWISE_CONV_2D layout-1 operator (None otherwise)."""
    if op.code not in (CONV_2D, DEPTHWISE_CONV_2D) or op.version != 1:
        return None
    x, wt, y = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if len(x.shape) != 4 or len(y.shape) != 4 or x.dtype != "int8" or y.dtype != "int8":
        return None
    stride_h, stride_w, dil_h, _dil_w, pad_h, pad_w = op.params[:6]
    return band_shifts(*x.shape, *y.shape[1:], wt.shape[1], wt.shape[2], stride_h, stride_w,
                       dil_h, pad_h, pad_w)


def _mode(op: LoweredOp) -> str:
    d = OPS.get(op.code)
    if d is None:
        return "none"
    return next((lay.inplace for lay in d.layouts if lay.version == op.version), "none")


def _last_reads(graph: Graph, ops: Sequence[LoweredOp], aliases: dict[int, int]) -> dict[int, int]:
    """Position of the last operator that reads each buffer root."""
    last: dict[int, int] = {}
    for pos, op in enumerate(ops):
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_const:
                last[aliases.get(t, t)] = pos
    return last


def _pinned(graph: Graph, aliases: dict[int, int]) -> set[int]:
    """Buffer roots that are never overwritten: model inputs and outputs."""
    return {aliases.get(t, t) for t in list(graph.inputs) + list(graph.outputs)}


def merge_exact(graph: Graph, ops: Sequence[LoweredOp], aliases: dict[int, int]) -> dict[int, int]:
    """`aliases` with each exact in-place output merged into the input buffer it overwrites."""
    parent = dict(aliases)

    def root(t: int) -> int:
        path = []
        while t in parent and parent[t] != t:
            path.append(t)
            t = parent[t]
        for p in path:
            parent[p] = t
        return t

    last, pinned = _last_reads(graph, ops, aliases), _pinned(graph, aliases)
    for pos, op in enumerate(ops):
        if _mode(op) != "exact" or len(op.outputs) != 1:
            continue
        y = op.outputs[0]
        yroot = root(y)
        for t in op.inputs:
            if t < 0 or graph.tensors[t].is_const:
                continue
            xroot = root(t)
            if xroot in pinned or last.get(xroot) != pos or xroot == yroot \
                    or graph.tensors[xroot].nbytes != graph.tensors[yroot].nbytes \
                    or graph.tensors[t].nbytes != graph.tensors[y].nbytes:
                continue
            parent[yroot] = xroot  # one buffer from here on: its readers and pins are y's
            if yroot in last:
                last[xroot] = last[yroot]
            if yroot in pinned:
                pinned.add(xroot)
            break
    return {t: root(t) for t in parent}


def band_pairs(graph: Graph, ops: Sequence[LoweredOp], aliases: dict[int, int]) -> list[BandPair]:
    """Operators that may write their output over input 0 in bands, with the shift each needs."""
    last, pinned = _last_reads(graph, ops, aliases), _pinned(graph, aliases)
    pairs = []
    for pos, op in enumerate(ops):
        if _mode(op) != "rows":
            continue
        x, y = op.inputs[0], op.outputs[0]
        xroot, yroot = aliases.get(x, x), aliases.get(y, y)
        if xroot in pinned or last.get(xroot) != pos or xroot == yroot \
                or xroot in (aliases.get(t, t) for t in op.inputs[1:] if t >= 0):
            continue
        # the engine sees the tensor records: the shift counts from the tensors' own offsets,
        # which are their roots' (aliases share offsets)
        shifts = op_band_shifts(graph, op)
        if shifts is not None:
            pairs.append(BandPair(pos, yroot, xroot, *shifts))
    return pairs
