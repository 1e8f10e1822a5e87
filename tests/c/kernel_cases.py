"""Small single-feature int8 models (dilation, groups, depth multiplier, SAME pooling windows,
broadcast ADD, per-channel FC without bias, batches, unsaturated softmax), built with
pyruntime.tflite_builder and compared bit for bit against TFLM via compare_tflm.py.

    python3 tests/c/kernel_cases.py [--runs N]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, ROOT)

from pyruntime.tflite_builder import (  # noqa: E402
    Activation, BuiltinOp, Conv2DOptions, DepthwiseConv2DOptions, FullyConnectedOptions,
    ModelBuilder, Padding, Pool2DOptions, SoftmaxOptions)
from pyruntime.tflite_builder import AddOptions  # noqa: E402

rng = np.random.default_rng(7)


def w8(shape):
    return rng.integers(-127, 128, size=shape, dtype=np.int8)


def conv(name, in_shape, cout, k, stride, dil, pad, groups=1, act=Activation.NONE):
    mb = ModelBuilder()
    cin = in_shape[3]
    x = mb.add_tensor("x", in_shape, "int8", scale=0.05, zero_point=-3)
    ws = rng.uniform(0.002, 0.02, size=cout)
    w = mb.add_tensor("w", [cout, k, k, cin // groups], "int8", data=w8([cout, k, k, cin // groups]),
                      scale=ws, zero_point=[0] * cout, quantized_dimension=0)
    b = mb.add_tensor("b", [cout], "int32", data=rng.integers(-3000, 3000, size=cout),
                      scale=0.05 * ws, zero_point=[0] * cout)
    h = in_shape[1]
    eff = (k - 1) * dil + 1
    oh = -(-h // stride) if pad == Padding.SAME else (h - eff) // stride + 1
    y = mb.add_tensor("y", [in_shape[0], oh, oh, cout], "int8", scale=0.1, zero_point=5)
    mb.add_operator(BuiltinOp.CONV_2D, [x, w, b], [y],
                    Conv2DOptions(pad, stride, stride, act, dil, dil))
    mb.set_inputs([x]); mb.set_outputs([y])
    return name, mb.build()


def dwconv(name, in_shape, dm, k, stride, dil, pad, act=Activation.NONE):
    mb = ModelBuilder()
    cin = in_shape[3]
    cout = cin * dm
    x = mb.add_tensor("x", in_shape, "int8", scale=0.05, zero_point=7)
    ws = rng.uniform(0.002, 0.02, size=cout)
    w = mb.add_tensor("w", [1, k, k, cout], "int8", data=w8([1, k, k, cout]),
                      scale=ws, zero_point=[0] * cout, quantized_dimension=3)
    b = mb.add_tensor("b", [cout], "int32", data=rng.integers(-3000, 3000, size=cout),
                      scale=0.05 * ws, zero_point=[0] * cout)
    h = in_shape[1]
    eff = (k - 1) * dil + 1
    oh = -(-h // stride) if pad == Padding.SAME else (h - eff) // stride + 1
    y = mb.add_tensor("y", [in_shape[0], oh, oh, cout], "int8", scale=0.08, zero_point=-4)
    mb.add_operator(BuiltinOp.DEPTHWISE_CONV_2D, [x, w, b], [y],
                    DepthwiseConv2DOptions(pad, stride, stride, dm, act, dil, dil))
    mb.set_inputs([x]); mb.set_outputs([y])
    return name, mb.build()


def pool(name, op, in_shape, k, stride, pad, act=Activation.NONE):
    mb = ModelBuilder()
    x = mb.add_tensor("x", in_shape, "int8", scale=0.05, zero_point=-1)
    h = in_shape[1]
    oh = -(-h // stride) if pad == Padding.SAME else (h - k) // stride + 1
    y = mb.add_tensor("y", [in_shape[0], oh, oh, in_shape[3]], "int8", scale=0.05, zero_point=-1)
    mb.add_operator(op, [x], [y], Pool2DOptions(pad, stride, stride, k, k, act))
    mb.set_inputs([x]); mb.set_outputs([y])
    return name, mb.build()


def add(name, a_shape, b_shape, y_shape, act=Activation.NONE):
    mb = ModelBuilder()
    a = mb.add_tensor("a", a_shape, "int8", scale=0.07, zero_point=3)
    b = mb.add_tensor("b", b_shape, "int8", data=w8(b_shape), scale=0.11, zero_point=-9)
    y = mb.add_tensor("y", y_shape, "int8", scale=0.15, zero_point=2)
    mb.add_operator(BuiltinOp.ADD, [a, b], [y], AddOptions(act))
    mb.set_inputs([a]); mb.set_outputs([y])
    return name, mb.build()


def fc(name, batch, k, cout, per_channel, bias):
    mb = ModelBuilder()
    x = mb.add_tensor("x", [batch, k], "int8", scale=0.04, zero_point=11)
    if per_channel:
        ws = rng.uniform(0.002, 0.02, size=cout)
        w = mb.add_tensor("w", [cout, k], "int8", data=w8([cout, k]), scale=ws,
                          zero_point=[0] * cout, quantized_dimension=0)
        bscale, bzp = 0.04 * ws, [0] * cout
    else:
        w = mb.add_tensor("w", [cout, k], "int8", data=w8([cout, k]), scale=0.01, zero_point=0)
        bscale, bzp = 0.04 * 0.01, 0
    ins = [x, w]
    if bias:
        ins.append(mb.add_tensor("b", [cout], "int32", data=rng.integers(-3000, 3000, size=cout),
                                 scale=bscale, zero_point=bzp))
    else:
        ins.append(-1)
    y = mb.add_tensor("y", [batch, cout], "int8", scale=0.2, zero_point=-6)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, ins, [y], FullyConnectedOptions(Activation.RELU))
    mb.set_inputs([x]); mb.set_outputs([y])
    return name, mb.build()


def softmax(name, shape, in_scale, beta=1.0):
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, "int8", scale=in_scale, zero_point=4)
    y = mb.add_tensor("y", shape, "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(beta))
    mb.set_inputs([x]); mb.set_outputs([y])
    return name, mb.build()


def cases():
    S, V = Padding.SAME, Padding.VALID
    yield conv("conv_dil2_same_relu6", [1, 9, 9, 4], 6, 3, 1, 2, S, act=Activation.RELU6)
    yield conv("conv_s2_valid", [2, 8, 8, 3], 5, 3, 2, 1, V)
    yield conv("conv_groups2", [1, 6, 6, 4], 6, 3, 1, 1, S, groups=2)
    yield conv("conv_1x1", [1, 5, 5, 8], 4, 1, 1, 1, V, act=Activation.RELU)
    yield dwconv("dw_dm3_s2_same", [1, 7, 7, 2], 3, 3, 2, 1, S)
    yield dwconv("dw_dil2", [1, 9, 9, 3], 1, 3, 1, 2, S, act=Activation.RELU)
    yield pool("maxpool_3x3_s2_same", BuiltinOp.MAX_POOL_2D, [1, 8, 8, 3], 3, 2, S, Activation.RELU)
    yield pool("avgpool_3x3_s2_same", BuiltinOp.AVERAGE_POOL_2D, [1, 8, 8, 3], 3, 2, S)
    yield pool("avgpool_2x2_valid", BuiltinOp.AVERAGE_POOL_2D, [1, 6, 6, 4], 2, 2, V)
    yield add("add_same", [1, 4, 4, 8], [1, 4, 4, 8], [1, 4, 4, 8])
    yield add("add_bcast_c", [1, 4, 4, 8], [1, 1, 1, 8], [1, 4, 4, 8], Activation.RELU)
    yield add("add_bcast_2way", [1, 4, 1, 8], [1, 1, 5, 1], [1, 4, 5, 8])
    yield add("add_bcast_rank", [2, 3, 4], [4], [2, 3, 4])
    yield fc("fc_perchannel_nobias_b3", 3, 16, 10, True, False)
    yield fc("fc_pertensor_bias", 1, 32, 7, False, True)
    yield softmax("softmax_wide", [2, 10], 0.1)
    yield softmax("softmax_fine", [1, 3, 33], 0.02)
    yield softmax("softmax_beta", [4, 6], 0.25, beta=0.5)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in cases():
            p = os.path.join(tmp, name + ".tflite")
            with open(p, "wb") as f:
                f.write(data)
            paths.append(p)
        return subprocess.call([sys.executable, os.path.join(HERE, "compare_tflm.py"),
                                "--runs", str(a.runs), *paths])


if __name__ == "__main__":
    sys.exit(main())
