"""Rebuild a real int8 model with float32 interfaces: QUANTIZE in front, DEQUANTIZE behind.

This is how TFLite's converter emits a model whose float inputs/outputs were kept (the
`inference_input_type=float32` default): the int8 graph is unchanged, with QUANTIZE and
DEQUANTIZE operators at its ends. Used to test float interfaces on real weights.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from pyruntime.ir import Graph, Op
from pyruntime.tflite_builder import (
    Activation,
    AddOptions,
    BuiltinOp,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    FullyConnectedOptions,
    ModelBuilder,
    Padding,
    Pool2DOptions,
    ReshapeOptions,
    SoftmaxOptions,
)
from pyruntime.tflite_reader import read_tflite


def _options(op: Op) -> Any:
    o = op.options
    act = Activation[o.get("fused_activation_function", "NONE")]
    pad = Padding[o["padding"]] if "padding" in o else Padding.SAME
    if op.name == "CONV_2D":
        return Conv2DOptions(pad, o["stride_w"], o["stride_h"], act, o.get("dilation_wfactor", 1),
                             o.get("dilation_hfactor", 1))
    if op.name == "DEPTHWISE_CONV_2D":
        return DepthwiseConv2DOptions(pad, o["stride_w"], o["stride_h"], o["depth_multiplier"],
                                      act, o.get("dilation_wfactor", 1),
                                      o.get("dilation_hfactor", 1))
    if op.name in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return Pool2DOptions(pad, o["stride_w"], o["stride_h"], o["filter_width"],
                             o["filter_height"], act)
    if op.name == "FULLY_CONNECTED":
        return FullyConnectedOptions(act, bool(o.get("keep_num_dims", False)))
    if op.name == "SOFTMAX":
        return SoftmaxOptions(float(o.get("beta", 1.0)))
    if op.name == "RESHAPE":
        return ReshapeOptions(tuple(o.get("new_shape", ())))
    if op.name == "ADD":
        return AddOptions(act)
    raise ValueError(f"float_wrap: no option mapping for {op.name}")


def _add_tensor(mb: ModelBuilder, g: Graph, i: int) -> int:
    t = g.tensors[i]
    scale: Any = None
    zp: Any = None
    if t.quantized:
        scale = [float(s) for s in t.scales] if t.per_channel else float(t.scales[0])
        zp = [int(z) for z in t.zero_points] if t.per_channel else int(t.zero_points[0])
    return mb.add_tensor(t.name, t.shape, np.dtype(t.dtype), data=t.data, scale=scale,
                         zero_point=zp, quantized_dimension=t.quantized_dimension)


def wrap_float_io(model: bytes) -> bytes:
    """The same model with float32 inputs and outputs (QUANTIZE/DEQUANTIZE at the ends)."""
    g = read_tflite(model)
    mb = ModelBuilder(description="float-interface wrapper of an int8 model")
    idx = {i: _add_tensor(mb, g, i) for i in range(len(g.tensors))}
    float_in = [mb.add_tensor(f"{g.tensors[i].name}_float", g.tensors[i].shape, np.float32)
                for i in g.inputs]
    float_out = [mb.add_tensor(f"{g.tensors[i].name}_float", g.tensors[i].shape, np.float32)
                 for i in g.outputs]
    for f, i in zip(float_in, g.inputs):
        mb.add_operator(BuiltinOp.QUANTIZE, [f], [idx[i]])
    for op in g.ops:
        mb.add_operator(op.code, [idx[i] if i >= 0 else -1 for i in op.inputs],
                        [idx[i] for i in op.outputs], _options(op), version=op.version)
    for f, i in zip(float_out, g.outputs):
        mb.add_operator(BuiltinOp.DEQUANTIZE, [idx[i]], [f])
    mb.set_inputs(float_in)
    mb.set_outputs(float_out)
    return mb.build()
