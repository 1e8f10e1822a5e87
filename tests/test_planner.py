"""Memory planner: property tests on random lifetimes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pyruntime.planner import Buffer, Overlap, allowed, inplace_bound, lower_bound, plan

buffers = st.lists(
    st.tuples(st.integers(1, 5000), st.integers(0, 30), st.integers(0, 10)),
    min_size=1, max_size=40,
).map(lambda xs: [Buffer(i, size, first, first + span) for i, (size, first, span) in enumerate(xs)])


@settings(max_examples=200, deadline=None)
@given(buffers, st.sampled_from([1, 4, 16]))
def test_plan_is_valid(bufs: list[Buffer], alignment: int) -> None:
    arena = plan(bufs, alignment, random_trials=20)
    assert arena >= lower_bound(bufs)
    assert arena == max(b.offset + b.size for b in bufs)
    for i, a in enumerate(bufs):
        assert a.offset % alignment == 0
        for b in bufs[i + 1:]:
            if not (a.last < b.first or b.last < a.first):
                assert a.offset + a.size <= b.offset or b.offset + b.size <= a.offset, (a, b)


def test_chain_reaches_bound() -> None:
    # A chain of ops where each output lives from its producer to its consumer.
    sizes = [27648, 18432, 18432, 36864, 9216, 18432, 18432, 4608]
    bufs = [Buffer(i, s, max(i - 1, 0), i) for i, s in enumerate(sizes)]
    assert plan(bufs) == lower_bound(bufs) == 55296


def test_empty() -> None:
    assert plan([]) == 0


@settings(max_examples=200, deadline=None)
@given(buffers, st.sampled_from([1, 16]), st.data())
def test_plan_with_in_place_pairs_is_valid(bufs: list[Buffer], alignment: int,
                                           data: st.DataObject) -> None:
    """Pairs (out, inp) alive together at one operator may overlap only with out at least
    `shift` bytes below inp; the plan stays within [inplace_bound, liveness bound placements]."""
    pairs = []
    used: set[int] = set()
    for i, a in enumerate(bufs):
        for b in bufs[i + 1:]:
            if a.last == b.first and id(a) not in used and id(b) not in used \
                    and data.draw(st.booleans()):
                pairs.append(Overlap(b, a, data.draw(st.integers(1, a.size + b.size))))
                used.update((id(a), id(b)))
    arena = plan(bufs, alignment, random_trials=20, overlaps=pairs)
    assert arena >= inplace_bound(bufs, pairs)
    assert arena == max(b.offset + b.size for b in bufs)
    for i, a in enumerate(bufs):
        assert a.offset % alignment == 0
        for b in bufs[i + 1:]:
            assert allowed(a, b, pairs), (a, b, pairs)


def test_in_place_chain_slides() -> None:
    # three layers of 1000 bytes, each written over its input 100 bytes below it
    bufs = [Buffer(i, 1000, max(i - 1, 0), i) for i in range(4)]
    pairs = [Overlap(bufs[i + 1], bufs[i], 100) for i in range(1, 3)]
    assert lower_bound(bufs) == 2000
    assert plan(bufs, 1, overlaps=pairs) == inplace_bound(bufs, pairs) == 2000
    bufs = [Buffer(i, 1000, i, i + 1) for i in range(3)] + [Buffer(3, 1000, 3, 3)]
    pairs = [Overlap(bufs[i + 1], bufs[i], 100) for i in range(3)]
    assert plan(bufs, 1, overlaps=pairs) == 1300
