"""The conversion pipeline: .tflite -> IR -> passes -> lowering -> memory plan -> blob."""
from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import blob as fmt
from .constpool import ConstPool
from .errors import BlobFormatError, ConversionError, EngineError
from .ir import DTYPES, Graph, Tensor
from .kernels import plan_sets, scratch_bytes
from .ops import LoweredOp, lower
from .ordering import best_order
from .passes import alias_reshapes, fold_constant_reshapes
from .inplace import band_pairs, merge_exact
from .planner import Buffer, Overlap, inplace_bound, live_profile, lower_bound, plan
from .tflite_reader import read_tflite

ARENA_ALIGNMENT = 16

# Resource limits (README "Limits"). The largest MCU/SoC SRAM this engine targets is a few MiB
# (up to about 14 MiB on the largest Cortex-M55/M85 SoCs; Cortex-A boards run it in DRAM), so
# an arena or a single activation above 64 MiB is a corrupt or mistaken model, and 256 MiB of
# constant data is far past any flash that holds a blob (MLPerf Tiny models: 27-271 KB).
DEFAULT_MAX_ARENA_BYTES = 64 << 20
DEFAULT_MAX_TENSOR_BYTES = 64 << 20
DEFAULT_MAX_CONSTANT_BYTES = 256 << 20
MAX_BLOB_TENSORS = 0xFFFF  # u16 count; operator records index 0..0xFFFE (0xFFFF: absent)
_INT_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}
_INT32 = (-(1 << 31), (1 << 31) - 1)
_F32_TINY = float(np.finfo(np.float32).tiny)


@dataclass(frozen=True)
class Limits:
    """Conversion refuses a model above any of these (bytes)."""

    arena_bytes: int = DEFAULT_MAX_ARENA_BYTES
    tensor_bytes: int = DEFAULT_MAX_TENSOR_BYTES
    constant_bytes: int = DEFAULT_MAX_CONSTANT_BYTES


@dataclass
class Conversion:
    """A converted model: the blob bytes and what went into them."""

    blob: bytes
    graph: Graph
    ops: list[LoweredOp]
    tensor_map: dict[int, int]  # graph tensor index -> blob tensor index
    arena_bytes: int
    arena_lower_bound: int
    constant_bytes: int
    source_bytes: int
    source_name: str = ""
    buffers: list[Buffer] = field(default_factory=list)
    band_candidates: list[int] = field(default_factory=list)  # layers that may run in bands
    overlaps: list[Overlap] = field(default_factory=list)  # the in-place pairs planned with

    @property
    def ram_bytes(self) -> int:
        """Arena plus the engine state on a 32-bit target (pyrt_query's state_bytes there)."""
        from .export_c import state_bytes_32
        return self.arena_bytes + state_bytes_32(len(self.tensor_map), len(self.ops))

    @property
    def macs(self) -> int:
        return sum(op.macs for op in self.ops)

    def summary(self) -> dict[str, Any]:
        """Everything `pyruntime convert` prints, as plain JSON-able data."""
        def shapes(idx: list[int]) -> list[list[int]]:
            return [list(self.graph.tensors[i].shape) for i in idx if i >= 0]

        def io(idx: list[int]) -> list[dict[str, Any]]:
            return [{"shape": list(t.shape), "dtype": t.dtype, "scale": t.scale,
                     "zero_point": t.zero_point} for t in (self.graph.tensors[i] for i in idx)]

        return {
            "model": self.source_name,
            "tflite_bytes": self.source_bytes,
            "blob_bytes": len(self.blob),
            "constant_bytes": self.constant_bytes,
            "arena_bytes": self.arena_bytes,
            "arena_lower_bound": self.arena_lower_bound,
            "ram_bytes": self.ram_bytes,
            "macs": self.macs,
            "op_count": len(self.ops),
            "op_counts": dict(Counter(op.name for op in self.ops)),
            "inputs": io(self.graph.inputs),
            "outputs": io(self.graph.outputs),
            "ops": [{"index": i, "op": op.name, "source_index": op.source_index,
                     "inputs": shapes(op.inputs[:1] if op.name != "ADD" else op.inputs),
                     "outputs": shapes(op.outputs), "macs": op.macs,
                     "scratch_bytes": op.scratch_bytes}
                    for i, op in enumerate(self.ops)],
        }


def _tname(t: Tensor) -> str:
    return f"tensor {t.index} '{t.name}'"


