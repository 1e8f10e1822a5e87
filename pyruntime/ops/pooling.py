"""AVERAGE_POOL_2D and MAX_POOL_2D on int8 NHWC tensors."""
from __future__ import annotations

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef, window

def lower_pool(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    if x.shape[0] != y.shape[0] or x.shape[3] != y.shape[3]:
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} differ in batch or depth")
    fh, fw = int(c.option("filter_height")), int(c.option("filter_width"))
    if fh < 1 or fw < 1:
        raise c.fail(f"invalid filter size ({fh},{fw})")
    sh, sw, ph, pw = window(c, x, y, fh, fw)
    act_min, act_max = c.activation(y)
    params = [sh, sw, fh, fw, ph, pw, act_min, act_max]
    return LoweredOp(op.code, op.name, [op.inputs[0]], [op.outputs[0]], params, op.index)


_POOL = (("stride_h", "vertical stride"), ("stride_w", "horizontal stride"),
         ("filter_h", "window height"), ("filter_w", "window width"),
         ("pad_h", "top padding"), ("pad_w", "left padding"),
         ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp"))

DEFS = [
    OpDef("AVERAGE_POOL_2D", 1, (1, 2, 3), "int8", "x int8 [N,H,W,C]", "y int8 [N,OH,OW,C]",
          _POOL, lower_pool, "Average over the valid part of the window, rounded half away "
          "from zero, as TFLM.",
          layouts=(Layout(1, ("stride_h", "stride_w", "filter_h", "filter_w", "pad_h", "pad_w", "act_min", "act_max"), "pyrt_check_pool", "pyrt_eval_average_pool"),)),
    OpDef("MAX_POOL_2D", 17, (1, 2, 3), "int8", "x int8 [N,H,W,C]", "y int8 [N,OH,OW,C]",
          _POOL, lower_pool,
          layouts=(Layout(1, ("stride_h", "stride_w", "filter_h", "filter_w", "pad_h", "pad_w", "act_min", "act_max"), "pyrt_check_pool", "pyrt_eval_max_pool"),)),
]
