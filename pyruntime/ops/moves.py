"""Move programs: the planned byte copies that run every pure data-movement operator.

A move copies a strided (or, along some loops, table-indexed) view of one input into a strided
view of one output. Loops are given in elements here; `program()` drops unit loops, merges
contiguous ones, converts to bytes and emits the engine parameter words (decoded by
runtime_c/src/ops/move.c for the move_u8 kernel).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..constpool import ConstPool
from .common import Ctx

MAX_LOOPS = 8


@dataclass
class Loop:
    count: int
    src_stride: int  # elements (ignored when table is given)
    dst_stride: int  # elements
    table: list[int] | None = None  # source element offsets, one per iteration


@dataclass
class Move:
    src_slot: int
    dst_slot: int
    src_base: int  # elements
    dst_base: int  # elements
    loops: list[Loop] = field(default_factory=list)


def row_strides(shape: tuple[int, ...] | list[int]) -> list[int]:
    strides, s = [], 1
    for d in reversed(list(shape)):
        strides.append(s)
        s *= int(d)
    return list(reversed(strides))


def copy_move(src_slot: int, dst_slot: int, shape: list[int], src_strides: list[int],
              dst_strides: list[int], src_base: int = 0, dst_base: int = 0) -> Move:
    loops = [Loop(int(n), int(a), int(b)) for n, a, b in zip(shape, src_strides, dst_strides)]
    return Move(src_slot, dst_slot, int(src_base), int(dst_base), loops)


def _to_bytes(loops: list[Loop], esize: int) -> list[Loop]:
    res: list[Loop] = []
    for lp in loops:
        if lp.count == 1 and lp.table is None:
            continue
        if lp.table is not None:
            res.append(Loop(lp.count, 0, lp.dst_stride * esize, [v * esize for v in lp.table]))
        else:
            res.append(Loop(lp.count, lp.src_stride * esize, lp.dst_stride * esize))
    res.append(Loop(esize, 1, 1))
    merged = res  # merge an outer loop into the next inner one when both are contiguous
    changed = True
    while changed:
        changed = False
        for i in range(len(merged) - 1):
            a, b = merged[i], merged[i + 1]
            if a.table is None and b.table is None and a.src_stride == b.count * b.src_stride \
                    and a.dst_stride == b.count * b.dst_stride:
                merged[i:i + 2] = [Loop(a.count * b.count, b.src_stride, b.dst_stride)]
                changed = True
                break
    return merged


def program(c: Ctx, pool: ConstPool, moves: list[Move], esize: int,
            fill: int | None = None) -> list[int]:
    """Engine parameter words for `moves` (see move.c), with an optional fill value."""
    words = [len(moves), esize, 0 if fill is None else 1, 0 if fill is None else int(fill)]
    for mv in moves:
        loops = _to_bytes(mv.loops, esize)
        if len(loops) > MAX_LOOPS:
            raise c.fail(f"copy pattern needs {len(loops)} nested loops; the engine supports "
                         f"{MAX_LOOPS}")
        words += [mv.src_slot, mv.dst_slot, mv.src_base * esize, mv.dst_base * esize, len(loops)]
        for lp in loops:
            tab = -1
            if lp.table is not None:
                tab = pool.add(np.asarray(lp.table, dtype="<i4"), 4)
            words += [lp.count, lp.src_stride, lp.dst_stride, tab]
    return words


def fill_value(value: int) -> int:
    """A fill value as the int32 parameter word (sign-extended for wider types)."""
    return int(np.int64(value).astype(np.int32))
