"""Property tests of the core operators (the MLPerf Tiny set) against TFLM, bit for bit."""
from __future__ import annotations

import numpy as np

from opcheck import Case, run_cases
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
    conv_output_size,
)

ACTS = [Activation.NONE, Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1]


def qparams(rng: np.random.Generator) -> tuple[float, int]:
    """A scale spanning several orders of magnitude and a zero point, often at the extremes."""
    scale = float(np.float32(10.0 ** rng.uniform(-3.5, 0.5)))
    zp = int(rng.choice([-128, 127, 0, int(rng.integers(-128, 128))]))
    return scale, zp


def int8(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-128, 128, size=shape, dtype=np.int8)


def weights(rng: np.random.Generator, shape: tuple[int, ...], axis: int, per_channel: bool
            ) -> tuple[np.ndarray, list[float] | float]:
    w = rng.integers(-127, 128, size=shape, dtype=np.int8)
    if per_channel:
        return w, [float(np.float32(10.0 ** rng.uniform(-4, -1))) for _ in range(shape[axis])]
    return w, float(np.float32(10.0 ** rng.uniform(-4, -1)))


def bias(mb: ModelBuilder, rng: np.random.Generator, n: int, in_scale: float,
         w_scale: list[float] | float, optional: bool = True) -> int:
    """int32 bias with scale input_scale * weight_scale, as TFLite requires (or -1)."""
    if optional and rng.random() < 0.2:
        return -1
    scales = np.float32(in_scale) * np.broadcast_to(np.float32(w_scale), (n,))
    return mb.add_tensor("bias", [n], np.int32, data=rng.integers(-20000, 20000, n),
                         scale=[float(v) for v in scales] if n > 1 and np.ndim(w_scale)
                         else float(scales[0]), zero_point=[0] * n if np.ndim(w_scale) else 0)


def conv_case(rng: np.random.Generator, depthwise: bool) -> Case:
    n = int(rng.integers(1, 3))
    h, w = int(rng.integers(1, 12)), int(rng.integers(1, 12))
    cin = int(rng.integers(1, 9))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    dh, dw = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if rng.random() < 0.3 else (1, 1)
    pad = Padding.SAME if rng.random() < 0.5 else Padding.VALID
    oh, ow = (conv_output_size(h, kh, sh, dh, pad), conv_output_size(w, kw, sw, dw, pad))
    if oh < 1 or ow < 1:
        pad, kh, kw, dh, dw = Padding.SAME, 1, 1, 1, 1
        oh, ow = conv_output_size(h, 1, sh, 1, pad), conv_output_size(w, 1, sw, 1, pad)
    act = ACTS[int(rng.integers(0, 4))]
    mb = ModelBuilder()
    xs, xz = qparams(rng)
    ys, yz = qparams(rng)
    x = mb.add_tensor("x", [n, h, w, cin], np.int8, scale=xs, zero_point=xz)
    per_channel = rng.random() < 0.8
    if depthwise:
        mult = int(rng.integers(1, 4))
        cout = cin * mult
        wq, wscale = weights(rng, (1, kh, kw, cout), 3, per_channel)
        wt = mb.add_tensor("w", [1, kh, kw, cout], np.int8, data=wq, scale=wscale,
                           quantized_dimension=3)
        opts = DepthwiseConv2DOptions(pad, sw, sh, mult, act, dw, dh)
        op = BuiltinOp.DEPTHWISE_CONV_2D
    else:
        groups = int(rng.choice([g for g in (1, 2, 3) if cin % g == 0]))
        cout = groups * int(rng.integers(1, 6))
        wq, wscale = weights(rng, (cout, kh, kw, cin // groups), 0, per_channel)
        wt = mb.add_tensor("w", [cout, kh, kw, cin // groups], np.int8, data=wq, scale=wscale)
        opts = Conv2DOptions(pad, sw, sh, act, dw, dh)
        op = BuiltinOp.CONV_2D
    b = bias(mb, rng, cout, xs, wscale, optional=not depthwise)  # TFLM crashes on a bias-less depthwise
    y = mb.add_tensor("y", [n, oh, ow, cout], np.int8, scale=ys, zero_point=yz)
    mb.add_operator(op, [x, wt, b], [y], opts)
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(shape=(n, h, w, cin), k=(kh, kw), s=(sh, sw), d=(dh, dw), pad=pad.name,
               cout=cout, act=act.name, per_channel=per_channel, bias=b >= 0)
    return Case(mb.build(), [int8(rng, (n, h, w, cin))], cfg)


def test_conv_2d() -> None:
    run_cases("CONV_2D", lambda rng: conv_case(rng, depthwise=False))


def test_depthwise_conv_2d() -> None:
    run_cases("DEPTHWISE_CONV_2D", lambda rng: conv_case(rng, depthwise=True))


def fc_case(rng: np.random.Generator) -> Case:
    batches, k, cout = int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 20))
    mb = ModelBuilder()
    xs, xz = qparams(rng)
    ys, yz = qparams(rng)
    x = mb.add_tensor("x", [batches, k], np.int8, scale=xs, zero_point=xz)
    per_channel = rng.random() < 0.5
    wq, wscale = weights(rng, (cout, k), 0, per_channel)
    wt = mb.add_tensor("w", [cout, k], np.int8, data=wq, scale=wscale)
    b = bias(mb, rng, cout, xs, wscale)
    y = mb.add_tensor("y", [batches, cout], np.int8, scale=ys, zero_point=yz)
    act = ACTS[int(rng.integers(0, 4))]
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, wt, b], [y], FullyConnectedOptions(act))
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(batches=batches, k=k, cout=cout, per_channel=per_channel, act=act.name)
    return Case(mb.build(), [int8(rng, (batches, k))], cfg)