def _check_io(graph: Graph) -> None:
    if not graph.inputs or not graph.outputs:
        raise ConversionError("model declares no inputs or no outputs")
    if len(graph.inputs) > 255 or len(graph.outputs) > 255:
        raise ConversionError(f"model has {len(graph.inputs)} inputs and {len(graph.outputs)} "
                              "outputs; the blob format allows 1..255 of each")
    if not graph.ops:
        raise ConversionError("model has no operators")
    for role, idx in (("input", graph.inputs), ("output", graph.outputs)):
        for i in idx:
            t = graph.tensors[i]
            if t.dtype not in DTYPES:
                raise ConversionError(f"model {role} {_tname(t)} has unsupported type {t.dtype}")
            if len(t.shape) > 6 or any(d < 1 or d > 0xFFFF for d in t.shape):
                raise ConversionError(f"model {role} {_tname(t)} has unsupported shape "
                                      f"{list(t.shape)}")
    for role, idx in (("input", graph.inputs), ("output", graph.outputs)):
        for i in idx:
            if graph.tensors[i].is_const:  # the engine's I/O tensors live in the arena
                raise ConversionError(f"model {role} {_tname(graph.tensors[i])} is a constant")


def _check_quantization(t: Tensor) -> None:
    """Scales and zero points the engine and TFLM accept: positive normal float32 scales,
    zero points inside the tensor type (int32 for the others, the blob's field)."""
    if not t.quantized:
        return
    for s in t.scales:  # type: ignore[union-attr]
        s = float(s)
        if not math.isfinite(s) or s < _F32_TINY:
            raise ConversionError(f"{_tname(t)} has scale {s!r}; quantization scales must be "
                                  "positive, finite, normal float32 numbers")
    lo, hi = _INT_RANGES.get(t.dtype, _INT32)
    for zp in t.zero_points if t.zero_points is not None else ():
        if not lo <= int(zp) <= hi:
            raise ConversionError(f"{_tname(t)} ({t.dtype}) has zero point {int(zp)} outside "
                                  f"[{lo}, {hi}]")


def _check_tensors(graph: Graph, limits: Limits) -> None:
    """Every tensor an operator or the model I/O refers to: shape, quantization, size limits."""
    referenced: set[int] = set(graph.inputs) | set(graph.outputs)
    for op in graph.ops:
        referenced.update(i for i in op.inputs + op.outputs if i >= 0)
    const_total = 0
    for i in sorted(referenced):
        t = graph.tensors[i]
        if len(t.shape) > 8 or any(d < 0 for d in t.shape):
            raise ConversionError(f"{_tname(t)} has a dynamic or invalid shape {list(t.shape)}")
        nbytes = t.elements * (DTYPES[t.dtype][1].itemsize if t.dtype in DTYPES else 1)
        if nbytes > limits.tensor_bytes:
            raise ConversionError(f"{_tname(t)} shape {list(t.shape)} is {nbytes} bytes, above "
                                  f"the limit of {limits.tensor_bytes} bytes for one tensor")
        if t.is_const:
            const_total += nbytes
        _check_quantization(t)
    if const_total > limits.constant_bytes:
        raise ConversionError(f"constant data of {const_total} bytes is above the limit of "
                              f"{limits.constant_bytes} bytes")


def _lower_all(graph: Graph, pool: ConstPool) -> list[LoweredOp]:
    lowered = []
    for op in graph.ops:
        try:
            lop = lower(graph, op, pool)
        except (ConversionError, MemoryError):
            raise
        except Exception as exc:  # a converter bug: still one clear line, marked internal
            raise ConversionError(f"internal converter error ({type(exc).__name__}: {exc}); "
                                  "please report it with the model", op.index, op.name,
                                  internal=True) from exc
        for o in lop.outputs:
            if graph.tensors[o].is_const:
                raise ConversionError(f"output {_tname(graph.tensors[o])} is a constant",
                                      op.index, op.name)
        for p in lop.params:
            if not _INT32[0] <= int(p) <= _INT32[1]:
                raise ConversionError(f"parameter {p} does not fit the blob's int32 parameter "
                                      "words (shapes or scales too large)", op.index, op.name)
        lowered.append(lop)
    return lowered


