"""RESIZE_BILINEAR int8: TFLM's integer path (reference_ops::ResizeBilinearInteger).

Source coordinates are computed offline in TFLM's 10-bit fixed point; the engine gets one
table row per output row and per output column: (lower index, upper index, fraction in 1/1024).
TFLM's int8 kernel copies no quantization (values are interpolated as raw integers), so the
output's scale and zero point are not used, as in TFLM. TFLM has no int16 path.
"""
from __future__ import annotations

import numpy as np

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef

_INT32_MAX = (1 << 31) - 1


def _c_div(a: int, b: int) -> int:
    """C integer division (truncation toward zero), b > 0."""
    q = abs(a) // b
    return q if a >= 0 else -q


def scale_10(in_size: int, out_size: int, align_corners: bool) -> int:
    if align_corners and out_size > 1:
        return ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    return ((1 << 10) * in_size + out_size // 2) // out_size


def axis_table(c: Ctx, in_size: int, out_size: int, align_corners: bool,
               half_pixel: bool, what: str) -> np.ndarray:
    """ComputeInterpolationValuesInteger for every output index: rows (lo, hi, frac)."""
    s = scale_10(in_size, out_size, align_corners)
    rows = []
    for v in range(out_size):
        scaled = v * s + s // 2 - (1 << 9) if half_pixel else v * s
        if abs(scaled) + (1 << 10) > _INT32_MAX:
            raise c.fail(f"{what} {out_size} too large for TFLM's 32-bit fixed point")
        lo = max(_c_div(scaled, 1 << 10), 0)
        hi = min(_c_div(scaled + (1 << 10) - 1, 1 << 10), in_size - 1)
        if not (0 <= lo < in_size and 0 <= hi < in_size):
            raise c.fail(f"{what}: TFLM would read outside the input (index {lo}/{hi} of "
                         f"{in_size})")
        rows.append((lo, hi, scaled - (1 << 10) * lo))
    return np.array(rows, dtype="<i4").reshape(-1)


def lower_resize_bilinear(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, const=False, per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    size_t = c.graph.tensors[op.inputs[1]] if op.inputs[1] >= 0 else None
    if size_t is None or size_t.dtype != "int32" or not size_t.is_const or \
            len(size_t.shape) != 1:
        raise c.fail("size must be a constant rank-1 int32 tensor (TFLM requires it)")
    size = [int(v) for v in np.asarray(size_t.data).ravel()]
    if len(size) != 2 or list(y.shape) != [x.shape[0], size[0], size[1], x.shape[3]]:
        raise c.fail(f"size {size} and output shape {list(y.shape)} disagree with input "
                     f"{list(x.shape)}")
    ac = bool(op.options.get("align_corners", False))
    hp = bool(op.options.get("half_pixel_centers", False))
    if ac and hp:
        raise c.fail("align_corners and half_pixel_centers both set (TFLM refuses it)")
    rows = axis_table(c, x.shape[1], y.shape[1], ac, hp, "output height")
    cols = axis_table(c, x.shape[2], y.shape[2], ac, hp, "output width")
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]],
                     [pool.add(rows, 4), pool.add(cols, 4)], op.index,
                     macs=4 * y.elements)


DEFS = [
    OpDef("RESIZE_BILINEAR", 23, (1, 2, 3, 4), "int8",
          "x int8 [N, H, W, C]; size: constant int32 [2] (folded)",
          "y int8 [N, OH, OW, C] (quantization not used, as in TFLM)",
          (("rows_offset", "CONST offset of OH x (y0, y1, fraction/1024) int32"),
           ("cols_offset", "CONST offset of OW x (x0, x1, fraction/1024) int32")),
          lower_resize_bilinear,
          "TFLM's integer interpolation (10-bit source coordinates, round half away from "
          "zero); align_corners and half_pixel_centers. int16 refused (TFLM has no int16 "
          "path).",
          layouts=(Layout(1, ("rows_offset", "cols_offset"), "pyrt_check_resize_bilinear", "pyrt_eval_resize_bilinear"),)),
]
