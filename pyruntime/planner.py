"""Offline memory planner: places every arena buffer so that buffers alive at the same time never
overlap, minimising the arena size.

A buffer is alive over an inclusive range of operator positions [first, last]. Placement is tried
with several orderings (and first-fit / best-fit gap choice), then a bounded, seeded random search;
the smallest arena wins, and the search stops as soon as it meets the lower bound.

In-place pairs (`Overlap(out, inp, shift, above)`, pyruntime.inplace) relax the rule for two
buffers alive together at one operator: `out` may overlap `inp` when it starts at least `shift`
bytes below it, or at least `above` bytes above it (the engine then runs that operator in bands).
Without pairs the lower bound is the liveness bound (the largest total size of buffers alive at
one operator); with them `inplace_bound` counts each pair at the operator they share as the
smaller of max(shift + inp, out) and max(above + out, inp) bytes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Hashable, Sequence


@dataclass
class Buffer:
    key: Hashable
    size: int
    first: int
    last: int
    offset: int = -1


def _align(x: int, a: int) -> int:
    return (x + a - 1) // a * a


def _overlaps(a: Buffer, b: Buffer) -> bool:
    return not (a.last < b.first or b.last < a.first)


@dataclass(frozen=True)
class Overlap:
    """`out` may start `shift` or more bytes below `inp`, or `above` or more bytes above it, and
    overlap it (alive together only at the one operator that writes `out` over `inp`)."""

    out: Buffer
    inp: Buffer
    shift: int
    above: int | None = None

    def footprint(self) -> int:
        """The fewest bytes the two take together."""
        down = max(self.shift + self.inp.size, self.out.size)
        if self.above is None:
            return down
        return min(down, max(self.above + self.out.size, self.inp.size))


def allowed(a: Buffer, b: Buffer, pairs: Sequence[Overlap] = ()) -> bool:
    """Whether the placed buffers a and b may share bytes as placed."""
    if not _overlaps(a, b) or a.offset + a.size <= b.offset or b.offset + b.size <= a.offset:
        return True
    for p in pairs:
        if (p.out is a and p.inp is b) or (p.out is b and p.inp is a):
            return p.out.offset + p.shift <= p.inp.offset or \
                (p.above is not None and p.inp.offset + p.above <= p.out.offset)
    return False


def lower_bound(buffers: Sequence[Buffer]) -> int:
    if not buffers:
        return 0
    end = max(b.last for b in buffers)
    return max(sum(b.size for b in buffers if b.first <= t <= b.last) for t in range(end + 1))


def live_profile(buffers: Sequence[Buffer], pairs: Sequence[Overlap] = ()) -> list[int]:
    """Bytes alive at each operator, each in-place pair counted as its smallest footprint."""
    if not buffers:
        return []
    end = max(b.last for b in buffers)
    alive = [0] * (end + 1)
    for b in buffers:
        for t in range(b.first, b.last + 1):
            alive[t] += b.size
    for p in pairs:
        saved = p.out.size + p.inp.size - p.footprint()
        for t in range(max(p.out.first, p.inp.first), min(p.out.last, p.inp.last) + 1):
            alive[t] -= max(saved, 0)
    return alive


def inplace_bound(buffers: Sequence[Buffer], pairs: Sequence[Overlap]) -> int:
    """The liveness bound with each in-place pair counted as its smallest footprint (the
    smaller of max(shift + inp, out) and max(above + out, inp)) where both are alive."""
    return max(live_profile(buffers, pairs), default=0)


def _forbidden(buf: Buffer, other: Buffer, off: int, pair: tuple[int, int | None] | None,
               buf_is_out: bool) -> tuple[int, int]:
    """Offsets [lo, hi) that `buf` may not take beside `other` placed at `off`: disjoint, or
    for an in-place pair (below, above) the output far enough below or above the input."""
    lo, hi = off - buf.size + 1, off + other.size
    if pair is None:
        return lo, hi
    below, above = pair
    if buf_is_out:  # buf may start at or below off - below, or at or above off + above
        lo = off - min(buf.size, below) + 1
        if above is not None:
            hi = off + min(other.size, above)
    else:  # buf (the input) may start at or above off + below, or at or below off - above
        hi = off + min(other.size, below)
        if above is not None:
            lo = off - min(buf.size, above) + 1
    return lo, hi


def _place(order: Sequence[Buffer], alignment: int, best_fit: bool,
           pairs: dict[tuple[int, int], tuple[int, int | None]] | None = None
           ) -> tuple[int, dict[int, int]]:
    pairs = pairs or {}
    offsets: dict[int, int] = {}
    # placed buffers by operator position, so that finding the ones alive at the same time as a
    # buffer costs its lifetime's occupancy, not the number of buffers (a chain of thousands of
    # operators plans in linear time)
    alive_at: dict[int, list[Buffer]] = {}
    peak = 0
    for buf in order:
        seen: dict[int, tuple[int, int]] = {}
        for t in range(buf.first, buf.last + 1):
            for b in alive_at.get(t, ()):
                if id(b) not in seen:
                    as_out = pairs.get((id(buf), id(b)))
                    pair = as_out if as_out is not None else pairs.get((id(b), id(buf)))
                    seen[id(b)] = _forbidden(buf, b, offsets[id(b)], pair, as_out is not None)
        busy = sorted(seen.values())
        candidates: list[tuple[int, int]] = []  # (offset, gap size)
        cursor = 0
        for lo, hi in busy:
            if cursor < lo:
                candidates.append((cursor, lo - cursor))
                if not best_fit:
                    break
            cursor = max(cursor, _align(hi, alignment))
        if not candidates or best_fit:
            candidates.append((cursor, 1 << 62))
        offset = min(candidates, key=lambda c: (c[1], c[0]))[0] if best_fit else candidates[0][0]
        offsets[id(buf)] = offset
        for t in range(buf.first, buf.last + 1):
            alive_at.setdefault(t, []).append(buf)
        peak = max(peak, offset + buf.size)
    return peak, offsets


_WORK_BUDGET = 50_000_000

_ORDERS: list[Callable[[Buffer], tuple]] = [
    lambda b: (-b.size, b.first),
    lambda b: (-b.size * (b.last - b.first + 1), b.first),
    lambda b: (-(b.last - b.first), -b.size),
    lambda b: (b.first, -b.size),
    lambda b: (-b.size, -b.first),
    # latest first: a chain of in-place operators then stacks each input just above its output
    lambda b: (-b.first, -b.size),
    lambda b: (-b.last, -b.size),
]


def plan(buffers: list[Buffer], alignment: int = 16, random_trials: int = 300,
         seed: int = 0, overlaps: Sequence[Overlap] = ()) -> int:
    """Assign `offset` (aligned) to every buffer; return the arena size in bytes."""
    if not buffers:
        return 0
    bound = inplace_bound(buffers, overlaps) if overlaps else lower_bound(buffers)
    pairs = {(id(p.out), id(p.inp)): (p.shift, p.above) for p in overlaps}
    best: tuple[int, dict[int, int]] | None = None
    orders = [sorted(buffers, key=k) for k in _ORDERS]
    rng = random.Random(seed)
    # bounded work: the random search shrinks as the model grows (every MLPerf Tiny model keeps
    # all 300 trials; a model with thousands of buffers gets a few), so planning never hangs
    work = sum(b.last - b.first + 1 for b in buffers) * len(buffers)
    random_trials = min(random_trials, _WORK_BUDGET // max(work, 1))
    for i in range(len(orders) * 2 + random_trials):
        if i < len(orders) * 2:
            order, best_fit = orders[i // 2], bool(i % 2)
        else:
            order = list(buffers)
            rng.shuffle(order)
            # random orderings that still favour big, long-lived buffers first
            order.sort(key=lambda b: -b.size * rng.uniform(0.5, 1.5))
            best_fit = rng.random() < 0.5
        result = _place(order, alignment, best_fit, pairs)
        if best is None or result[0] < best[0]:
            best = result
        if best[0] <= bound:
            break
    assert best is not None
    for b in buffers:
        b.offset = best[1][id(b)]
    return best[0]