def convert(model: str | Path | bytes, *, keep_names: bool = False,
            alignment: int = ARENA_ALIGNMENT, target: str | None = None,
            max_arena_bytes: int | None = None, max_tensor_bytes: int | None = None,
            max_constant_bytes: int | None = None, engine_check: bool = True,
            in_place: bool = False, max_ram_bytes: int | None = None) -> Conversion:
    """Convert a .tflite model (path or bytes) into a pyruntime blob.

    Elementwise operators always write over a dying same-size input (free). `in_place` also lets
    every convolution that can write its output over a dying input in bands of rows
    (pyruntime.inplace): the smallest arena, for a few more instructions (Cortex-M4 +0.1-2.6% on
    the MLPerf Tiny models; more where a fast kernel's per-call set-up weighs: Cortex-M55, NEON).
    The default is the plan with the fewest instructions. `max_ram_bytes`
    bounds the RAM (arena + the engine state on a 32-bit target) and picks the cheapest plan that
    fits: the fewest layers run in bands (none where that fits); a model that does not fit even
    with every layer it can run in bands is refused with the smallest RAM the engine reaches.

    `target` (e.g. "cortex-m4") plans each operator's scratch for the kernels that target's
    engine build runs, so the arena is exact there; None (default) plans for every kernel set, so
    the blob runs on every target (pyruntime.kernels).

    Every failure is a ConversionError (ModelReadError, a subclass, for unreadable files) naming
    the operator (index, name) or the tensor and the reason; OSError when the file cannot be
    read. The limits (bytes) default to DEFAULT_MAX_ARENA_BYTES, DEFAULT_MAX_TENSOR_BYTES and
    DEFAULT_MAX_CONSTANT_BYTES. With `engine_check` (default) the finished blob also goes
    through the engine's own loader (pyrt_init, when the compiled engine is installed), so a
    blob returned here is one the engine accepts.
    """
    raw = Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model)
    name = Path(model).name if isinstance(model, (str, Path)) else ""
    limits = Limits(
        DEFAULT_MAX_ARENA_BYTES if max_arena_bytes is None else int(max_arena_bytes),
        DEFAULT_MAX_TENSOR_BYTES if max_tensor_bytes is None else int(max_tensor_bytes),
        DEFAULT_MAX_CONSTANT_BYTES if max_constant_bytes is None else int(max_constant_bytes))
    try:
        if max_ram_bytes is None:
            return _convert(raw, name, keep_names, alignment, limits, engine_check, target,
                            in_place)
        return _fit_ram(raw, name, keep_names, alignment, limits, engine_check, target,
                        int(max_ram_bytes))
    except (ConversionError, MemoryError, RecursionError):
        raise
    except BlobFormatError as exc:
        raise ConversionError(str(exc)) from exc
    except Exception as exc:  # a converter bug: still one clear line, marked internal
        raise ConversionError(f"internal converter error ({type(exc).__name__}: {exc}); please "
                              "report it with the model", internal=True) from exc


def _peak_ops(conv: Conversion) -> set[int]:
    """Operator positions where the most bytes are alive in the plan (in-place pairs counted
    as their footprint)."""
    alive = live_profile(conv.buffers, conv.overlaps)
    return {t for t, n in enumerate(alive) if n == max(alive, default=0)}


def _fit_ram(raw: bytes, name: str, keep_names: bool, alignment: int, limits: Limits,
             engine_check: bool, target: str | None, budget: int) -> Conversion:
    """The conversion with the fewest banded (slower) layers whose RAM fits `budget` bytes.

    Without bands first; then, while the RAM is above the budget, the layers that may run in
    bands at the operators where the plan peaks are added (every remaining one when none is at
    a peak)."""
    def run(allowed: frozenset[int] | bool) -> Conversion:
        return _convert(raw, name, keep_names, alignment, limits, engine_check, target, allowed)

    smallest = run(True)
    if smallest.ram_bytes > budget:
        raise ConversionError(
            f"the model needs {smallest.ram_bytes} bytes of RAM (arena {smallest.arena_bytes} + "
            f"engine state {smallest.ram_bytes - smallest.arena_bytes} on a 32-bit target), "
            f"above --max-ram {budget}: that is the smallest RAM this engine reaches for it")
    allowed: frozenset[int] = frozenset()
    while True:
        conv = run(allowed)
        if conv.ram_bytes <= budget:
            return conv
        rest = [p for p in conv.band_candidates if p not in allowed]
        if not rest:
            return smallest
        peaks = _peak_ops(conv)
        at_peak = {p for p in rest if p in peaks}
        allowed = allowed | (at_peak or set(rest))


