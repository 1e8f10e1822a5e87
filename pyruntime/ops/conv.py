"""CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: int8 x int8 -> int32 accumulators, requantized
per channel; int16 activations x int8 weights (parameter layout version 2) with int32 or int64
accumulators as TFLM chooses them."""
from __future__ import annotations

import numpy as np

from .. import quant
from ..constpool import ConstPool
from ..ir import Graph, Op, Tensor
from .common import (Layout, Ctx, LoweredOp, OpDef, check_bias, kbias, product_multiplier, requant,
                     window,
                     zero_weights_zp)

TFLITE_INT32 = 2  # tflite.TensorType values used by quantized_bias_type
INT16_LIMIT_SHIFT = 7  # TFLM's int64 MultiplyByQuantizedMultiplier asserts shift < 8


def activation_tensors(c: Ctx, x_idx: int, y_idx: int, rank: int | None
                       ) -> tuple[Tensor, Tensor, bool]:
    """Input and output, both int8 or both int16 (int16: zero points 0, as TFLite requires)."""
    x = c.tensor("input", x_idx, ("int8", "int16"), rank=rank, const=False, per_tensor=True)
    y = c.tensor("output", y_idx, (x.dtype,), rank=rank, per_tensor=True)
    wide = x.dtype == "int16"
    if wide and (x.zero_point != 0 or y.zero_point != 0):
        raise c.fail(f"int16 input/output zero points must be 0 (have {x.zero_point}, "
                     f"{y.zero_point}); TFLM's int16 kernels ignore them")
    return x, y, wide


def int16_accumulator(c: Ctx, bias_idx: int, channels: int, int64_only: bool = False) -> int:
    """1 if TFLM accumulates this int16 layer in int64 (int64 bias, or no bias and
    quantized_bias_type not INT32), 0 for int32 accumulators (int32 bias)."""
    if bias_idx >= 0:
        allowed = ("int64",) if int64_only else ("int32", "int64")
        b = c.tensor("bias", bias_idx, allowed, const=True, quantized=False)
        if b.elements != channels:
            raise c.fail(f"bias '{b.name}' has {b.elements} elements; expected {channels}")
        return 1 if b.dtype == "int64" else 0
    if int64_only:
        return 1
    return 0 if int(c.op.options.get("quantized_bias_type", 0) or 0) == TFLITE_INT32 else 1


def check_wide_shifts(c: Ctx, pool: ConstPool, shift_off: int, n: int) -> None:
    shifts = np.frombuffer(pool.bytes()[shift_off:shift_off + n], dtype=np.int8)
    if np.any(shifts > INT16_LIMIT_SHIFT):
        raise c.fail("requantization scale (input x weight / output) of 128 or more: TFLM's "
                     "int64 requantization does not support it")

