"""TRANSPOSE_CONV: int8 x int8 (per-channel) + int32 bias, or int16 x int8 + int64 bias, as TFLM's
reference kernel computes it (padding from the output size, fused activation, no dilation)."""
from __future__ import annotations

from ..constpool import ConstPool
from ..ir import Graph, Op
from .common import Layout, Ctx, LoweredOp, OpDef, check_bias, requant, zero_weights_zp
from .conv import activation_range, activation_tensors, check_wide_shifts


def _trunc_div(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def tflite_padding(padding: str, size: int, filt: int, stride: int) -> int:
    """ComputePaddingHeightWidth as TFLM's TRANSPOSE_CONV calls it: on the OUTPUT size."""
    if padding == "SAME":
        out = _trunc_div(size + stride - 1, stride)
    else:
        out = _trunc_div(size + stride - filt, stride)
    total = (out - 1) * stride + filt - size
    return max(total, 0) // 2


def lower_transpose_conv(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((3, 4), 1)
    shape_t = c.tensor("output_shape", op.inputs[0], ("int32",), rank=1, const=True,
                       quantized=False)
    w = c.tensor("filter", op.inputs[1], ("int8",), rank=4, const=True)
    x_idx, bias_idx = op.inputs[2], (op.inputs[3] if len(op.inputs) > 3 else -1)
    x, y, int16 = activation_tensors(c, x_idx, op.outputs[0], 4)
    zero_weights_zp(c, w)
    declared = [int(v) for v in shape_t.data.reshape(-1)] if shape_t.data is not None else []
    if declared != list(y.shape):
        raise c.fail(f"output_shape {declared} differs from the output tensor's shape "
                     f"{list(y.shape)}")
    cout, kh, kw, cin = w.shape
    if x.shape[0] != y.shape[0] or cin != x.shape[3] or cout != y.shape[3]:
        raise c.fail(f"filter {list(w.shape)} does not fit input {list(x.shape)} and output "
                     f"{list(y.shape)} ([C_out,KH,KW,C_in])")
    padding = c.option("padding", ("SAME", "VALID"))
    sh, sw = int(op.options.get("stride_h", 1)), int(op.options.get("stride_w", 1))
    if not (1 <= sh <= 65535 and 1 <= sw <= 65535):
        raise c.fail(f"invalid stride ({sh},{sw})")
    ph = tflite_padding(padding, y.shape[1], kh, sh)
    pw = tflite_padding(padding, y.shape[2], kw, sw)
    if not (0 <= ph <= 1 << 24 and 0 <= pw <= 1 << 24):
        raise c.fail(f"padding ({ph},{pw}) outside the engine's 0..{1 << 24}")
    if bias_idx >= 0:
        if int16:
            b = c.tensor("bias", bias_idx, ("int64",), const=True, quantized=False)
            if b.elements != cout:
                raise c.fail(f"bias '{b.name}' has {b.elements} elements; expected {cout}")
        else:
            check_bias(c, bias_idx, cout)
    act_min, act_max = activation_range(c, y)
    mult_off, shift_off = requant(c, pool, x, w, y, cout, 0)
    if int16:
        check_wide_shifts(c, pool, shift_off, cout)
    params = [sh, sw, ph, pw, -x.zero_point, y.zero_point, act_min, act_max, mult_off, shift_off]
    return LoweredOp(op.code, op.name, [x_idx, op.inputs[1], bias_idx], [op.outputs[0]], params,
                     op.index, x.elements * kh * kw * cout)


DEFS = [
    OpDef("TRANSPOSE_CONV", 67, (1, 2, 3, 4, 5),
          "int8 x int8 (per-channel) + int32 bias; int16 x int8 + int64 bias",
          "x int8/int16 [N,H,W,C_in]; w int8 const [C_out,KH,KW,C_in]; bias int32 (int8) / "
          "int64 (int16) [C_out] or -1 (the TFLite output_shape input is checked and dropped)",
          "y as x [N,OH,OW,C_out]",
          (("stride_h", "vertical stride"), ("stride_w", "horizontal stride"),
           ("pad_h", "top padding (TFLite rule applied to the output size)"),
           ("pad_w", "left padding"), ("input_offset", "-input zero point (int16: 0)"),
           ("output_offset", "output zero point (int16: 0)"),
           ("act_min", "fused activation clamp"), ("act_max", "fused activation clamp"),
           ("mult_off", "CONST offset of i32 multipliers [C_out]"),
           ("shift_off", "CONST offset of i8 shifts [C_out]")),
          lower_transpose_conv,
          "SAME/VALID padding, strides, fused NONE/RELU/RELU6/RELU_N1_TO_1. int16: int64 "
          "accumulators (requantization shift <= 7). Gathers per output element instead of "
          "TFLM's scatter into an output-sized int32/int64 scratch buffer: same sums, no scratch.",
          layouts=(Layout(1, ("stride_h", "stride_w", "pad_h", "pad_w", "input_offset", "output_offset", "act_min", "act_max", "mult_off", "shift_off"), "pyrt_check_transpose_conv", "pyrt_eval_transpose_conv", inputs=(2, 3)),)),
]
