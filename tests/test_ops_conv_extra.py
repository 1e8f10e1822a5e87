"""Property tests against TFLM, bit for bit: int16-activation CONV_2D / DEPTHWISE_CONV_2D /
FULLY_CONNECTED (int8 weights, int32 or int64 accumulators), TRANSPOSE_CONV (int8, int16) and
BATCH_MATMUL (int8), plus refusals of what TFLM does not compute (or computes as garbage)."""
from __future__ import annotations

import numpy as np

from opcheck import Case, run_cases
from pyruntime.tflite_builder import (
    Activation,
    BatchMatMulOptions,
    BuiltinOp,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    FullyConnectedOptions,
    ModelBuilder,
    Padding,
    TransposeConvOptions,
    conv_output_size,
)

ACTS = [Activation.NONE, Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1]
INT32, INT64 = 2, 4  # tflite.TensorType, for quantized_bias_type
CASES_SMALL = 200


def f32(v: float) -> float:
    return float(np.float32(v))


def ints(rng: np.random.Generator, dtype: type, shape: tuple[int, ...]) -> np.ndarray:
    info = np.iinfo(dtype)
    return rng.integers(info.min, int(info.max) + 1, size=shape, dtype=dtype)


def weight_scales(rng: np.random.Generator, n: int, per_channel: bool) -> list[float] | float:
    if per_channel:
        return [f32(10.0 ** rng.uniform(-4, -1)) for _ in range(n)]
    return f32(10.0 ** rng.uniform(-4, -1))


def int16_scales(rng: np.random.Generator, wscale: list[float] | float, depth: int
                 ) -> tuple[float, float]:
    """Input and output scales giving outputs spread over int16 (and some saturation)."""
    xs = f32(10.0 ** rng.uniform(-4, -1))
    ws = float(np.mean(wscale))
    typical = 70.0 * 20000.0 * np.sqrt(depth)  # |acc| of random int8 x int16 dot products
    ys = f32(xs * ws * typical / 10.0 ** rng.uniform(2.0, 5.0))
    return xs, ys


def add_bias(mb: ModelBuilder, rng: np.random.Generator, n: int, dtype: type, xs: float,
             wscale: list[float] | float) -> int:
    scales = np.float32(xs) * np.broadcast_to(np.float32(wscale), (n,))
    bound = 2 ** 22  # about the accumulators' size; now and then far beyond int32
    if dtype == np.int64 and rng.random() < 0.1:
        bound = 2 ** 40
    data = rng.integers(-bound, bound, n)
    if np.ndim(wscale):
        return mb.add_tensor("bias", [n], dtype, data=data, scale=[float(v) for v in scales],
                             zero_point=[0] * n)
    return mb.add_tensor("bias", [n], dtype, data=data, scale=float(scales[0]), zero_point=0)


def pick_bias(rng: np.random.Generator, depthwise: bool) -> tuple[type | None, int]:
    """(bias dtype or None, quantized_bias_type for a missing bias)."""
    if depthwise:  # TFLM's int16 depthwise reads an int64 bias; a missing bias crashes it
        return np.int64, 0
    r = rng.random()
    if r < 0.4:
        return np.int64, 0
    if r < 0.7:
        return np.int32, 0
    return None, int(rng.choice([0, INT32, INT64]))


# ---- int16 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED -----------------------------------