def write_output(data: bytes, path: str | Path) -> None:
    """Write `data` to `path` atomically: a temporary file beside it, renamed only once
    complete, so a failed conversion never leaves a partial or stale blob behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            # mkstemp makes the file 0600: give it the mode a plain open() would (0666 & ~umask)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _convert(raw: bytes, name: str, keep_names: bool, alignment: int, limits: Limits,
             engine_check: bool, target: str | None,
             in_place: bool | frozenset[int] = True) -> Conversion:
    graph = read_tflite(raw)
    _check_io(graph)
    _check_tensors(graph, limits)
    fold_constant_reshapes(graph)
    aliases = alias_reshapes(graph)
    pool = ConstPool()
    lowered = _lower_all(graph, pool)
    try:
        sets = plan_sets(target)
    except ValueError as exc:
        raise ConversionError(str(exc)) from exc
    for op in lowered:
        op.scratch_bytes = scratch_bytes(op, graph, sets)

    # Tensors the blob keeps, in source order.
    used: set[int] = set(graph.inputs) | set(graph.outputs) | set(aliases.values())
    for op in lowered:
        used.update(i for i in op.inputs + op.outputs if i >= 0)
    order = sorted(used)
    if len(order) > MAX_BLOB_TENSORS:
        raise ConversionError(f"the blob would hold {len(order)} tensors; the format allows "
                              f"{MAX_BLOB_TENSORS}")
    tmap = {g: b for b, g in enumerate(order)}
    for t in order:
        tensor = graph.tensors[t]
        if tensor.dtype not in DTYPES:
            raise ConversionError(f"{_tname(tensor)} has unsupported type {tensor.dtype}")
        if len(tensor.shape) > 6 or any(d < 1 or d > 0xFFFF for d in tensor.shape):
            raise ConversionError(f"{_tname(tensor)} shape {list(tensor.shape)} exceeds the "
                                  "format's limits (rank 6, dims 1..65535)")
        _check_quantization(tensor)

    lowered = _reorder(graph, lowered, order, aliases)
    # the liveness bound `convert` prints: every operator's inputs and outputs apart
    bound = lower_bound(list(_lifetimes(graph, lowered, order, aliases).values()))
    # elementwise outputs over a dying input of the same size: free, always taken
    aliases = merge_exact(graph, lowered, aliases)
    buffers = _lifetimes(graph, lowered, order, aliases)
    pairs = band_pairs(graph, lowered, aliases)
    overlaps = [Overlap(buffers[("t", p.out)], buffers[("t", p.inp)], p.below, p.above)
                for p in pairs
                if in_place is True or (in_place and p.pos in in_place)]
    least = inplace_bound(list(buffers.values()), overlaps)
    if least > limits.arena_bytes:
        raise ConversionError(f"the model needs an arena of at least {least} bytes, above the "
                              f"limit of {limits.arena_bytes} bytes (convert --max-arena)")
    arena, overlaps = _plan_fewest_bands(list(buffers.values()), alignment, overlaps)
    if arena > limits.arena_bytes:
        raise ConversionError(f"the memory plan needs an arena of {arena} bytes, above the "
                              f"limit of {limits.arena_bytes} bytes (convert --max-arena)")

    records = []
    for t in order:
        tensor = graph.tensors[t]
        flags = (fmt.TFLAG_QUANTIZED if tensor.quantized else 0) | \
            (fmt.TFLAG_PER_CHANNEL if tensor.per_channel else 0)
        if tensor.is_const:
            size = DTYPES[tensor.dtype][1].itemsize
            offset = pool.add(tensor.data.astype(DTYPES[tensor.dtype][1]),  # type: ignore[union-attr]
                              16 if tensor.nbytes >= 16 else size)
            storage = fmt.STORAGE_CONST
        else:
            offset = buffers[("t", aliases.get(t, t))].offset
            storage = fmt.STORAGE_ARENA
        records.append(fmt.TensorRecord(
            DTYPES[tensor.dtype][0], tuple(tensor.shape), storage, offset, tensor.nbytes,
            0.0 if tensor.per_channel else tensor.scale,
            0 if tensor.per_channel else tensor.zero_point, flags, tensor.name))
    op_records = []
    for i, op in enumerate(lowered):
        scratch = buffers.get(("s", i))
        op_records.append(fmt.OpRecord(
            op.code, [tmap[x] if x >= 0 else -1 for x in op.inputs], [tmap[x] for x in op.outputs],
            op.params, scratch.offset if scratch else 0, op.scratch_bytes, op.version))
    const_bytes = pool.bytes()
    if len(const_bytes) > limits.constant_bytes:
        raise ConversionError(f"constant data of {len(const_bytes)} bytes is above the limit of "
                              f"{limits.constant_bytes} bytes")
    data = fmt.write_blob(fmt.Blob(records, op_records, [tmap[i] for i in graph.inputs],
                                   [tmap[i] for i in graph.outputs], const_bytes, arena),
                          keep_names=keep_names)
    if engine_check:
        _engine_check(data, graph, lowered, order, limits.arena_bytes)
    return Conversion(data, graph, lowered, tmap, arena, bound, len(const_bytes), len(raw), name,
                      list(buffers.values()), [p.pos for p in pairs], overlaps)


def _engine_check(data: bytes, graph: Graph, lowered: list[LoweredOp], order: list[int],
                  max_arena: int) -> None:
    """Run the blob through the engine's loader (pyrt_init); a refusal becomes a
    ConversionError naming the source operator or tensor. Skipped without the compiled engine."""
    try:
        from .runtime import check_blob, section_of
    except ImportError:
        return
    try:
        check_blob(data, max_arena_bytes=max_arena)
    except EngineError as exc:
        section = section_of(data, exc.offset) if exc.offset else None
        reason = f"the engine refuses the converted model: {exc}"
        if section == fmt.SEC_OPS and 0 <= exc.index < len(lowered):
            op = lowered[exc.index]
            raise ConversionError(reason, op.source_index, op.name,
                                  engine_status=exc.status) from exc
        if section == fmt.SEC_TENSORS and 0 <= exc.index < len(order):
            t = graph.tensors[order[exc.index]]
            raise ConversionError(f"{_tname(t)}: {reason}", engine_status=exc.status) from exc
        raise ConversionError(reason, engine_status=exc.status) from exc


def _plan_fewest_bands(buffers: list[Buffer], alignment: int, overlaps: list[Overlap]
                       ) -> tuple[int, list[Overlap]]:
    """Plan with the in-place pairs; then again with only those at operators where the bytes
    alive without in-place execution exceed that arena, kept if the arena is no larger (a layer
    run in bands where it saves nothing only costs instructions)."""
    arena = plan(buffers, alignment, overlaps=overlaps)
    alive = live_profile(buffers)
    needed = [o for o in overlaps if alive[o.out.first] > arena]
    if len(needed) == len(overlaps):
        return arena, overlaps
    placed = [b.offset for b in buffers]
    if plan(buffers, alignment, overlaps=needed) <= arena:
        return arena, needed
    for b, off in zip(buffers, placed):
        b.offset = off
    return arena, overlaps


def _reorder(graph: Graph, ops: list[LoweredOp], order: list[int],
             aliases: dict[int, int]) -> list[LoweredOp]:
    """The execution order with the lowest liveness peak the data dependencies allow
    (pyruntime.ordering); the source order where no other is better."""
    def key(t: int) -> int | None:
        return None if graph.tensors[t].is_const else aliases.get(t, t)

    def cost(perm: list[int]) -> int:
        return lower_bound(list(_lifetimes(graph, [ops[i] for i in perm], order,
                                           aliases).values()))

    keep = {aliases.get(t, t) for t in graph.outputs}
    perm = best_order(ops, key, lambda k: graph.tensors[k].nbytes, cost, keep)
    return [ops[i] for i in perm]


def _lifetimes(graph: Graph, ops: list[LoweredOp], order: list[int],
               aliases: dict[int, int]) -> dict[tuple[str, int], Buffer]:
    """One buffer per alias group of arena tensors, plus one per operator scratch area."""
    last_pos = len(ops) - 1
    span: dict[int, list[int]] = {}

    def touch(t: int, pos: int) -> None:
        root = aliases.get(t, t)
        s = span.setdefault(root, [pos, pos])
        s[0], s[1] = min(s[0], pos), max(s[1], pos)

    for t in graph.inputs:
        touch(t, 0)
    for pos, op in enumerate(ops):
        for t in op.inputs + op.outputs:
            if t >= 0 and not graph.tensors[t].is_const:
                touch(t, pos)
    for t in graph.outputs:
        touch(t, last_pos)
    for t in order:
        if not graph.tensors[t].is_const and aliases.get(t, t) not in span:
            raise ConversionError(f"tensor '{graph.tensors[t].name}' is neither produced by an "
                                  "operator nor a model input")
    # a tensor read before anything writes it would be garbage: refuse
    produced = set(graph.inputs)
    for op in ops:
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_const and aliases.get(t, t) not in produced \
                    and t not in produced:
                raise ConversionError(f"reads tensor '{graph.tensors[t].name}' before it is written",
                                      op.source_index, op.name)
        for t in op.outputs:
            produced.add(t)
            produced.add(aliases.get(t, t))
    for alias, root in aliases.items():
        if root in produced:
            produced.add(alias)
    buffers: dict[tuple[str, int], Buffer] = {}
    for root, (first, last) in span.items():
        buffers[("t", root)] = Buffer(("t", root), graph.tensors[root].nbytes, first, last)
    for pos, op in enumerate(ops):
        if op.scratch_bytes:
            buffers[("s", pos)] = Buffer(("s", pos), op.scratch_bytes, pos, pos)
    return buffers