def test_fully_connected() -> None:
    run_cases("FULLY_CONNECTED", fc_case)


def pool_case(rng: np.random.Generator, op: BuiltinOp) -> Case:
    n, h, w, c = (int(rng.integers(1, 3)), int(rng.integers(1, 14)), int(rng.integers(1, 14)),
                  int(rng.integers(1, 9)))
    fh, fw = int(rng.integers(1, min(h, 5) + 1)), int(rng.integers(1, min(w, 5) + 1))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    pad = Padding.SAME if rng.random() < 0.5 else Padding.VALID
    oh, ow = conv_output_size(h, fh, sh, 1, pad), conv_output_size(w, fw, sw, 1, pad)
    act = ACTS[int(rng.integers(0, 4))]
    s, z = qparams(rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [n, h, w, c], np.int8, scale=s, zero_point=z)
    y = mb.add_tensor("y", [n, oh, ow, c], np.int8, scale=s, zero_point=z)
    mb.add_operator(op, [x], [y], Pool2DOptions(pad, sw, sh, fw, fh, act))
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(shape=(n, h, w, c), f=(fh, fw), s=(sh, sw), pad=pad.name, act=act.name)
    return Case(mb.build(), [int8(rng, (n, h, w, c))], cfg)


def test_average_pool_2d() -> None:
    run_cases("AVERAGE_POOL_2D", lambda rng: pool_case(rng, BuiltinOp.AVERAGE_POOL_2D))


def test_max_pool_2d() -> None:
    run_cases("MAX_POOL_2D", lambda rng: pool_case(rng, BuiltinOp.MAX_POOL_2D))


def broadcast_shapes(rng: np.random.Generator) -> tuple[list[int], list[int], list[int]]:
    rank = int(rng.integers(1, 6))
    full = [int(rng.integers(1, 6)) for _ in range(rank)]
    a = [d if rng.random() < 0.7 else 1 for d in full]
    b = [d if rng.random() < 0.7 else 1 for d in full]
    if rng.random() < 0.3:
        b = b[int(rng.integers(0, rank)):]  # lower rank, right-aligned
    pb = [1] * (rank - len(b)) + b
    return a, b, [max(x, y) for x, y in zip(a, pb)]


def add_case(rng: np.random.Generator) -> Case:
    a_shape, b_shape, out = broadcast_shapes(rng)
    if rng.random() < 0.4:
        a_shape = b_shape = out
    mb = ModelBuilder()
    (as_, az), (bs, bz), (ys, yz) = qparams(rng), qparams(rng), qparams(rng)
    a = mb.add_tensor("a", a_shape, np.int8, scale=as_, zero_point=az)
    b = mb.add_tensor("b", b_shape, np.int8, scale=bs, zero_point=bz)
    y = mb.add_tensor("y", out, np.int8, scale=ys, zero_point=yz)
    act = ACTS[int(rng.integers(0, 4))]
    mb.add_operator(BuiltinOp.ADD, [a, b], [y], AddOptions(act))
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    cfg = dict(a=a_shape, b=b_shape, out=out, act=act.name)
    return Case(mb.build(), [int8(rng, tuple(a_shape)), int8(rng, tuple(b_shape))], cfg)


def test_add() -> None:
    run_cases("ADD", add_case)


def softmax_case(rng: np.random.Generator) -> Case:
    shape = [int(rng.integers(1, 4)), int(rng.integers(1, 40))]
    if rng.random() < 0.3:
        shape = [1, int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 20))]
    s, z = qparams(rng)
    beta = float(rng.choice([1.0, 0.5, 2.0, float(rng.uniform(0.1, 3))]))
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, np.int8, scale=s, zero_point=z)
    y = mb.add_tensor("y", shape, np.int8, scale=1.0 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(beta))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return Case(mb.build(), [int8(rng, tuple(shape))], dict(shape=shape, scale=s, beta=beta))


def test_softmax() -> None:
    run_cases("SOFTMAX", softmax_case)


def reshape_case(rng: np.random.Generator) -> Case:
    """x -> AVERAGE_POOL_2D (1x1) -> RESHAPE -> FULLY_CONNECTED: the reshape is aliased."""
    h, w, c = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    s, z = qparams(rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, h, w, c], np.int8, scale=s, zero_point=z)
    p = mb.add_tensor("p", [1, h, w, c], np.int8, scale=s, zero_point=z)
    r = mb.add_tensor("r", [1, h * w * c], np.int8, scale=s, zero_point=z)
    mb.add_operator(BuiltinOp.AVERAGE_POOL_2D, [x], [p], Pool2DOptions(Padding.VALID, 1, 1, 1, 1))
    shape_t = mb.add_tensor("shape", [2], np.int32, data=np.array([1, h * w * c]))
    mb.add_operator(BuiltinOp.RESHAPE, [p, shape_t], [r], ReshapeOptions((1, h * w * c)))
    outputs = [r]
    if rng.random() < 0.5:
        wq, ws = weights(rng, (3, h * w * c), 0, False)
        wt = mb.add_tensor("w", [3, h * w * c], np.int8, data=wq, scale=ws)
        y = mb.add_tensor("y", [1, 3], np.int8, scale=0.05, zero_point=0)
        mb.add_operator(BuiltinOp.FULLY_CONNECTED, [r, wt, -1], [y], FullyConnectedOptions())
        outputs = [y] if rng.random() < 0.5 else [r, y]
    mb.set_inputs([x])
    mb.set_outputs(outputs)
    return Case(mb.build(), [int8(rng, (1, h, w, c))], dict(shape=(h, w, c), outputs=len(outputs)))


def test_reshape() -> None:
    run_cases("RESHAPE", reshape_case)
