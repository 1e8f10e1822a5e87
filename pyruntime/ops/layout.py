"""Pure data movement: CONCATENATION, SPLIT, SPLIT_V, PACK, UNPACK, PAD, PADV2, SLICE,
STRIDED_SLICE, TRANSPOSE, SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR, SQUEEZE,
EXPAND_DIMS.

None of them changes a value (TFLM requantizes none of them), so each is planned offline as a
move program (`moves.py`) run by one engine kernel. Constant operands (axis, paddings,
begin/end/strides, size, perm) are folded into the program; non-constant ones are refused.
"""
from __future__ import annotations

import math

import numpy as np

from ..constpool import ConstPool
from ..ir import Graph, Op, Tensor, dtype_of
from .common import Layout, Ctx, LoweredOp, OpDef, check_same_bytes
from .moves import Loop, Move, copy_move, fill_value, program, row_strides

MOVE_PARAMS = (("n_moves", "number of copy moves"), ("elem_size", "bytes per element"),
               ("fill", "1: fill every output with fill_value first"),
               ("fill_value", "pad value (PAD/PADV2)"),
               ("moves...", "per move: src_slot, dst_slot, src_base, dst_base, nd, then nd x "
                            "(count, src_stride, dst_stride, src_table_off or -1), in bytes"))
MOVE_HEAD = tuple(name for name, _ in MOVE_PARAMS[:-1])  # the fixed words (named in C)


def _data(c: Ctx, role: str, idx: int, dtypes: tuple[str, ...], max_rank: int = 6,
          const: bool | None = False) -> Tensor:
    t = c.tensor(role, idx, dtypes, const=const, quantized=False)
    if len(t.shape) > max_rank:
        raise c.fail(f"{role} '{t.name}' has rank {len(t.shape)}; at most {max_rank} supported")
    return t


def _out(c: Ctx, role: str, idx: int, x: Tensor) -> Tensor:
    y = c.tensor(role, idx, (x.dtype,), quantized=False)
    return y


def _const_ints(c: Ctx, role: str, idx: int) -> list[int]:
    if idx < 0 or idx >= len(c.graph.tensors):
        raise c.fail(f"{role} is missing")
    t = c.graph.tensors[idx]
    if t.dtype not in ("int32", "int64"):
        raise c.fail(f"{role} '{t.name}' has type {t.dtype}; expected int32 or int64")
    if not t.is_const:
        raise c.fail(f"{role} '{t.name}' is not a constant; only constant {role} is supported")
    return [int(v) for v in np.asarray(t.data).ravel()]


def _same_quant(c: Ctx, a: Tensor, b: Tensor, what: str) -> None:
    if a.dtype == "int8" and (a.scale != b.scale or a.zero_point != b.zero_point):
        raise c.fail(f"{what}: '{a.name}' (scale {a.scale}, zero point {a.zero_point}) and "
                     f"'{b.name}' (scale {b.scale}, zero point {b.zero_point}) differ; TFLM's "
                     "int8 kernel does not rescale")


