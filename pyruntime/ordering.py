"""Operator ordering for branching graphs: the execution order that minimises the memory peak.

The blob runs its operators in record order, so any topological order of the data dependencies
is valid. In a chain there is one; where a graph branches (residual blocks, parallel heads), the
order in which the branches run changes which tensors are alive together. `best_order` tries the
source order and greedy memory-aware orders and keeps the one with the lowest cost (the caller's
measure, e.g. the liveness bound of the resulting plan); ties keep the source order, so a chain
or an already optimal graph is left as it is.

    order = best_order(ops, arena_key, size, cost)   # a permutation of range(len(ops))
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol


class OpLike(Protocol):
    inputs: list[int]
    outputs: list[int]


def _deps(ops: Sequence[OpLike], key: Callable[[int], int | None]) -> list[set[int]]:
    """For each operator, the operators that must run before it (writers of what it reads)."""
    writer: dict[int, int] = {}
    deps: list[set[int]] = []
    readers: dict[int, list[int]] = {}
    for i, op in enumerate(ops):
        d: set[int] = set()
        for t in op.inputs:
            k = key(t) if t >= 0 else None
            if k is not None and k in writer:
                d.add(writer[k])
        for t in op.outputs:  # a later write must also follow every earlier reader and writer
            k = key(t)
            if k is not None:
                d.update(readers.get(k, ()))
                if k in writer:
                    d.add(writer[k])
        d.discard(i)
        deps.append(d)
        for t in op.inputs:
            k = key(t) if t >= 0 else None
            if k is not None:
                readers.setdefault(k, []).append(i)
        for t in op.outputs:
            k = key(t)
            if k is not None:
                writer[k] = i
    return deps


def _keys(ts: Sequence[int], key: Callable[[int], int | None]) -> set[int]:
    """The arena buffers of tensors `ts` (absent inputs and constants left out)."""
    return {k for k in (key(t) for t in ts if t >= 0) if k is not None}


def _greedy(ops: Sequence[OpLike], deps: list[set[int]], key: Callable[[int], int | None],
            size: Callable[[int], int], keep: set[int] | frozenset[int],
            prefer_free: bool) -> list[int]:
    """Run next the ready operator that grows the live set least (or frees most)."""
    remaining_readers: dict[int, int] = {}
    for op in ops:
        for k in _keys(op.inputs, key):
            remaining_readers[k] = remaining_readers.get(k, 0) + 1
    waiting = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in ops]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    ready = {i for i, n in enumerate(waiting) if n == 0}
    order: list[int] = []
    while ready:
        def score(i: int) -> tuple[int, int]:
            freed = sum(size(k) for k in _keys(ops[i].inputs, key)
                        if remaining_readers[k] == 1 and k not in keep)
            grown = sum(size(k) for k in _keys(ops[i].outputs, key))
            return ((-freed, i) if prefer_free else (grown - freed, i))
        i = min(ready, key=score)
        ready.discard(i)
        order.append(i)
        for k in _keys(ops[i].inputs, key):
            remaining_readers[k] -= 1
        for j in users[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                ready.add(j)
    return order


def best_order(ops: Sequence[OpLike], key: Callable[[int], int | None],
               size: Callable[[int], int], cost: Callable[[list[int]], int],
               keep: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """The cheapest (by `cost`) of the source order and the greedy orders.

    `key(t)` is the arena buffer of tensor t (None for constants), `size(k)` its bytes, `keep`
    buffers that stay alive to the end (model outputs), `cost(order)` the figure to minimise.
    """
    source = list(range(len(ops)))
    if len(ops) < 3:
        return source
    deps = _deps(ops, key)
    best, best_cost = source, cost(source)
    for prefer_free in (False, True):
        cand = _greedy(ops, deps, key, size, keep, prefer_free)
        if len(cand) != len(ops) or cand == best:
            continue
        c = cost(cand)
        if c < best_cost:
            best, best_cost = cand, c
    return best
