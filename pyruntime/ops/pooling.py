"""AVERAGE_POOL_2D and MAX_POOL_2D on int8 NHWC tensors."""
from __future__ import annotations

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef, window

MAX_POOL_FILTER = 4096  # filter_h * filter_w * 128 must fit the engine's int32 sum

def lower_pool(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, per_tensor=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    if x.shape[0] != y.shape[0] or x.shape[3] != y.shape[3]:
        raise c.fail(f"input {list(x.shape)} and output {list(y.shape)} differ in batch or depth")
    fh, fw = int(c.option("filter_height")), int(c.option("filter_width"))
    if not (1 <= fh <= MAX_POOL_FILTER and 1 <= fw <= MAX_POOL_FILTER):
        raise c.fail(f"invalid filter size ({fh},{fw}); the engine takes 1..{MAX_POOL_FILTER} "
                     "(the int32 window sum)")
    sh, sw, ph, pw = window(c, x, y, fh, fw)
    # TFLite fails on an empty window: the first and last windows must overlap the input
    if ph >= fh or pw >= fw or (y.shape[1] - 1) * sh - ph >= x.shape[1] \
            or (y.shape[2] - 1) * sw - pw >= x.shape[2]:
        raise c.fail(f"filter ({fh},{fw}) with stride ({sh},{sw}) leaves a window outside the "
                     f"input {list(x.shape)}")
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