def _axis(c: Ctx, axis: int, rank: int, what: str = "axis") -> int:
    if not -rank <= axis < rank:
        raise c.fail(f"{what} {axis} out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _lowered(op: Op, inputs: list[int], outputs: list[int], params: list[int]) -> LoweredOp:
    return LoweredOp(op.code, op.name, inputs, outputs, params, op.index)


def _esize(t: Tensor) -> int:
    return dtype_of(t.dtype).itemsize


# ---- CONCATENATION / PACK ------------------------------------------------------------------

def lower_concatenation(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 10), 1)
    x0 = _data(c, "input 1", op.inputs[0], ("int8", "int16", "int32", "int64", "bool"),
               const=None)
    y = _out(c, "output", op.outputs[0], x0)
    c.option("fused_activation_function", ("NONE",))
    rank = len(y.shape)
    axis = _axis(c, int(c.option("axis")), rank)
    moves, off = [], 0
    ystr = row_strides(y.shape)
    for i, idx in enumerate(op.inputs):
        x = c.tensor(f"input {i + 1}", idx, (x0.dtype,), quantized=False)
        if len(x.shape) != rank or any(a != b for k, (a, b) in enumerate(zip(x.shape, y.shape))
                                       if k != axis):
            raise c.fail(f"input {i + 1} shape {list(x.shape)} does not match output "
                         f"{list(y.shape)} outside axis {axis}")
        _same_quant(c, x, y, f"input {i + 1} and output quantization")
        if x.dtype == "int16" and x.zero_point != 0:
            raise c.fail(f"int16 input {i + 1} has zero point {x.zero_point}; TFLM requires 0")
        moves.append(copy_move(i, 0, list(x.shape), row_strides(x.shape), ystr,
                               dst_base=off * ystr[axis]))
        off += x.shape[axis]
    if off != y.shape[axis]:
        raise c.fail(f"inputs add up to {off} along axis {axis}; output has {y.shape[axis]}")
    if y.dtype == "int16" and y.zero_point != 0:
        raise c.fail(f"int16 output has zero point {y.zero_point}; TFLM requires 0")
    return _lowered(op, list(op.inputs), [op.outputs[0]], program(c, pool, moves, _esize(y)))