def conv16_case(rng: np.random.Generator, depthwise: bool) -> Case:
    n = int(rng.integers(1, 3))
    h, w = int(rng.integers(1, 10)), int(rng.integers(1, 10))
    cin = int(rng.integers(1, 7))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    dh, dw = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if rng.random() < 0.3 else (1, 1)
    pad = Padding.SAME if rng.random() < 0.5 else Padding.VALID
    oh, ow = conv_output_size(h, kh, sh, dh, pad), conv_output_size(w, kw, sw, dw, pad)
    if oh < 1 or ow < 1:
        pad, kh, kw, dh, dw = Padding.SAME, 1, 1, 1, 1
        oh, ow = conv_output_size(h, 1, sh, 1, pad), conv_output_size(w, 1, sw, 1, pad)
    act = ACTS[int(rng.integers(0, 4))]
    per_channel = rng.random() < 0.8
    bias_type, qbt = pick_bias(rng, depthwise)
    mb = ModelBuilder()
    if depthwise:
        mult = int(rng.integers(1, 4))
        cout = cin * mult
        wshape: tuple[int, ...] = (1, kh, kw, cout)
        wscale = weight_scales(rng, cout, per_channel)
        depth = kh * kw
    else:
        groups = int(rng.choice([g for g in (1, 2, 3) if cin % g == 0]))
        cout = groups * int(rng.integers(1, 5))
        wshape = (cout, kh, kw, cin // groups)
        wscale = weight_scales(rng, cout, per_channel)
        depth = kh * kw * cin // groups
    xs, ys = int16_scales(rng, wscale, depth)
    refuse = None
    xz = yz = 0
    if rng.random() < 0.05:
        xz, refuse = int(rng.integers(1, 100)), "zero points must be 0"
    x = mb.add_tensor("x", [n, h, w, cin], np.int16, scale=xs, zero_point=xz)
    wt = mb.add_tensor("w", list(wshape), np.int8, data=ints(rng, np.int8, wshape).clip(-127),
                       scale=wscale, quantized_dimension=3 if depthwise else 0)
    if depthwise and refuse is None and rng.random() < 0.05:  # one defect per refusal case
        bias_type, refuse = np.int32, "supported: int64"
    b = add_bias(mb, rng, cout, bias_type, xs, wscale) if bias_type is not None else -1
    y = mb.add_tensor("y", [n, oh, ow, cout], np.int16, scale=ys, zero_point=yz)
    if depthwise:
        opts: object = DepthwiseConv2DOptions(pad, sw, sh, cout // cin, act, dw, dh)
        op = BuiltinOp.DEPTHWISE_CONV_2D
    else:
        opts = Conv2DOptions(pad, sw, sh, act, dw, dh, quantized_bias_type=qbt)
        op = BuiltinOp.CONV_2D
    mb.add_operator(op, [x, wt, b] if b >= 0 else [x, wt], [y], opts)  # type: ignore[arg-type]
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(shape=(n, h, w, cin), k=(kh, kw), s=(sh, sw), d=(dh, dw), pad=pad.name,
               cout=cout, act=act.name, per_channel=per_channel,
               bias=bias_type.__name__ if bias_type else f"none(qbt={qbt})")
    return Case(mb.build(), [ints(rng, np.int16, (n, h, w, cin))], cfg, expect_refusal=refuse)


def test_conv_2d_int16() -> None:
    run_cases("CONV_2D_INT16", lambda rng: conv16_case(rng, depthwise=False))


def test_depthwise_conv_2d_int16() -> None:
    run_cases("DEPTHWISE_CONV_2D_INT16", lambda rng: conv16_case(rng, depthwise=True))


def fc16_case(rng: np.random.Generator) -> Case:
    batches, k, cout = int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 16))
    per_channel = rng.random() < 0.5
    bias_type, qbt = pick_bias(rng, False)
    wscale = weight_scales(rng, cout, per_channel)
    xs, ys = int16_scales(rng, wscale, k)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [batches, k], np.int16, scale=xs, zero_point=0)
    wt = mb.add_tensor("w", [cout, k], np.int8, data=ints(rng, np.int8, (cout, k)).clip(-127),
                       scale=wscale)
    b = add_bias(mb, rng, cout, bias_type, xs, wscale) if bias_type is not None else -1
    refuse = None
    yz = 0
    if rng.random() < 0.05:
        yz, refuse = -int(rng.integers(1, 100)), "zero points must be 0"
    y = mb.add_tensor("y", [batches, cout], np.int16, scale=ys, zero_point=yz)
    act = ACTS[int(rng.integers(0, 4))]
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, wt, b] if b >= 0 else [x, wt], [y],
                    FullyConnectedOptions(act, quantized_bias_type=qbt))
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(batches=batches, k=k, cout=cout, per_channel=per_channel, act=act.name,
               bias=bias_type.__name__ if bias_type else f"none(qbt={qbt})")
    return Case(mb.build(), [ints(rng, np.int16, (batches, k))], cfg, expect_refusal=refuse)


