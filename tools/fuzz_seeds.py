"""Seed models for the Python fuzz targets and tools/mutate_campaign.py.

Small, valid int8 models written with pyruntime.tflite_builder (each a few hundred bytes to a few
KB, so mutants convert in milliseconds), the bundled demo model and the smaller MLPerf Tiny
models from ../shared when present. Deterministic: the same bytes on every run.

    python tools/fuzz_seeds.py OUT_DIR      # writes OUT_DIR/tflite/*.tflite and OUT_DIR/blob/*.blob
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pyruntime.tflite_builder import (
    Activation,
    AddOptions,
    BuiltinOp,
    ConcatenationOptions,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    FullyConnectedOptions,
    ModelBuilder,
    MulOptions,
    Padding,
    Pool2DOptions,
    ReducerOptions,
    ReshapeOptions,
    SoftmaxOptions,
    SubOptions,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS = ROOT.parent / "shared" / "models" / "mlperf_tiny"
SMALL_MLPERF = ("kws_ds_cnn", "sww_ref_model")  # 54 KB and 75 KB; the others are 98-333 KB


def _rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def conv_chain() -> bytes:
    """CONV_2D (per-channel, RELU) -> DEPTHWISE_CONV_2D -> AVERAGE_POOL_2D -> RESHAPE ->
    FULLY_CONNECTED -> SOFTMAX: a miniature KWS network."""
    r = _rng()
    mb = ModelBuilder()
    x = mb.add_tensor("input", [1, 6, 6, 2], "int8", scale=0.05, zero_point=-3)
    w1 = mb.add_tensor("conv/w", [4, 3, 3, 2], "int8", data=r.integers(-127, 128, (4, 3, 3, 2)),
                       scale=[0.01, 0.02, 0.015, 0.03], zero_point=[0] * 4)
    b1 = mb.add_tensor("conv/b", [4], "int32", data=r.integers(-500, 500, 4),
                       scale=[0.0005, 0.001, 0.00075, 0.0015], zero_point=[0] * 4)
    y1 = mb.add_tensor("conv/y", [1, 6, 6, 4], "int8", scale=0.04, zero_point=-128)
    mb.add_operator(BuiltinOp.CONV_2D, [x, w1, b1], [y1],
                    Conv2DOptions(padding=Padding.SAME, activation=Activation.RELU))
    w2 = mb.add_tensor("dw/w", [1, 3, 3, 4], "int8", data=r.integers(-127, 128, (1, 3, 3, 4)),
                       scale=[0.02] * 4, zero_point=[0] * 4, quantized_dimension=3)
    b2 = mb.add_tensor("dw/b", [4], "int32", data=r.integers(-300, 300, 4),
                       scale=[0.0008] * 4, zero_point=[0] * 4)
    y2 = mb.add_tensor("dw/y", [1, 2, 2, 4], "int8", scale=0.06, zero_point=5)
    mb.add_operator(BuiltinOp.DEPTHWISE_CONV_2D, [y1, w2, b2], [y2],
                    DepthwiseConv2DOptions(padding=Padding.VALID, stride_w=2, stride_h=2,
                                           activation=Activation.RELU6))
    y3 = mb.add_tensor("pool/y", [1, 1, 1, 4], "int8", scale=0.06, zero_point=5)
    mb.add_operator(BuiltinOp.AVERAGE_POOL_2D, [y2], [y3],
                    Pool2DOptions(padding=Padding.VALID, filter_w=2, filter_h=2, stride_w=2,
                                  stride_h=2))
    shape = mb.add_tensor("flat/shape", [2], "int32", data=[1, 4])
    y4 = mb.add_tensor("flat/y", [1, 4], "int8", scale=0.06, zero_point=5)
    mb.add_operator(BuiltinOp.RESHAPE, [y3, shape], [y4], ReshapeOptions(new_shape=(1, 4)))
    w5 = mb.add_tensor("fc/w", [3, 4], "int8", data=r.integers(-127, 128, (3, 4)), scale=0.02)
    b5 = mb.add_tensor("fc/b", [3], "int32", data=r.integers(-100, 100, 3), scale=0.0012)
    y5 = mb.add_tensor("fc/y", [1, 3], "int8", scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [y4, w5, b5], [y5], FullyConnectedOptions())
    y6 = mb.add_tensor("softmax", [1, 3], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [y5], [y6], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x])
    mb.set_outputs([y6])
    return mb.build()


def elementwise() -> bytes:
    """Two inputs: ADD (broadcast), MUL, SUB, MAXIMUM, LOGISTIC; two outputs."""
    mb = ModelBuilder()
    a = mb.add_tensor("a", [1, 4, 3], "int8", scale=0.05, zero_point=2)
    b = mb.add_tensor("b", [1, 1, 3], "int8", scale=0.03, zero_point=-7)
    s = mb.add_tensor("sum", [1, 4, 3], "int8", scale=0.08, zero_point=-1)
    mb.add_operator(BuiltinOp.ADD, [a, b], [s], AddOptions(activation=Activation.RELU))
    p = mb.add_tensor("prod", [1, 4, 3], "int8", scale=0.01, zero_point=0)
    mb.add_operator(BuiltinOp.MUL, [s, a], [p], MulOptions())
    d = mb.add_tensor("diff", [1, 4, 3], "int8", scale=0.09, zero_point=3)
    mb.add_operator(BuiltinOp.SUB, [a, s], [d], SubOptions())
    m = mb.add_tensor("max", [1, 4, 3], "int8", scale=0.09, zero_point=3)
    mb.add_operator(BuiltinOp.MAXIMUM, [d, d], [m])
    g = mb.add_tensor("sigmoid", [1, 4, 3], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.LOGISTIC, [m], [g])
    mb.set_inputs([a, b])
    mb.set_outputs([g, p])
    return mb.build()


def layout() -> bytes:
    """PAD -> CONCATENATION -> TRANSPOSE -> MAX_POOL_2D -> MEAN."""
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 3, 3, 2], "int8", scale=0.1, zero_point=-4)
    pads = mb.add_tensor("pads", [4, 2], "int32", data=[[0, 0], [1, 1], [1, 1], [0, 0]])
    xp = mb.add_tensor("padded", [1, 5, 5, 2], "int8", scale=0.1, zero_point=-4)
    mb.add_operator(BuiltinOp.PAD, [x, pads], [xp])
    c = mb.add_tensor("concat", [1, 5, 5, 4], "int8", scale=0.1, zero_point=-4)
    mb.add_operator(BuiltinOp.CONCATENATION, [xp, xp], [c], ConcatenationOptions(axis=3))
    perm = mb.add_tensor("perm", [4], "int32", data=[0, 2, 1, 3])
    t = mb.add_tensor("transposed", [1, 5, 5, 4], "int8", scale=0.1, zero_point=-4)
    mb.add_operator(BuiltinOp.TRANSPOSE, [c, perm], [t])
    mp = mb.add_tensor("maxpool", [1, 2, 2, 4], "int8", scale=0.1, zero_point=-4)
    mb.add_operator(BuiltinOp.MAX_POOL_2D, [t], [mp],
                    Pool2DOptions(padding=Padding.VALID, filter_w=2, filter_h=2, stride_w=2,
                                  stride_h=2))
    axes = mb.add_tensor("axes", [2], "int32", data=[1, 2])
    y = mb.add_tensor("mean", [1, 1, 1, 4], "int8", scale=0.05, zero_point=1)

    mb.add_operator(BuiltinOp.MEAN, [mp, axes], [y], ReducerOptions(keep_dims=True))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def float_interface() -> bytes:
    """QUANTIZE float32 -> int8, FULLY_CONNECTED (per-channel), DEQUANTIZE -> float32."""
    r = _rng()
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 5], "float32")
    q = mb.add_tensor("xq", [1, 5], "int8", scale=0.02, zero_point=10)
    mb.add_operator(BuiltinOp.QUANTIZE, [x], [q])
    w = mb.add_tensor("w", [2, 5], "int8", data=r.integers(-127, 128, (2, 5)),
                      scale=[0.01, 0.03], zero_point=[0, 0])
    y = mb.add_tensor("yq", [1, 2], "int8", scale=0.07, zero_point=-20)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [q, w, -1], [y],
                    FullyConnectedOptions(activation=Activation.RELU))
    yf = mb.add_tensor("y", [1, 2], "float32")
    mb.add_operator(BuiltinOp.DEQUANTIZE, [y], [yf])
    mb.set_inputs([x])
    mb.set_outputs([yf])
    return mb.build()


def int16_layers() -> bytes:
    """int16 activations: FULLY_CONNECTED with an int64 bias, then TANH."""
    r = _rng()
    mb = ModelBuilder()
    x = mb.add_tensor("x", [2, 4], "int16", scale=0.001, zero_point=0)
    w = mb.add_tensor("w", [3, 4], "int8", data=r.integers(-127, 128, (3, 4)), scale=0.01)
    b = mb.add_tensor("b", [3], "int64", data=r.integers(-1000, 1000, 3), scale=0.00001)
    y = mb.add_tensor("y", [2, 3], "int16", scale=0.002, zero_point=0)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, w, b], [y], FullyConnectedOptions())
    t = mb.add_tensor("tanh", [2, 3], "int16", scale=1 / 32768, zero_point=0)
    mb.add_operator(BuiltinOp.TANH, [y], [t])
    mb.set_inputs([x])
    mb.set_outputs([t])
    return mb.build()


BUILDERS: dict[str, Callable[[], bytes]] = {
    "conv_chain": conv_chain,
    "elementwise": elementwise,
    "layout": layout,
    "float_interface": float_interface,
    "int16_layers": int16_layers,
}


def seed_models(include_mlperf: bool = True) -> dict[str, bytes]:
    """name -> .tflite bytes of every seed model that converts (builder, demo, small MLPerf)."""
    from pyruntime.convert import convert
    from pyruntime.errors import ConversionError

    out: dict[str, bytes] = {}
    for name, build in BUILDERS.items():
        out[name] = build()
    demo = ROOT / "examples" / "digits_int8.tflite"
    if demo.is_file():
        out["digits_int8"] = demo.read_bytes()
    if include_mlperf:
        for name in SMALL_MLPERF:
            path = SHARED_MODELS / f"{name}.tflite"
            if path.is_file():
                out[name] = path.read_bytes()
    good = {}
    for name, data in out.items():
        try:
            convert(data)
        except ConversionError as exc:  # a seed that does not convert is a broken seed
            raise RuntimeError(f"seed model {name} does not convert: {exc}") from exc
        good[name] = data
    return good


def seed_blobs(include_mlperf: bool = True) -> dict[str, bytes]:
    """name -> blob bytes converted from every seed model (with and without tensor names)."""
    from pyruntime.convert import convert

    out = {}
    for name, data in seed_models(include_mlperf).items():
        out[name] = convert(data).blob
        if name in BUILDERS:
            out[f"{name}_names"] = convert(data, keep_names=True).blob
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    (out / "tflite").mkdir(parents=True, exist_ok=True)
    (out / "blob").mkdir(parents=True, exist_ok=True)
    for name, data in seed_models().items():
        (out / "tflite" / f"{name}.tflite").write_bytes(data)
    for name, data in seed_blobs().items():
        (out / "blob" / f"{name}.blob").write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
