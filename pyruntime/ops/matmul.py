"""BATCH_MATMUL, int8: per-tensor requantization of int32 dot products, adj_x/adj_y, broadcast
batch dimensions (rank <= 5), either operand constant or an activation (TFLM's reference path)."""
from __future__ import annotations


from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef, product_multiplier


def lower_batch_matmul(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    a = c.tensor("lhs", op.inputs[0], ("int8",), per_tensor=True)
    b = c.tensor("rhs", op.inputs[1], ("int8",), per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), per_tensor=True)
    adj_x, adj_y = bool(op.options.get("adj_x", False)), bool(op.options.get("adj_y", False))
    for role, t in (("lhs", a), ("rhs", b)):
        if not 2 <= len(t.shape) <= 5:
            raise c.fail(f"{role} '{t.name}' has rank {len(t.shape)}; TFLM supports 2..5")
    rank = max(len(a.shape), len(b.shape))
    ea = (1,) * (rank - len(a.shape)) + tuple(a.shape)
    eb = (1,) * (rank - len(b.shape)) + tuple(b.shape)
    batch = []
    for da, db in zip(ea[:-2], eb[:-2]):
        if da != db and 1 not in (da, db):
            raise c.fail(f"batch dimensions of {list(a.shape)} and {list(b.shape)} do not "
                         "broadcast")
        batch.append(max(da, db))
    rows, depth = (ea[-1], ea[-2]) if adj_x else (ea[-2], ea[-1])
    depth_b, cols = (eb[-1], eb[-2]) if adj_y else (eb[-2], eb[-1])
    if depth != depth_b:
        raise c.fail(f"contracted dimensions differ: lhs {list(a.shape)} (adj_x={adj_x}) has "
                     f"{depth}, rhs {list(b.shape)} (adj_y={adj_y}) has {depth_b}")
    expected = batch + [rows, cols]
    if list(y.shape) != expected:
        raise c.fail(f"output shape {list(y.shape)}; expected {expected}")
    mult, shift = product_multiplier(c, a, b, y)  # as FULLY_CONNECTED
    params = [-a.zero_point, -b.zero_point, y.zero_point, mult, shift, int(adj_x), int(adj_y)]
    return LoweredOp(op.code, op.name, [op.inputs[0], op.inputs[1]], [op.outputs[0]], params,
                     op.index, y.elements * depth)


DEFS = [
    OpDef("BATCH_MATMUL", 126, (1, 2, 3, 4), "int8 x int8 (per-tensor, any zero points)",
          "lhs int8 [..., M, K] ([..., K, M] if adj_x); rhs int8 [..., K, N] ([..., N, K] if "
          "adj_y); ranks 2..5, batch dimensions broadcast; either may be a constant",
          "y int8 [broadcast batch..., M, N]",
          (("lhs_offset", "-lhs zero point"), ("rhs_offset", "-rhs zero point"),
           ("output_offset", "output zero point"), ("multiplier", "Q31 output multiplier"),
           ("shift", "output shift (> 0: left)"), ("adj_x", "1: lhs transposed"),
           ("adj_y", "1: rhs transposed")),
          lower_batch_matmul,
          "No fused activation (output clamped to int8), one multiplier (lhs x rhs / output "
          "scale), int32 accumulators with TFLM's double rounding.",
          layouts=(Layout(1, ("lhs_offset", "rhs_offset", "output_offset", "multiplier", "shift", "adj_x", "adj_y"), "pyrt_check_batch_matmul", "pyrt_eval_batch_matmul", inputs=(2, 2)),)),
]