def lower_pack(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    n = int(c.option("values_count"))
    c.arity((1, 255), 1)
    if n != len(op.inputs):
        raise c.fail(f"values_count {n} but {len(op.inputs)} inputs")
    x0 = _data(c, "input 1", op.inputs[0], ("int8", "int16", "int32", "int64"), 5, const=None)
    y = _out(c, "output", op.outputs[0], x0)
    rank = len(y.shape)
    axis = _axis(c, int(c.option("axis")), rank)
    expect = list(x0.shape[:axis]) + [n] + list(x0.shape[axis:])
    if list(y.shape) != expect:
        raise c.fail(f"output shape {list(y.shape)}; expected {expect}")
    ystr = row_strides(y.shape)
    dst = ystr[:axis] + ystr[axis + 1:]
    moves = []
    for i, idx in enumerate(op.inputs):
        x = c.tensor(f"input {i + 1}", idx, (x0.dtype,), quantized=False)
        if x.shape != x0.shape:
            raise c.fail(f"input {i + 1} shape {list(x.shape)} differs from {list(x0.shape)}")
        moves.append(copy_move(i, 0, list(x.shape), row_strides(x.shape), dst,
                               dst_base=i * ystr[axis]))
    return _lowered(op, list(op.inputs), [op.outputs[0]], program(c, pool, moves, _esize(y)))


# ---- SPLIT / SPLIT_V / UNPACK ----------------------------------------------------------------

def _split(c: Ctx, op: Op, pool: ConstPool, x_idx: int, axis: int) -> LoweredOp:
    x = _data(c, "input", x_idx, ("int8", "int16", "int32"))
    axis = _axis(c, axis, len(x.shape))
    xstr = row_strides(x.shape)
    moves, off = [], 0
    for j, idx in enumerate(op.outputs):
        y = c.tensor(f"output {j + 1}", idx, (x.dtype,), quantized=False)
        if len(y.shape) != len(x.shape) or any(a != b for k, (a, b) in
                                              enumerate(zip(x.shape, y.shape)) if k != axis):
            raise c.fail(f"output {j + 1} shape {list(y.shape)} does not match input "
                         f"{list(x.shape)} outside axis {axis}")
        moves.append(copy_move(0, j, list(y.shape), xstr, row_strides(y.shape),
                               src_base=off * xstr[axis]))
        off += y.shape[axis]
    if off != x.shape[axis]:
        raise c.fail(f"outputs add up to {off} along axis {axis}; input has {x.shape[axis]}")
    return _lowered(op, [x_idx], list(op.outputs), program(c, pool, moves, _esize(x)))


def lower_split(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    if len(op.inputs) != 2 or not op.outputs:
        raise c.fail("expects 2 inputs (axis, x) and >= 1 outputs")
    axis = _const_ints(c, "axis", op.inputs[0])
    n = int(c.option("num_splits"))
    if n != len(op.outputs):
        raise c.fail(f"num_splits {n} but {len(op.outputs)} outputs")
    if len(axis) != 1:
        raise c.fail("axis must have one element")
    x = graph.tensors[op.inputs[1]]
    ax = _axis(c, axis[0], len(x.shape))
    if x.shape[ax] % n:
        raise c.fail(f"input dimension {x.shape[ax]} is not divisible by num_splits {n}")
    return _split(c, op, pool, op.inputs[1], ax)


def lower_split_v(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    if len(op.inputs) != 3 or not op.outputs:
        raise c.fail("expects 3 inputs (x, size_splits, axis) and >= 1 outputs")
    axis = _const_ints(c, "axis", op.inputs[2])
    _const_ints(c, "size_splits", op.inputs[1])
    if len(axis) != 1:
        raise c.fail("axis must have one element")
    return _split(c, op, pool, op.inputs[0], axis[0])


def lower_unpack(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    if len(op.inputs) != 1 or not op.outputs:
        raise c.fail("expects 1 input and >= 1 outputs")
    x = _data(c, "input", op.inputs[0], ("int8", "int16", "int32"))
    axis = _axis(c, int(c.option("axis")), len(x.shape))
    n = int(c.option("num"))
    if n != len(op.outputs) or x.shape[axis] != n:
        raise c.fail(f"num {n}, {len(op.outputs)} outputs and input dimension {x.shape[axis]} "
                     "must agree")
    xstr = row_strides(x.shape)
    shape = list(x.shape[:axis]) + list(x.shape[axis + 1:])
    src = xstr[:axis] + xstr[axis + 1:]
    moves = []
    for j, idx in enumerate(op.outputs):
        y = c.tensor(f"output {j + 1}", idx, (x.dtype,), quantized=False)
        if list(y.shape) != shape:
            raise c.fail(f"output {j + 1} shape {list(y.shape)}; expected {shape}")
        moves.append(copy_move(0, j, shape, src, row_strides(shape), src_base=j * xstr[axis]))
    return _lowered(op, [op.inputs[0]], list(op.outputs), program(c, pool, moves, _esize(x)))


# ---- PAD / PADV2 ---------------------------------------------------------------------------

def lower_pad(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    v2 = op.name == "PADV2"
    c.arity((2, 3) if v2 else (2, 2), 1)
    x = _data(c, "input", op.inputs[0], ("int8", "int16", "int32"), 5)
    y = _out(c, "output", op.outputs[0], x)
    pads = _const_ints(c, "paddings", op.inputs[1])
    rank = len(x.shape)
    if len(pads) != 2 * len(y.shape) or len(y.shape) != rank:
        raise c.fail(f"paddings have {len(pads)} values; expected {2 * rank}")
    for k in range(rank):
        if pads[2 * k] < 0 or pads[2 * k + 1] < 0:
            raise c.fail(f"negative padding {pads[2 * k:2 * k + 2]} on dimension {k}")
        if x.shape[k] + pads[2 * k] + pads[2 * k + 1] != y.shape[k]:
            raise c.fail(f"output dimension {k} is {y.shape[k]}; input {x.shape[k]} plus "
                         f"paddings {pads[2 * k:2 * k + 2]} give {x.shape[k] + pads[2 * k] + pads[2 * k + 1]}")
    value = 0
    has_value = v2 and len(op.inputs) > 2 and op.inputs[2] >= 0
    if has_value:
        cv = c.tensor("constant_values", op.inputs[2], (x.dtype,), const=True, quantized=False)
        if cv.elements != 1:
            raise c.fail(f"constant_values has {cv.elements} elements; expected 1")
        if x.dtype == "int8":
            if not cv.quantized or cv.scale != y.scale or cv.zero_point != y.zero_point:
                raise c.fail("constant_values must have the output's scale and zero point "
                             "(TFLM does not rescale it)")
        value = int(np.asarray(cv.data).ravel()[0])
    elif x.dtype == "int8":
        value = y.zero_point
        if not -128 <= value <= 127:
            raise c.fail(f"output zero point {value} outside int8")
    ystr = row_strides(y.shape)
    base = sum(pads[2 * k] * ystr[k] for k in range(rank))
    moves = [copy_move(0, 0, list(x.shape), row_strides(x.shape), ystr, dst_base=base)]
    return _lowered(op, [op.inputs[0]], [op.outputs[0]],
                    program(c, pool, moves, _esize(x), fill_value(value)))


# ---- SLICE / STRIDED_SLICE -----------------------------------------------------------------

def lower_slice(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((3, 3), 1)
    x = _data(c, "input", op.inputs[0], ("int8", "int16", "int32", "bool"), 5)
    y = _out(c, "output", op.outputs[0], x)
    begin = _const_ints(c, "begin", op.inputs[1])
    size = _const_ints(c, "size", op.inputs[2])
    rank = len(x.shape)
    if len(begin) != rank or len(size) != rank:
        raise c.fail(f"begin and size need {rank} values; have {len(begin)} and {len(size)}")
    shape = []
    for k in range(rank):
        n = x.shape[k] - begin[k] if size[k] == -1 else size[k]
        if begin[k] < 0 or n < 1 or begin[k] + n > x.shape[k]:
            raise c.fail(f"begin {begin[k]} size {size[k]} out of range for dimension {k} "
                         f"of size {x.shape[k]}")
        shape.append(n)
    if list(y.shape) != shape:
        raise c.fail(f"output shape {list(y.shape)}; expected {shape}")
    xstr = row_strides(x.shape)
    moves = [copy_move(0, 0, shape, xstr, row_strides(shape),
                       src_base=sum(b * s for b, s in zip(begin, xstr)))]
    return _lowered(op, [op.inputs[0]], [op.outputs[0]], program(c, pool, moves, _esize(x)))


def _clamp(v: int, lo: int, hi: int) -> int:
    return hi if v > hi else lo if v < lo else v


def strided_slice_ranges(shape: tuple[int, ...], begin: list[int], end: list[int],
                         strides: list[int], begin_mask: int, end_mask: int, shrink: int
                         ) -> list[tuple[int, int, int]]:
    """(start, count, stride) per axis, as TFLM's StridedSlice{Start,End}ForAxis compute them."""
    out = []
    for k, size in enumerate(shape):
        st = strides[k]
        start = begin[k] + (size if begin[k] < 0 else 0)
        start = _clamp(start, 0, size) if st > 0 else _clamp(start, -1, size - 1)
        if begin_mask >> k & 1:
            start = 0 if st > 0 else size - 1
        if shrink >> k & 1:
            stop = start if start >= size else start + 1
        else:
            stop = end[k] + (size if end[k] < 0 else 0)
            stop = _clamp(stop, 0, size) if st > 0 else _clamp(stop, -1, size - 1)
            if end_mask >> k & 1:
                stop = size if st > 0 else -1
        count = len(range(start, stop, st))
        out.append((start, count, st))
    return out


def lower_strided_slice(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((4, 4), 1)
    x = _data(c, "input", op.inputs[0], ("int8", "int16", "int32", "bool"), 4)
    y = _out(c, "output", op.outputs[0], x)
    begin = _const_ints(c, "begin", op.inputs[1])
    end = _const_ints(c, "end", op.inputs[2])
    strides = _const_ints(c, "strides", op.inputs[3])
    rank = len(x.shape)
    if not len(begin) == len(end) == len(strides) == rank:
        raise c.fail(f"begin/end/strides need {rank} values each")
    for key in ("ellipsis_mask", "new_axis_mask"):
        if int(op.options.get(key, 0)):
            raise c.fail(f"unsupported {key} {op.options[key]} (TFLM ignores it)")
    if op.options.get("offset", False):
        raise c.fail("unsupported offset=true (TFLM ignores it)")
    if 0 in strides:
        raise c.fail("stride 0")
    shrink = int(op.options.get("shrink_axis_mask", 0))
    ranges = strided_slice_ranges(x.shape, begin, end, strides, int(op.options.get("begin_mask", 0)),
                                  int(op.options.get("end_mask", 0)), shrink)
    shape = [n for k, (_, n, _) in enumerate(ranges) if not shrink >> k & 1]
    if any(n < 1 for _, n, _ in ranges):
        raise c.fail(f"empty slice {[n for _, n, _ in ranges]}")
    if list(y.shape) != shape:
        raise c.fail(f"output shape {list(y.shape)}; the slice gives {shape}")
    xstr = row_strides(x.shape)
    counts = [n for _, n, _ in ranges]
    dstr = row_strides(counts)
    moves = [Move(0, 0, sum(s * xs for (s, _, _), xs in zip(ranges, xstr)), 0,
                  [Loop(n, st * xs, ds) for (_, n, st), xs, ds in zip(ranges, xstr, dstr)])]
    return _lowered(op, [op.inputs[0]], [op.outputs[0]], program(c, pool, moves, _esize(x)))


# ---- TRANSPOSE -----------------------------------------------------------------------------

def lower_transpose(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = _data(c, "input", op.inputs[0], ("int8", "int16"), 5)
    y = _out(c, "output", op.outputs[0], x)
    perm = _const_ints(c, "perm", op.inputs[1])
    rank = len(x.shape)
    if sorted(perm) != list(range(rank)):
        raise c.fail(f"perm {perm} is not a permutation of 0..{rank - 1}")
    shape = [x.shape[p] for p in perm]
    if list(y.shape) != shape:
        raise c.fail(f"output shape {list(y.shape)}; expected {shape}")
    xstr = row_strides(x.shape)
    moves = [copy_move(0, 0, shape, [xstr[p] for p in perm], row_strides(shape))]
    return _lowered(op, [op.inputs[0]], [op.outputs[0]], program(c, pool, moves, _esize(x)))


# ---- SPACE_TO_DEPTH / DEPTH_TO_SPACE -------------------------------------------------------

def lower_space_depth(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 1), 1)
    x = c.tensor("input", op.inputs[0], ("int8",), rank=4, const=False, quantized=False)
    y = c.tensor("output", op.outputs[0], ("int8",), rank=4, quantized=False)
    b = int(c.option("block_size"))
    if b < 1:
        raise c.fail(f"block_size {b} < 1")
    n, h, w, ch = x.shape
    if op.name == "SPACE_TO_DEPTH":
        expect = [n, h // b, w // b, ch * b * b]
        if h % b or w % b or list(y.shape) != expect:
            raise c.fail(f"input {list(x.shape)}, block {b}: output must be {expect}")
        oh, ow = h // b, w // b
        loops = [Loop(n, h * w * ch, 0), Loop(oh, b * w * ch, 0), Loop(ow, b * ch, 0),
                 Loop(b, w * ch, 0), Loop(b, ch, 0), Loop(ch, 1, 0)]
    else:
        co = ch // (b * b)
        expect = [n, h * b, w * b, co]
        if ch % (b * b) or list(y.shape) != expect:
            raise c.fail(f"input {list(x.shape)}, block {b}: output must be {expect}")
        loops = [Loop(n, h * w * ch, 0), Loop(h, w * ch, 0), Loop(b, b * co, 0),
                 Loop(w, ch, 0), Loop(b, co, 0), Loop(co, 1, 0)]
    for lp, ds in zip(loops, row_strides([lp.count for lp in loops])):
        lp.dst_stride = ds
    return _lowered(op, [op.inputs[0]], [op.outputs[0]],
                    program(c, pool, [Move(0, 0, 0, 0, loops)], 1))


# ---- RESIZE_NEAREST_NEIGHBOR ---------------------------------------------------------------

def nearest_index(i: int, in_size: int, out_size: int, align_corners: bool,
                  half_pixel: bool) -> int:
    """TFLite GetNearestNeighbor, float32 arithmetic."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    v = f32(f32(f32(i) + f32(0.5 if half_pixel else 0.0)) * scale)
    if align_corners:
        r = int(math.floor(float(v) + 0.5)) if v >= 0 else -int(math.floor(-float(v) + 0.5))
    else:
        r = int(math.floor(float(v)))
    r = min(r, in_size - 1)
    return max(0, r) if half_pixel else r


def lower_resize_nearest(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((2, 2), 1)
    x = c.tensor("input", op.inputs[0], ("int8", "int16"), rank=4, const=False, quantized=False)
    y = c.tensor("output", op.outputs[0], (x.dtype,), rank=4, quantized=False)
    size = _const_ints(c, "size", op.inputs[1])
    if len(size) != 2 or list(y.shape) != [x.shape[0], size[0], size[1], x.shape[3]]:
        raise c.fail(f"size {size} and output shape {list(y.shape)} disagree")
    ac = bool(op.options.get("align_corners", False))
    hp = bool(op.options.get("half_pixel_centers", False))
    n, h, w, ch = x.shape
    _, oh, ow, _ = y.shape
    ty = [nearest_index(i, h, oh, ac, hp) * w * ch for i in range(oh)]
    tx = [nearest_index(i, w, ow, ac, hp) * ch for i in range(ow)]
    loops = [Loop(n, h * w * ch, oh * ow * ch), Loop(oh, 0, ow * ch, ty), Loop(ow, 0, ch, tx),
             Loop(ch, 1, 1)]
    return _lowered(op, [op.inputs[0]], [op.outputs[0]],
                    program(c, pool, [Move(0, 0, 0, 0, loops)], _esize(x)))


# ---- SQUEEZE / EXPAND_DIMS (usually aliased away by passes.alias_reshapes) -----------------

def lower_squeeze_like(graph: Graph, op: Op, pool: ConstPool) -> LoweredOp:
    c = Ctx(graph, op)
    c.arity((1, 2), 1)
    x = graph.tensors[op.inputs[0]]
    y = graph.tensors[op.outputs[0]]
    check_same_bytes(c, x, y)
    if op.name == "EXPAND_DIMS":
        _data(c, "input", op.inputs[0], ("int8", "int16"))
        axis = _const_ints(c, "axis", op.inputs[1])
        if len(axis) != 1:
            raise c.fail("axis must have one element")
        _axis(c, axis[0], len(x.shape) + 1)
    else:
        dims = [int(d) for d in op.options.get("squeeze_dims", [])]
        for d in dims:
            d = _axis(c, d, len(x.shape), "squeeze dimension")
            if x.shape[d] != 1:
                raise c.fail(f"squeeze dimension {d} has size {x.shape[d]}, not 1")
    return _lowered(op, [op.inputs[0]], [op.outputs[0]], [])


_COPY = "Byte-exact copy planned offline (ops/move.c, kernels move_u8 and fill_u8); "

DEFS = [
    OpDef("CONCATENATION", 2, (1, 2, 3, 4), "int8, int16, int32, int64, bool",
          "x1..xn (n <= 10, same type; int8: same scale/zero point as y)", "y",
          MOVE_PARAMS, lower_concatenation, _COPY + "any axis (negative too), rank <= 6.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD, inputs=(1, 255)),)),
    OpDef("PACK", 83, (1, 2, 3), "int8, int16, int32, int64", "x1..xn (same shape)",
          "y (rank + 1)", MOVE_PARAMS, lower_pack, _COPY + "axis option, negative allowed.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD, inputs=(1, 255)),)),
    OpDef("SPLIT", 49, (1, 2, 3, 4), "int8, int16, int32", "axis (constant), x",
          "y1..yn (num_splits)", MOVE_PARAMS, lower_split, _COPY + "constant axis only.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD, outputs=0),)),
    OpDef("SPLIT_V", 102, (1, 2), "int8, int16, int32", "x, size_splits (constant), axis "
          "(constant)", "y1..yn", MOVE_PARAMS, lower_split_v, _COPY + "constant axis only.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD, outputs=0),)),
    OpDef("UNPACK", 88, (1, 2, 3), "int8, int16, int32", "x", "y1..yn (num along axis)",
          MOVE_PARAMS, lower_unpack, _COPY + "axis option, negative allowed.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD, outputs=0),)),
    OpDef("PAD", 34, (1, 2), "int8, int16, int32", "x (rank <= 5), paddings (constant)", "y",
          MOVE_PARAMS, lower_pad, _COPY + "pads with the output zero point (int8) or 0.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("PADV2", 60, (1, 2), "int8, int16, int32",
          "x (rank <= 5), paddings (constant), constant_values (constant scalar)", "y",
          MOVE_PARAMS, lower_pad, _COPY + "int8 constant_values must share y's quantization.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("SLICE", 65, (1, 2, 3, 4, 5), "int8, int16, int32, bool",
          "x (rank <= 5), begin, size (constants; size -1 = to the end)", "y", MOVE_PARAMS,
          lower_slice, _COPY.rstrip("; ") + ".",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("STRIDED_SLICE", 45, (1, 2, 3, 4, 5, 6), "int8, int16, int32, bool",
          "x (rank <= 4), begin, end, strides (constants)", "y", MOVE_PARAMS,
          lower_strided_slice, _COPY + "begin/end/shrink_axis masks, negative indices and "
          "strides; ellipsis_mask, new_axis_mask and offset are refused (TFLM ignores them).",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("TRANSPOSE", 39, (1, 2, 3, 4, 5, 6), "int8, int16",
          "x (rank <= 5), perm (constant)", "y", MOVE_PARAMS, lower_transpose,
          _COPY.rstrip("; ") + ".",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("SPACE_TO_DEPTH", 26, (1, 2), "int8", "x [N,H,W,C]", "y [N,H/b,W/b,C*b*b]",
          MOVE_PARAMS, lower_space_depth, _COPY + "block_size b.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("DEPTH_TO_SPACE", 5, (1, 2), "int8", "x [N,H,W,C]", "y [N,H*b,W*b,C/(b*b)]",
          MOVE_PARAMS, lower_space_depth, _COPY + "block_size b.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("RESIZE_NEAREST_NEIGHBOR", 97, (1, 2, 3, 4), "int8, int16",
          "x [N,H,W,C], size (constant [2])", "y [N,OH,OW,C]", MOVE_PARAMS,
          lower_resize_nearest, _COPY + "source rows/columns precomputed as TFLM's float32 "
          "GetNearestNeighbor (align_corners, half_pixel_centers) into CONST tables.",
          layouts=(Layout(1, None, "pyrt_check_move", "pyrt_eval_move", head=MOVE_HEAD),)),
    OpDef("SQUEEZE", 43, (1,), "any", "x", "y (same bytes)", (), lower_squeeze_like,
          "Aliased onto the input by the converter (no copy) unless it is the only operator.",
          layouts=(Layout(1, (), "pyrt_check_reshape", "pyrt_eval_reshape", inplace="any"),)),
    OpDef("EXPAND_DIMS", 70, (1,), "int8, int16 (any when aliased)", "x, axis (constant)", "y (same bytes)", (),
          lower_squeeze_like,
          "Aliased onto the input by the converter (no copy) unless it is the only operator.",
          layouts=(Layout(1, (), "pyrt_check_reshape", "pyrt_eval_reshape", inplace="any"),)),
]