def test_fully_connected_int16() -> None:
    run_cases("FULLY_CONNECTED_INT16", fc16_case)


# ---- TRANSPOSE_CONV -------------------------------------------------------------------------

def transpose_conv_case(rng: np.random.Generator) -> Case:
    int16 = rng.random() < 0.35
    dtype = np.int16 if int16 else np.int8
    n = int(rng.integers(1, 3))
    h, w = int(rng.integers(1, 7)), int(rng.integers(1, 7))
    cin, cout = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    pad = Padding.SAME if rng.random() < 0.5 else Padding.VALID
    if pad == Padding.SAME:
        oh, ow = h * sh, w * sw
    else:
        oh, ow = (h - 1) * sh + kh, (w - 1) * sw + kw
    if rng.random() < 0.2:  # TFLM takes the output size as given (padding derives from it)
        oh, ow = max(1, oh + int(rng.integers(-2, 3))), max(1, ow + int(rng.integers(-2, 3)))
    act = ACTS[int(rng.integers(0, 4))]
    per_channel = rng.random() < 0.8
    wscale = weight_scales(rng, cout, per_channel)
    mb = ModelBuilder()
    if int16:
        xs, ys = int16_scales(rng, wscale, kh * kw * cin)
        xz = yz = 0
    else:
        xs, xz = f32(10.0 ** rng.uniform(-3.5, 0.5)), int(rng.integers(-128, 128))
        typical = 7000.0 * np.sqrt(kh * kw * cin)
        ys = f32(xs * float(np.mean(wscale)) * typical / 10.0 ** rng.uniform(0.5, 2.5))
        yz = int(rng.integers(-128, 128))
    shape = mb.add_tensor("output_shape", [4], np.int32, data=[n, oh, ow, cout])
    wt = mb.add_tensor("w", [cout, kh, kw, cin], np.int8,
                       data=ints(rng, np.int8, (cout, kh, kw, cin)).clip(-127), scale=wscale)
    x = mb.add_tensor("x", [n, h, w, cin], dtype, scale=xs, zero_point=xz)
    has_bias = rng.random() < 0.7
    inputs = [shape, wt, x]
    if has_bias:
        inputs.append(add_bias(mb, rng, cout, np.int64 if int16 else np.int32, xs, wscale))
    y = mb.add_tensor("y", [n, oh, ow, cout], dtype, scale=ys, zero_point=yz)
    mb.add_operator(BuiltinOp.TRANSPOSE_CONV, inputs, [y], TransposeConvOptions(pad, sw, sh, act))
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(dtype=np.dtype(dtype).name, shape=(n, h, w, cin), out=(oh, ow), k=(kh, kw),
               s=(sh, sw), pad=pad.name, cout=cout, act=act.name, per_channel=per_channel,
               bias=has_bias)
    return Case(mb.build(), [ints(rng, dtype, (n, h, w, cin))], cfg)


def test_transpose_conv() -> None:
    run_cases("TRANSPOSE_CONV", transpose_conv_case)


