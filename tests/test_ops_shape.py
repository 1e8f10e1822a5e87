"""Property tests of the data-movement and reduction operators against TFLM, bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from opcheck import Case, check_case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.tflite_builder import (
    ArgMaxOptions,
    ArgMinOptions,
    BuiltinOp,
    ConcatenationOptions,
    DepthToSpaceOptions,
    ModelBuilder,
    PackOptions,
    ReducerOptions,
    ResizeNearestNeighborOptions,
    SpaceToDepthOptions,
    SplitOptions,
    SplitVOptions,
    SqueezeOptions,
    StridedSliceOptions,
    UnpackOptions,
)

INT_RANGES = {np.int8: (-128, 127), np.int16: (-32768, 32767), np.int32: (-2**31, 2**31 - 1)}


def qparams(rng: np.random.Generator) -> tuple[float, int]:
    scale = float(np.float32(10.0 ** rng.uniform(-3.5, 0.5)))
    zp = int(rng.choice([-128, 127, 0, int(rng.integers(-128, 128))]))
    return scale, zp


def pick_dtype(rng: np.random.Generator, allowed: tuple[type, ...]) -> type:
    return allowed[0] if rng.random() < 0.6 else allowed[int(rng.integers(0, len(allowed)))]


def quant_for(dtype: type, rng: np.random.Generator) -> dict:
    if dtype is np.int8:
        s, z = qparams(rng)
        return dict(scale=s, zero_point=z)
    if dtype is np.int16:
        return dict(scale=float(np.float32(10.0 ** rng.uniform(-5, -1))), zero_point=0)
    return {}


def rand(rng: np.random.Generator, shape: list[int], dtype: type) -> np.ndarray:
    lo, hi = INT_RANGES[dtype]
    return rng.integers(lo, hi, size=tuple(shape), endpoint=True, dtype=dtype)


def shape_of(rng: np.random.Generator, rank: int, hi: int = 5) -> list[int]:
    return [int(rng.integers(1, hi)) for _ in range(rank)]


def const_i32(mb: ModelBuilder, name: str, values: list[int], shape: list[int] | None = None
              ) -> int:
    arr = np.array(values, dtype=np.int32)
    return mb.add_tensor(name, shape if shape is not None else [len(values)], np.int32,
                         data=arr.reshape(shape if shape is not None else [len(values)]))


def single(mb: ModelBuilder, op: int, inputs: list[int], outputs: list[int], options,
           data_inputs: list[int], arrays: list[np.ndarray], cfg: dict) -> Case:
    mb.add_operator(op, inputs, outputs, options)
    mb.set_inputs(data_inputs)
    mb.set_outputs(outputs)
    return Case(mb.build(), arrays, cfg)


# ---- CONCATENATION / PACK -------------------------------------------------------------------

def concat_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 7))
    axis = int(rng.integers(-rank, rank))
    base = shape_of(rng, rank, 4)
    n = int(rng.integers(1, 6))
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    shapes, xs = [], []
    for i in range(n):
        s = list(base)
        s[axis] = int(rng.integers(1, 4))
        shapes.append(s)
        xs.append(mb.add_tensor(f"x{i}", s, dtype, **q))
    out = list(base)
    out[axis] = sum(s[axis] for s in shapes)
    y = mb.add_tensor("y", out, dtype, **q)
    return single(mb, BuiltinOp.CONCATENATION, xs, [y], ConcatenationOptions(axis), xs,
                  [rand(rng, s, dtype) for s in shapes],
                  dict(dtype=dtype.__name__, shapes=shapes, axis=axis))


def test_concatenation() -> None:
    run_cases("CONCATENATION", concat_case)


def pack_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 5))
    axis = int(rng.integers(-(rank + 1), rank + 1))
    shape = shape_of(rng, rank)
    n = int(rng.integers(1, 5))
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    xs = [mb.add_tensor(f"x{i}", shape, dtype, **q) for i in range(n)]
    a = axis + rank + 1 if axis < 0 else axis
    y = mb.add_tensor("y", shape[:a] + [n] + shape[a:], dtype, **q)
    return single(mb, BuiltinOp.PACK, xs, [y], PackOptions(n, axis), xs,
                  [rand(rng, shape, dtype) for _ in range(n)],
                  dict(dtype=dtype.__name__, shape=shape, n=n, axis=axis))


def test_pack() -> None:
    run_cases("PACK", pack_case)


# ---- SPLIT / SPLIT_V / UNPACK ---------------------------------------------------------------

def split_case(rng: np.random.Generator, variant: bool) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 6))
    axis = int(rng.integers(-rank, rank))
    shape = shape_of(rng, rank)
    n = int(rng.integers(1, 5))
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    if variant:
        sizes = [int(rng.integers(1, 4)) for _ in range(n)]
        shape[axis] = sum(sizes)
        declared = list(sizes)
        if rng.random() < 0.3:
            declared[int(rng.integers(0, n))] = -1
    else:
        shape[axis] = n * int(rng.integers(1, 3))
        sizes = [shape[axis] // n] * n
    x = mb.add_tensor("x", shape, dtype, **q)
    ys = []
    for i, s in enumerate(sizes):
        ys_shape = list(shape)
        ys_shape[axis] = s
        ys.append(mb.add_tensor(f"y{i}", ys_shape, dtype, **q))
    ax = const_i32(mb, "axis", [axis], [])
    cfg = dict(dtype=dtype.__name__, shape=shape, sizes=sizes, axis=axis)
    if variant:
        sz = const_i32(mb, "sizes", declared)
        return single(mb, BuiltinOp.SPLIT_V, [x, sz, ax], ys, SplitVOptions(n), [x],
                      [rand(rng, shape, dtype)], cfg)
    return single(mb, BuiltinOp.SPLIT, [ax, x], ys, SplitOptions(n), [x],
                  [rand(rng, shape, dtype)], cfg)


def test_split() -> None:
    run_cases("SPLIT", lambda rng: split_case(rng, False))


def test_split_v() -> None:
    run_cases("SPLIT_V", lambda rng: split_case(rng, True))


def unpack_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 6))
    axis = int(rng.integers(-rank, rank))
    shape = shape_of(rng, rank)
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    a = axis + rank if axis < 0 else axis
    n = shape[a]
    ys = [mb.add_tensor(f"y{i}", shape[:a] + shape[a + 1:], dtype, **q) for i in range(n)]
    return single(mb, BuiltinOp.UNPACK, [x], ys, UnpackOptions(n, axis), [x],
                  [rand(rng, shape, dtype)], dict(dtype=dtype.__name__, shape=shape, axis=axis))


def test_unpack() -> None:
    run_cases("UNPACK", unpack_case)


# ---- PAD / PADV2 ----------------------------------------------------------------------------

def pad_case(rng: np.random.Generator, v2: bool) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 5))
    shape = shape_of(rng, rank)
    pads = [[int(rng.integers(0, 4)), int(rng.integers(0, 4))] for _ in range(rank)]
    if rank == 4 and rng.random() < 0.5:  # TFLM's image-style path
        pads[0] = [0, 0]
        pads[3] = [0, 0]
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    y = mb.add_tensor("y", [d + a + b for d, (a, b) in zip(shape, pads)], dtype, **q)
    p = const_i32(mb, "paddings", [v for ab in pads for v in ab], [rank, 2])
    inputs = [x, p]
    cfg = dict(dtype=dtype.__name__, shape=shape, pads=pads)
    if v2:
        lo, hi = INT_RANGES[dtype]
        value = int(rng.integers(max(lo, -1000), min(hi, 1000) + 1))
        cv = mb.add_tensor("value", [1], dtype, data=np.array([value], dtype=dtype), **q)
        inputs.append(cv)
        cfg["value"] = value
    return single(mb, BuiltinOp.PADV2 if v2 else BuiltinOp.PAD, inputs, [y], None, [x],
                  [rand(rng, shape, dtype)], cfg)


def test_pad() -> None:
    run_cases("PAD", lambda rng: pad_case(rng, False))


def test_padv2() -> None:
    run_cases("PADV2", lambda rng: pad_case(rng, True))


# ---- SLICE / STRIDED_SLICE ------------------------------------------------------------------

def slice_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 6))
    shape = shape_of(rng, rank, 6)
    begin = [int(rng.integers(0, d)) for d in shape]
    size = [int(rng.integers(1, d - b + 1)) if rng.random() < 0.7 else -1
            for d, b in zip(shape, begin)]
    out = [d - b if s == -1 else s for d, b, s in zip(shape, begin, size)]
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    y = mb.add_tensor("y", out, dtype, **q)
    return single(mb, BuiltinOp.SLICE, [x, const_i32(mb, "begin", begin),
                                        const_i32(mb, "size", size)], [y], None, [x],
                  [rand(rng, shape, dtype)], dict(shape=shape, begin=begin, size=size))


def test_slice() -> None:
    run_cases("SLICE", slice_case)


def strided_slice_case(rng: np.random.Generator) -> Case:
    from pyruntime.ops.layout import strided_slice_ranges

    dtype = pick_dtype(rng, (np.int8, np.int16, np.int32))
    while True:
        rank = int(rng.integers(1, 5))
        shape = shape_of(rng, rank, 7)
        begin = [int(rng.integers(-d - 2, d + 2)) for d in shape]
        end = [int(rng.integers(-d - 2, d + 3)) for d in shape]
        strides = [int(rng.choice([-3, -2, -1, 1, 1, 1, 2, 3])) for _ in shape]
        bm, em = int(rng.integers(0, 1 << rank)), int(rng.integers(0, 1 << rank))
        shrink = int(rng.integers(0, 1 << rank)) if rng.random() < 0.3 else 0
        for k in range(rank):  # a shrunk axis needs an in-range begin
            if shrink >> k & 1:
                begin[k] = int(rng.integers(-shape[k], shape[k]))
                bm &= ~(1 << k)
        ranges = strided_slice_ranges(tuple(shape), begin, end, strides, bm, em, shrink)
        if all(n >= 1 for _, n, _ in ranges):
            break
    out = [n for k, (_, n, _) in enumerate(ranges) if not shrink >> k & 1]
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    y = mb.add_tensor("y", out, dtype, **q)
    cfg = dict(shape=shape, begin=begin, end=end, strides=strides, begin_mask=bm, end_mask=em,
               shrink=shrink)
    return single(mb, BuiltinOp.STRIDED_SLICE,
                  [x, const_i32(mb, "begin", begin), const_i32(mb, "end", end),
                   const_i32(mb, "strides", strides)], [y],
                  StridedSliceOptions(bm, em, 0, 0, shrink), [x], [rand(rng, shape, dtype)], cfg)


def test_strided_slice() -> None:
    run_cases("STRIDED_SLICE", strided_slice_case)


# ---- TRANSPOSE ------------------------------------------------------------------------------

def transpose_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16))
    rank = int(rng.integers(1, 6))
    shape = shape_of(rng, rank, 5)
    perm = [int(p) for p in rng.permutation(rank)]
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    y = mb.add_tensor("y", [shape[p] for p in perm], dtype, **q)
    return single(mb, BuiltinOp.TRANSPOSE, [x, const_i32(mb, "perm", perm)], [y], None, [x],
                  [rand(rng, shape, dtype)], dict(dtype=dtype.__name__, shape=shape, perm=perm))


def test_transpose() -> None:
    run_cases("TRANSPOSE", transpose_case)


# ---- SQUEEZE / EXPAND_DIMS ------------------------------------------------------------------

def squeeze_like_case(rng: np.random.Generator, expand: bool) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16) if expand else (np.int8, np.int16, np.int32))
    rank = int(rng.integers(1, 5))
    shape = [d if rng.random() < 0.6 else 1 for d in shape_of(rng, rank)]
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **q)
    if expand:
        axis = int(rng.integers(-rank - 1, rank + 1))
        a = axis + rank + 1 if axis < 0 else axis
        y = mb.add_tensor("y", shape[:a] + [1] + shape[a:], dtype, **q)
        return single(mb, BuiltinOp.EXPAND_DIMS, [x, const_i32(mb, "axis", [axis], [])], [y],
                      None, [x], [rand(rng, shape, dtype)], dict(shape=shape, axis=axis))
    ones = [k for k, d in enumerate(shape) if d == 1]
    dims = [k - rank if rng.random() < 0.5 else k for k in ones if rng.random() < 0.7]
    squeezed = {d % rank for d in dims} if dims else set(ones)
    out = [d for k, d in enumerate(shape) if k not in squeezed]
    y = mb.add_tensor("y", out, dtype, **q)
    return single(mb, BuiltinOp.SQUEEZE, [x], [y], SqueezeOptions(tuple(dims)), [x],
                  [rand(rng, shape, dtype)], dict(shape=shape, dims=dims))


def test_squeeze() -> None:
    run_cases("SQUEEZE", lambda rng: squeeze_like_case(rng, False))


def test_expand_dims() -> None:
    run_cases("EXPAND_DIMS", lambda rng: squeeze_like_case(rng, True))


# ---- SPACE_TO_DEPTH / DEPTH_TO_SPACE / RESIZE_NEAREST_NEIGHBOR -----------------------------

def space_depth_case(rng: np.random.Generator, to_depth: bool) -> Case:
    b = int(rng.integers(1, 4))
    n, h, w, c = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4)), \
        int(rng.integers(1, 5))
    q = quant_for(np.int8, rng)
    mb = ModelBuilder()
    if to_depth:
        xs, ys = [n, h * b, w * b, c], [n, h, w, c * b * b]
        op, opts = BuiltinOp.SPACE_TO_DEPTH, SpaceToDepthOptions(b)
    else:
        xs, ys = [n, h, w, c * b * b], [n, h * b, w * b, c]
        op, opts = BuiltinOp.DEPTH_TO_SPACE, DepthToSpaceOptions(b)
    x = mb.add_tensor("x", xs, np.int8, **q)
    y = mb.add_tensor("y", ys, np.int8, **q)
    return single(mb, op, [x], [y], opts, [x], [rand(rng, xs, np.int8)], dict(x=xs, block=b))


def test_space_to_depth() -> None:
    run_cases("SPACE_TO_DEPTH", lambda rng: space_depth_case(rng, True))


def test_depth_to_space() -> None:
    run_cases("DEPTH_TO_SPACE", lambda rng: space_depth_case(rng, False))


def resize_nearest_case(rng: np.random.Generator) -> Case:
    dtype = pick_dtype(rng, (np.int8, np.int16))
    n, h, w, c = int(rng.integers(1, 3)), int(rng.integers(1, 9)), int(rng.integers(1, 9)), \
        int(rng.integers(1, 4))
    oh, ow = int(rng.integers(1, 17)), int(rng.integers(1, 17))
    ac, hp = bool(rng.random() < 0.4), bool(rng.random() < 0.4)
    q = quant_for(dtype, rng)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [n, h, w, c], dtype, **q)
    y = mb.add_tensor("y", [n, oh, ow, c], dtype, **q)
    return single(mb, BuiltinOp.RESIZE_NEAREST_NEIGHBOR, [x, const_i32(mb, "size", [oh, ow])],
                  [y], ResizeNearestNeighborOptions(ac, hp), [x], [rand(rng, [n, h, w, c], dtype)],
                  dict(x=[n, h, w, c], out=[oh, ow], align_corners=ac, half_pixel=hp))


def test_resize_nearest_neighbor() -> None:
    run_cases("RESIZE_NEAREST_NEIGHBOR", resize_nearest_case)


# ---- MEAN / ARG_MAX / ARG_MIN ---------------------------------------------------------------

def mean_case(rng: np.random.Generator) -> Case:
    dtype = np.int8 if rng.random() < 0.75 else np.int16
    rank = int(rng.integers(1, 6))
    shape = shape_of(rng, rank, 6)
    if rank == 4 and rng.random() < 0.4:
        axes = [1, 2] if rng.random() < 0.5 else [2, 1]
    else:
        axes = [int(rng.integers(-rank, rank)) for _ in range(int(rng.integers(1, rank + 2)))]
    keep = bool(rng.random() < 0.5)
    red = {a % rank for a in axes}
    out = [1 if k in red else d for k, d in enumerate(shape)] if keep else \
        [d for k, d in enumerate(shape) if k not in red]
    qx, qy = quant_for(dtype, rng), quant_for(dtype, rng)
    if dtype is np.int16 and rng.random() < 0.5:
        qy["scale"] = qx["scale"]
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, dtype, **qx)
    y = mb.add_tensor("y", out, dtype, **qy)
    ax = const_i32(mb, "axis", axes)
    return single(mb, BuiltinOp.MEAN, [x, ax], [y], ReducerOptions(keep), [x],
                  [rand(rng, shape, dtype)],
                  dict(dtype=dtype.__name__, shape=shape, axes=axes, keep=keep, qx=qx, qy=qy))


def test_mean() -> None:
    run_cases("MEAN", mean_case)


def arg_case(rng: np.random.Generator, is_max: bool) -> Case:
    rank = int(rng.integers(1, 6))
    shape = shape_of(rng, rank, 6)
    axis = int(rng.integers(-rank, rank))
    a = axis % rank
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, np.int8, **quant_for(np.int8, rng))
    y = mb.add_tensor("y", shape[:a] + shape[a + 1:], np.int32)
    data = rand(rng, shape, np.int8)
    if rng.random() < 0.5:  # many ties: the first index must win
        data = (data // 64).astype(np.int8)
    op = BuiltinOp.ARG_MAX if is_max else BuiltinOp.ARG_MIN
    opts = ArgMaxOptions() if is_max else ArgMinOptions()
    return single(mb, op, [x, const_i32(mb, "axis", [axis], [1])], [y], opts, [x], [data],
                  dict(shape=shape, axis=axis))


def test_arg_max() -> None:
    run_cases("ARG_MAX", lambda rng: arg_case(rng, True))


def test_arg_min() -> None:
    run_cases("ARG_MIN", lambda rng: arg_case(rng, False))


# ---- refusals -------------------------------------------------------------------------------

def _refused(model: bytes) -> str:
    with pytest.raises(ConversionError) as info:
        convert(model)
    return str(info.value)


def test_refuses_non_constant_paddings() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 2, 2, 1], np.int8, scale=0.1, zero_point=0)
    p = mb.add_tensor("p", [4, 2], np.int32)
    y = mb.add_tensor("y", [1, 4, 4, 1], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.PAD, [x, p], [y])
    mb.set_inputs([x, p])
    mb.set_outputs([y])
    msg = _refused(mb.build())
    assert "PAD" in msg and "paddings" in msg and "not a constant" in msg


def test_refuses_concatenation_with_rescale() -> None:
    mb = ModelBuilder()
    a = mb.add_tensor("a", [1, 3], np.int8, scale=0.1, zero_point=0)
    b = mb.add_tensor("b", [1, 3], np.int8, scale=0.2, zero_point=0)
    y = mb.add_tensor("y", [1, 6], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.CONCATENATION, [a, b], [y], ConcatenationOptions(1))
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    msg = _refused(mb.build())
    assert "CONCATENATION" in msg and "operator 0" in msg and "scale" in msg


def test_refuses_strided_slice_ellipsis() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [2, 3], np.int8, scale=0.1, zero_point=0)
    y = mb.add_tensor("y", [2, 3], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.STRIDED_SLICE, [x, const_i32(mb, "b", [0, 0]),
                                              const_i32(mb, "e", [2, 3]),
                                              const_i32(mb, "s", [1, 1])], [y],
                    StridedSliceOptions(ellipsis_mask=1))
    mb.set_inputs([x])
    mb.set_outputs([y])
    assert "ellipsis_mask" in _refused(mb.build())


def test_refuses_mean_non_constant_axis() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [2, 3], np.int8, scale=0.1, zero_point=0)
    ax = mb.add_tensor("axis", [1], np.int32)
    y = mb.add_tensor("y", [2], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.MEAN, [x, ax], [y], ReducerOptions(False))
    mb.set_inputs([x, ax])
    mb.set_outputs([y])
    msg = _refused(mb.build())
    assert "MEAN" in msg and "axis" in msg and "constant" in msg


def test_concatenation_with_constant_input() -> None:
    """A constant operand is read from CONST; the output matches TFLM."""
    rng = np.random.default_rng(11)
    mb = ModelBuilder()
    c0 = mb.add_tensor("c", [2, 3], np.int8, data=rand(rng, [2, 3], np.int8), scale=0.25,
                       zero_point=-5)
    x = mb.add_tensor("x", [2, 2], np.int8, scale=0.25, zero_point=-5)
    y = mb.add_tensor("y", [2, 5], np.int8, scale=0.25, zero_point=-5)
    mb.add_operator(BuiltinOp.CONCATENATION, [c0, x], [y], ConcatenationOptions(-1))
    mb.set_inputs([x])
    mb.set_outputs([y])
    check_case(Case(mb.build(), [rand(rng, [2, 2], np.int8)]), rng)


def test_pad_chain_aliases_squeeze() -> None:
    """PAD -> SQUEEZE -> PAD: the squeeze is aliased away (no copy), results still match."""
    rng = np.random.default_rng(7)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 3, 1, 2], np.int8, scale=0.5, zero_point=3)
    a = mb.add_tensor("a", [1, 5, 1, 2], np.int8, scale=0.5, zero_point=3)
    s = mb.add_tensor("s", [1, 5, 2], np.int8, scale=0.5, zero_point=3)
    y = mb.add_tensor("y", [1, 5, 4], np.int8, scale=0.5, zero_point=3)
    mb.add_operator(BuiltinOp.PAD, [x, const_i32(mb, "p1", [0, 0, 1, 1, 0, 0, 0, 0], [4, 2])], [a])
    mb.add_operator(BuiltinOp.SQUEEZE, [a], [s], SqueezeOptions((2,)))
    mb.add_operator(BuiltinOp.PAD, [s, const_i32(mb, "p2", [0, 0, 0, 0, 1, 1], [3, 2])], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    model = mb.build()
    assert [op.name for op in convert(model).ops] == ["PAD", "PAD"]
    check_case(Case(model, [rand(rng, [1, 3, 1, 2], np.int8)]), rng)
