"""CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: int8 x int8 -> int32 accumulators, requantized per channel."""
from __future__ import annotations

import numpy as np

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Ctx, LoweredOp, OpDef, check_bias, requant, window, zero_weights_zp

def _conv_like(graph: Graph, op: Op, pool: ConstPool, depthwise: bool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 3), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, const=False, per_tensor=True)
    w = c.tensor("filter", op.inputs[1], ("int8",), rank=4, const=True)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, per_tensor=True)
    zero_weights_zp(c, w)
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
    check_bias(c, op.inputs[2] if len(op.inputs) > 2 else -1, cout)
    sh, sw, ph, pw = window(c, x, y, w.shape[1], w.shape[2], dil_h, dil_w)
    act_min, act_max = c.activation(y)
    mult_off, shift_off = requant(c, pool, x, w, y, cout, axis)
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
    c = Ctx(graph, op)
    c.arity((2, 3), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), const=False, per_tensor=True)
    w = c.tensor("weights", op.inputs[1], ("int8",), rank=2, const=True)
    y = c.tensor("output", op.outputs[0], ("int8",), per_tensor=True)
    zero_weights_zp(c, w)
    if op.options.get("weights_format", 0) not in (0, "DEFAULT"):
        raise c.fail(f"unsupported weights_format {op.options.get('weights_format')}")
    cout, k = w.shape
    if x.elements % k:
        raise c.fail(f"input has {x.elements} elements, not a multiple of the weights' depth {k}")
    batches = x.elements // k
    if y.elements != batches * cout:
        raise c.fail(f"output has {y.elements} elements; expected {batches} x {cout}")
    check_bias(c, op.inputs[2] if len(op.inputs) > 2 else -1, cout)
    act_min, act_max = c.activation(y)
    mult_off, shift_off = requant(c, pool, x, w, y, cout, 0)
    n_mult = cout if w.per_channel else 1
    if not w.per_channel and len(op.inputs) > 2 and op.inputs[2] >= 0:
        # TFLM (GetQuantizedConvolutionMultipler) refuses a per-tensor layer whose bias scale
        # is not input_scale * weight_scale within 2% of the output scale.
        bt = graph.tensors[op.inputs[2]]
        bias_scale = bt.scale if bt.quantized else 0.0
        product = float(np.float32(x.scale)) * float(np.float32(w.scale))
        if abs(product - bias_scale) / float(np.float32(y.scale)) > 0.02:
            raise c.fail(f"bias scale {bias_scale:g} is not input scale x weight scale "
                         f"({product:g}); TFLM refuses this layer too")
    params = [-x.zero_point, y.zero_point, act_min, act_max, mult_off, shift_off, n_mult]
    inputs = [op.inputs[0], op.inputs[1], op.inputs[2] if len(op.inputs) > 2 else -1]
    return LoweredOp(op.code, op.name, inputs, [op.outputs[0]], params, op.index,
                     batches * cout * k)


_WINDOW = (("stride_h", "vertical stride"), ("stride_w", "horizontal stride"),
           ("dilation_h", "vertical dilation"), ("dilation_w", "horizontal dilation"),
           ("pad_h", "top padding (TFLite SAME/VALID rule)"), ("pad_w", "left padding"),
           ("input_offset", "-input zero point"), ("output_offset", "output zero point"),
           ("act_min", "fused activation clamp, quantized"), ("act_max", "fused activation clamp"),
           ("mult_off", "CONST offset of i32 multipliers [C_out]"),
           ("shift_off", "CONST offset of i8 shifts [C_out]"))

DEFS = [
    OpDef("CONV_2D", 3, (1, 2, 3, 4, 5, 6, 7, 8), "int8 x int8 (per-channel) + int32 bias",
          "x int8 [N,H,W,C_in]; w int8 const [C_out,KH,KW,C_in/groups]; bias int32 [C_out] or -1",
          "y int8 [N,OH,OW,C_out]", _WINDOW, lower_conv_2d,
          "Strides, dilations, SAME/VALID padding, fused NONE/RELU/RELU6/RELU_N1_TO_1, groups."),
    OpDef("DEPTHWISE_CONV_2D", 4, (1, 2, 3, 4, 5, 6, 7), "int8 x int8 (per-channel) + int32 bias",
          "x int8 [N,H,W,C_in]; w int8 const [1,KH,KW,C_out]; bias int32 [C_out] or -1",
          "y int8 [N,OH,OW,C_out], C_out = C_in * depth_multiplier",
          _WINDOW + (("depth_multiplier", "output channels per input channel"),),
          lower_depthwise_conv_2d),
    OpDef("FULLY_CONNECTED", 9, tuple(range(1, 13)),
          "int8 x int8 (per-tensor or per-channel) + int32 bias",
          "x int8 [B*K elements]; w int8 const [C_out,K]; bias int32 [C_out] or -1",
          "y int8 [B*C_out elements]",
          (("input_offset", "-input zero point"), ("output_offset", "output zero point"),
           ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp"),
           ("mult_off", "CONST offset of i32 multipliers [n_mult]"),
           ("shift_off", "CONST offset of i8 shifts [n_mult]"),
           ("n_mult", "1 (per-tensor weights) or C_out (per-channel)")),
          lower_fully_connected, "TFLM's double rounding (MultiplyByQuantizedMultiplier)."),
]