def test_transpose_conv_refusals() -> None:
    def case(rng: np.random.Generator) -> Case:
        mb = ModelBuilder()
        shape = mb.add_tensor("output_shape", [4], np.int32, data=[1, 4, 4, 2])
        wt = mb.add_tensor("w", [2, 3, 3, 2], np.int8, data=np.ones((2, 3, 3, 2)), scale=0.01)
        x = mb.add_tensor("x", [1, 2, 2, 2], np.int16, scale=0.01)
        b = mb.add_tensor("b", [2], np.int32, data=[1, 2], scale=1e-4)
        y = mb.add_tensor("y", [1, 4, 4, 2], np.int16, scale=0.05)
        mb.add_operator(BuiltinOp.TRANSPOSE_CONV, [shape, wt, x, b], [y],
                        TransposeConvOptions(Padding.SAME, 2, 2))
        mb.set_inputs([x])
        mb.set_outputs([y])
        return Case(mb.build(), [np.zeros((1, 2, 2, 2), np.int16)],
                    expect_refusal="has type int32; supported: int64")
    run_cases("TRANSPOSE_CONV_REFUSE", case, count=1)


# ---- BATCH_MATMUL ---------------------------------------------------------------------------

def batch_matmul_case(rng: np.random.Generator) -> Case:
    rank = int(rng.integers(2, 6))
    batch = [int(rng.integers(1, 4)) for _ in range(rank - 2)]
    ra, rb = rank, rank
    if rng.random() < 0.4:  # one operand of lower rank (broadcast)
        if rng.random() < 0.5:
            ra = int(rng.integers(2, rank + 1))
        else:
            rb = int(rng.integers(2, rank + 1))
    ba = [d if rng.random() < 0.7 else 1 for d in batch][rank - ra:]
    bb = [d if rng.random() < 0.7 else 1 for d in batch][rank - rb:]
    m, k, nn = int(rng.integers(1, 7)), int(rng.integers(1, 12)), int(rng.integers(1, 7))
    adj_x, adj_y = bool(rng.random() < 0.5), bool(rng.random() < 0.5)
    sa = ba + ([k, m] if adj_x else [m, k])
    sb = bb + ([nn, k] if adj_y else [k, nn])
    full = rank
    ea = [1] * (full - len(ba) - 2) + ba
    eb = [1] * (full - len(bb) - 2) + bb
    out_batch = [max(p, q) for p, q in zip(ea, eb)]
    sy = out_batch + [m, nn]
    xa_s, xa_z = f32(10.0 ** rng.uniform(-3, 0)), int(rng.integers(-128, 128))
    xb_s, xb_z = f32(10.0 ** rng.uniform(-3, 0)), int(rng.integers(-128, 128))
    ys = f32(xa_s * xb_s * 1e4 * np.sqrt(k) / 10.0 ** rng.uniform(0.5, 2.5))
    yz = int(rng.integers(-128, 128))
    mb = ModelBuilder()
    const_b = rng.random() < 0.35
    const_a = not const_b and rng.random() < 0.15
    a = mb.add_tensor("a", sa, np.int8, scale=xa_s, zero_point=xa_z,
                      data=ints(rng, np.int8, tuple(sa)) if const_a else None)
    b = mb.add_tensor("b", sb, np.int8, scale=xb_s, zero_point=xb_z,
                      data=ints(rng, np.int8, tuple(sb)) if const_b else None)
    y = mb.add_tensor("y", sy, np.int8, scale=ys, zero_point=yz)
    mb.add_operator(BuiltinOp.BATCH_MATMUL, [a, b], [y], BatchMatMulOptions(adj_x, adj_y))
    ins = [t for t, c in ((a, const_a), (b, const_b)) if not c]
    mb.set_inputs(ins)
    mb.set_outputs([y])
    arrays = [ints(rng, np.int8, tuple(s)) for s, c in ((sa, const_a), (sb, const_b)) if not c]
    cfg = dict(a=sa, b=sb, y=sy, adj=(adj_x, adj_y), const=(const_a, const_b))
    return Case(mb.build(), arrays, cfg)


def test_batch_matmul() -> None:
    run_cases("BATCH_MATMUL", batch_matmul_case)
