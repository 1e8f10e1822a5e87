"""The conversion pipeline: .tflite -> IR -> passes -> lowering -> memory plan -> blob."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import blob as fmt
from .constpool import ConstPool
from .errors import ConversionError
from .ir import DTYPES, Graph
from .kernels import plan_sets, scratch_bytes
from .ops import LoweredOp, lower
from .passes import alias_reshapes, fold_constant_reshapes
from .planner import Buffer, lower_bound, plan
from .tflite_reader import read_tflite

ARENA_ALIGNMENT = 16


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


def _check_io(graph: Graph) -> None:
    if not graph.inputs or not graph.outputs:
        raise ConversionError("model declares no inputs or no outputs")
    for role, idx in (("input", graph.inputs), ("output", graph.outputs)):
        for i in idx:
            t = graph.tensors[i]
            if t.dtype not in DTYPES:
                raise ConversionError(f"model {role} '{t.name}' has unsupported type {t.dtype}")
            if len(t.shape) > 6 or any(d < 1 or d > 0xFFFF for d in t.shape):
                raise ConversionError(f"model {role} '{t.name}' has unsupported shape {list(t.shape)}")
    for i in graph.inputs:
        if graph.tensors[i].is_const:
            raise ConversionError(f"model input '{graph.tensors[i].name}' is a constant")


def convert(model: str | Path | bytes, *, keep_names: bool = False,
            alignment: int = ARENA_ALIGNMENT, target: str | None = None) -> Conversion:
    """Convert a .tflite model (path or bytes) into a pyruntime blob.

    `target` (e.g. "cortex-m4") plans each operator's scratch for the kernels that target's
    engine build runs, so the arena is exact there; None (default) plans for every kernel set, so
    the blob runs on every target (pyruntime.kernels).

    Raises ModelReadError for unreadable files and ConversionError (with the operator index,
    name and reason) for anything the engine does not support.
    """
    raw = Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model)
    name = Path(model).name if isinstance(model, (str, Path)) else ""
    graph = read_tflite(raw)
    _check_io(graph)
    fold_constant_reshapes(graph)
    aliases = alias_reshapes(graph)
    pool = ConstPool()
    lowered = [lower(graph, op, pool) for op in graph.ops]
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
    tmap = {g: b for b, g in enumerate(order)}
    for t in order:
        tensor = graph.tensors[t]
        if tensor.dtype not in DTYPES:
            raise ConversionError(f"tensor '{tensor.name}' has unsupported type {tensor.dtype}")
        if len(tensor.shape) > 6 or any(d > 0xFFFF for d in tensor.shape):
            raise ConversionError(f"tensor '{tensor.name}' shape {list(tensor.shape)} exceeds the "
                                  "format's limits (rank 6, dims <= 65535)")

    buffers = _lifetimes(graph, lowered, order, aliases)
    arena = plan(list(buffers.values()), alignment)
    bound = lower_bound(list(buffers.values()))

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
    data = fmt.write_blob(fmt.Blob(records, op_records, [tmap[i] for i in graph.inputs],
                                   [tmap[i] for i in graph.outputs], const_bytes, arena),
                          keep_names=keep_names)
    return Conversion(data, graph, lowered, tmap, arena, bound, len(const_bytes), len(raw), name,
                      list(buffers.values()))


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
