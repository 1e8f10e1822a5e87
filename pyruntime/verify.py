"""Compare the engine with the TFLM reference interpreter on the same inputs."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


def random_input(dtype: np.dtype, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Uniform over the whole integer range; standard normal for floats."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, int(info.max) + 1, size=shape, dtype=dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    return rng.standard_normal(size=shape).astype(dtype)


def as_batch(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """View `x` as a batch of inputs of `shape` (x may be one input or several stacked)."""
    x = np.asarray(x)
    if tuple(x.shape) == shape:
        return x[None]
    if tuple(x.shape[1:]) == shape:
        return x
    if shape[:1] == (1,) and tuple(x.shape[1:]) == shape[1:]:
        return x.reshape((x.shape[0],) + shape)
    raise ValueError(f"inputs of shape {list(x.shape)} are neither one input of shape "
                     f"{list(shape)} nor a batch of them")


@dataclass
class OutputDiff:
    index: int
    max_abs_diff: float = 0.0
    mismatched_inputs: int = 0


@dataclass
class VerifyReport:
    inputs_checked: int
    outputs: list[OutputDiff] = field(default_factory=list)
    first_mismatch: int | None = None  # index of the first input that differed

    @property
    def ok(self) -> bool:
        return all(o.mismatched_inputs == 0 for o in self.outputs)


def check_given(given: np.ndarray, specs: Sequence[tuple[np.dtype, tuple[int, ...]]]
                ) -> list[np.ndarray]:
    """The given inputs as a list of samples of the model input's dtype and shape; InputError
    (naming the expectation) for a multi-input model, a wrong shape, an unsafe dtype or values
    outside the input type's range."""
    from .errors import InputError
    if len(specs) != 1:
        raise InputError("given inputs work for single-input models only")
    dtype, shape = np.dtype(specs[0][0]), specs[0][1]
    given = np.asarray(given)
    expect = f"the model input is {dtype}{list(shape)} (or a batch of them)"
    if not np.can_cast(given.dtype, dtype, casting="same_kind"):
        raise InputError(f"array of dtype {given.dtype} cannot be used: {expect}")
    if given.dtype.kind in "iu" and dtype.kind in "iu" and given.size:
        info = np.iinfo(dtype)
        if given.min() < info.min or given.max() > info.max:
            raise InputError(f"values outside the {dtype} range [{info.min}, {info.max}]: "
                             f"{expect}")
    try:
        batch = as_batch(given, shape)
    except ValueError:
        raise InputError(f"array of shape {list(given.shape)}: {expect}") from None
    return [np.ascontiguousarray(x.astype(dtype, casting="same_kind")) for x in batch]


def input_sets(specs: Sequence[tuple[np.dtype, tuple[int, ...]]], given: np.ndarray | None,
               count: int, seed: int) -> Iterator[list[np.ndarray]]:
    """The given inputs (single-input models) followed by `count` seeded random ones."""
    if given is not None:
        for x in check_given(given, specs):
            yield [x]
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield [random_input(dt, shape, rng) for dt, shape in specs]


def verify(model: str | Path | bytes, given: np.ndarray | None = None, count: int = 100,
           seed: int = 0, progress: Callable[[int], Any] | None = None,
           in_place: bool = False) -> VerifyReport:
    """Convert `model` (`in_place`: with convolutions in bands, as `convert --in-place`), run
    ours and TFLM's on the same inputs, and report every difference."""
    from .convert import convert
    from .reference import TflmReference
    from .runtime import Engine

    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    conv = convert(model, in_place=in_place)
    engine = Engine(conv.blob)
    specs = [(t.dtype, t.shape) for t in engine.inputs]
    if given is not None:
        check_given(given, specs)  # before TFLM loads the model: fail fast
    elif count < 1:
        raise ValueError("nothing to verify: count is 0 and no inputs are given")
    ref = TflmReference(model if not isinstance(model, bytes) else model)
    report = VerifyReport(0, [OutputDiff(i) for i in range(len(engine.outputs))])
    for n, xs in enumerate(input_sets(specs, given, count, seed)):
        ours = engine.invoke(*xs)
        theirs = ref.invoke(xs)
        differed = False
        for o, (a, b) in enumerate(zip(ours, theirs)):
            diff = float(np.max(np.abs(a.astype(np.float64) - np.asarray(b).reshape(a.shape)
                                       .astype(np.float64)))) if a.size else 0.0
            report.outputs[o].max_abs_diff = max(report.outputs[o].max_abs_diff, diff)
            if diff != 0.0:
                report.outputs[o].mismatched_inputs += 1
                differed = True
        if differed and report.first_mismatch is None:
            report.first_mismatch = n
        report.inputs_checked += 1
        if progress:
            progress(1)
    return report