def _conv_like(graph: Graph, op: Op, pool: ConstPool, depthwise: bool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 3), 1)
    x, y, int16 = activation_tensors(c, op.inputs[0], op.outputs[0], 4)
    w = c.tensor("filter", op.inputs[1], ("int8",), rank=4, const=True)
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
    bias_idx = op.inputs[2] if len(op.inputs) > 2 else -1
    wide = int16_accumulator(c, bias_idx, cout, int64_only=depthwise) if int16 else 0
    if not int16:
        check_bias(c, bias_idx, cout)
    sh, sw, ph, pw = window(c, x, y, w.shape[1], w.shape[2], dil_h, dil_w)
    act_min, act_max = activation_range(c, y)
    mult_off, shift_off = requant(c, pool, x, w, y, cout, axis)
    if wide:
        check_wide_shifts(c, pool, shift_off, cout)
    params = [sh, sw, dil_h, dil_w, ph, pw, -x.zero_point, y.zero_point, act_min, act_max,
              mult_off, shift_off]
    if depthwise:
        params.append(cout // cin)
    if int16:
        params.append(wide)
    else:
        params.append(kbias(graph, pool, w, bias_idx, -x.zero_point, axis))
    inputs = [op.inputs[0], op.inputs[1], bias_idx]
    return LoweredOp(op.code, op.name, inputs, [op.outputs[0]], params, op.index, macs,
                     version=2 if int16 else 1)


def activation_range(c: Ctx, y: Tensor) -> tuple[int, int]:
    if y.dtype == "int16":
        act = c.option("fused_activation_function", ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"))
        try:
            return quant.activation_range(act, y.scale, y.zero_point, quant.INT16_MIN,
                                          quant.INT16_MAX)
        except ValueError as exc:
            raise c.fail(f"output '{y.name}': {exc}") from exc
    return c.activation(y)


def per_tensor_multiplier(c: Ctx, pool: ConstPool, x: Tensor, w: Tensor, y: Tensor
                          ) -> tuple[int, int]:
    """A per-tensor layer's single multiplier/shift pair, stored in CONST."""
    m, s = product_multiplier(c, x, w, y)
    return pool.add_requant(np.array([m], np.int32), np.array([s], np.int8))


def lower_conv_2d(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    return _conv_like(graph, op, pool, depthwise=False)


def lower_depthwise_conv_2d(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    return _conv_like(graph, op, pool, depthwise=True)


def lower_fully_connected(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 3), 1)
    x, y, int16 = activation_tensors(c, op.inputs[0], op.outputs[0], None)
    w = c.tensor("weights", op.inputs[1], ("int8",), rank=2, const=True)
    zero_weights_zp(c, w)
    if op.options.get("weights_format", 0) not in (0, "DEFAULT"):
        raise c.fail(f"unsupported weights_format {op.options.get('weights_format')}")
    cout, k = w.shape
    if x.elements % k:
        raise c.fail(f"input has {x.elements} elements, not a multiple of the weights' depth {k}")
    batches = x.elements // k
    if y.elements != batches * cout:
        raise c.fail(f"output has {y.elements} elements; expected {batches} x {cout}")
    bias_idx = op.inputs[2] if len(op.inputs) > 2 else -1
    wide = int16_accumulator(c, bias_idx, cout) if int16 else 0
    if not int16:
        check_bias(c, bias_idx, cout)
    act_min, act_max = activation_range(c, y)
    if w.per_channel:
        mult_off, shift_off = requant(c, pool, x, w, y, cout, 0)
    else:
        mult_off, shift_off = per_tensor_multiplier(c, pool, x, w, y)
    n_mult = cout if w.per_channel else 1
    if wide:
        check_wide_shifts(c, pool, shift_off, n_mult)
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
    if int16:
        params.append(wide)
    else:
        params.append(kbias(graph, pool, w, bias_idx, -x.zero_point, 0))
    inputs = [op.inputs[0], op.inputs[1], bias_idx]
    return LoweredOp(op.code, op.name, inputs, [op.outputs[0]], params, op.index,
                     batches * cout * k, version=2 if int16 else 1)


_WINDOW = (("stride_h", "vertical stride"), ("stride_w", "horizontal stride"),
           ("dilation_h", "vertical dilation"), ("dilation_w", "horizontal dilation"),
           ("pad_h", "top padding (TFLite SAME/VALID rule)"), ("pad_w", "left padding"),
           ("input_offset", "-input zero point"), ("output_offset", "output zero point"),
           ("act_min", "fused activation clamp, quantized"), ("act_max", "fused activation clamp"),
           ("mult_off", "CONST offset of i32 multipliers [C_out]"),
           ("shift_off", "CONST offset of i8 shifts [C_out]"))

_INT16 = ("int16 activations (zero points 0): parameter layout version 2 = these words plus "
          "`wide_acc` (1: int64 accumulators and TFLM's int64 MultiplyByQuantizedMultiplier, "
          "requantization shift <= 7; 0: int32 accumulators, double rounding).")

DEFS = [
    OpDef("CONV_2D", 3, (1, 2, 3, 4, 5, 6, 7, 8),
          "int8 x int8 (per-channel) + int32 bias; int16 x int8 + int64 or int32 bias",
          "x int8/int16 [N,H,W,C_in]; w int8 const [C_out,KH,KW,C_in/groups]; "
          "bias int32/int64 [C_out] or -1",
          "y as x [N,OH,OW,C_out]", _WINDOW, lower_conv_2d,
          "Strides, dilations, SAME/VALID padding, fused NONE/RELU/RELU6/RELU_N1_TO_1, groups. "
          "int16 without bias: int32 accumulators if quantized_bias_type is INT32. " + _INT16,
          layouts=(Layout(1, ("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "kbias_off"), "pyrt_check_conv", "pyrt_eval_conv", inputs=(2, 3), inplace="rows"), Layout(2, ("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "wide_acc"), "pyrt_check_conv16", "pyrt_eval_conv16", inputs=(2, 3)))),
    OpDef("DEPTHWISE_CONV_2D", 4, (1, 2, 3, 4, 5, 6, 7),
          "int8 x int8 (per-channel) + int32 bias; int16 x int8 + int64 bias",
          "x int8/int16 [N,H,W,C_in]; w int8 const [1,KH,KW,C_out]; "
          "bias int32 (int8) / int64 (int16) [C_out] or -1",
          "y as x [N,OH,OW,C_out], C_out = C_in * depth_multiplier",
          _WINDOW + (("depth_multiplier", "output channels per input channel"),),
          lower_depthwise_conv_2d, _INT16 + " int16 always uses int64 accumulators (wide_acc 1).",
          layouts=(Layout(1, ("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "depth_multiplier", "kbias_off"), "pyrt_check_depthwise_conv", "pyrt_eval_depthwise_conv", inputs=(2, 3), inplace="rows"), Layout(2, ("stride_h", "stride_w", "dilation_h", "dilation_w", "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "depth_multiplier", "wide_acc"), "pyrt_check_depthwise_conv16", "pyrt_eval_depthwise_conv16", inputs=(2, 3)))),
    OpDef("FULLY_CONNECTED", 9, tuple(range(1, 13)),
          "int8 x int8 (per-tensor or per-channel) + int32 bias; int16 x int8 + int64/int32 bias",
          "x int8/int16 [B*K elements]; w int8 const [C_out,K]; bias int32/int64 [C_out] or -1",
          "y as x [B*C_out elements]",
          (("input_offset", "-input zero point"), ("output_offset", "output zero point"),
           ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp"),
           ("mult_off", "CONST offset of i32 multipliers [n_mult]"),
           ("shift_off", "CONST offset of i8 shifts [n_mult]"),
           ("n_mult", "1 (per-tensor weights) or C_out (per-channel)")),
          lower_fully_connected,
          "TFLM's double rounding (MultiplyByQuantizedMultiplier); per-tensor multiplier "
          "input x weight / output scale in double (GetQuantizedConvolutionMultipler). "
          "int16 without bias: int32 accumulators if quantized_bias_type is INT32. " + _INT16,
          layouts=(Layout(1, ("input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "n_mult", "kbias_off"), "pyrt_check_fully_connected", "pyrt_eval_fully_connected", inputs=(2, 3)), Layout(2, ("input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off", "n_mult", "wide_acc"), "pyrt_check_fully_connected16", "pyrt_eval_fully_connected16", inputs=(2, 3)))),
]
