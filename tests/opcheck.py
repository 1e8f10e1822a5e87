"""Property-test harness: random single-operator models, ours against TFLM, bit for bit.

    def case(rng: np.random.Generator) -> Case: ...   # build one random configuration
    def test_add(): run_cases("ADD", case)           # 200 seeded cases (PYRT_OP_CASES)

A failure names the operator, the case seed and the configuration, and how to replay it alone:
    PYRT_OP_SEED=<seed> pytest tests/... -k <test>
"""
from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.reference import TflmReference
from pyruntime.runtime import Engine

DEFAULT_CASES = int(os.environ.get("PYRT_OP_CASES", "200"))


@dataclass
class Case:
    model: bytes  # a .tflite built with pyruntime.tflite_builder
    inputs: list[np.ndarray]  # one set of inputs (more are drawn at random if extra_inputs > 0)
    config: dict[str, Any] = field(default_factory=dict)  # shown on failure
    expect_refusal: str | None = None  # a substring of the ConversionError we expect instead
    extra_inputs: int = 2  # further random input sets run through the same model


def random_like(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if x.dtype.kind in "iu":
        info = np.iinfo(x.dtype)
        return rng.integers(info.min, int(info.max) + 1, size=x.shape, dtype=x.dtype)
    return (rng.standard_normal(x.shape) * 3).astype(x.dtype)


def check_case(case: Case, rng: np.random.Generator) -> None:
    """Convert and run `case` on our engine and TFLM; raise AssertionError on any difference."""
    try:
        conv = convert(case.model)
    except ConversionError as exc:
        if case.expect_refusal is not None and case.expect_refusal in str(exc):
            return
        raise AssertionError(f"refused: {exc}") from exc
    if case.expect_refusal is not None:
        raise AssertionError(f"expected a refusal mentioning {case.expect_refusal!r}; converted")
    engine = Engine(conv.blob)
    ref = TflmReference(case.model)
    sets = [case.inputs] + [[random_like(x, rng) for x in case.inputs]
                            for _ in range(case.extra_inputs)]
    for n, xs in enumerate(sets):
        ours = engine.invoke(*xs)
        theirs = ref.invoke(xs)
        for o, (a, b) in enumerate(zip(ours, theirs)):
            b = np.asarray(b).reshape(a.shape)
            if a.dtype != b.dtype or not np.array_equal(a, b):
                diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
                raise AssertionError(
                    f"output {o} differs on input set {n}: max |diff| {diff.max()} at "
                    f"{np.unravel_index(int(diff.argmax()), a.shape)}; ours {a.ravel()[:16]} "
                    f"TFLM {b.ravel()[:16]}")


def run_cases(name: str, make: Callable[[np.random.Generator], Case],
              count: int = DEFAULT_CASES) -> None:
    """Run `count` seeded random cases of operator `name` (or just PYRT_OP_SEED)."""
    base = zlib.crc32(name.encode()) & 0xFFFF
    replay = os.environ.get("PYRT_OP_SEED")
    seeds = [int(replay)] if replay else [base * 100000 + i for i in range(count)]
    for seed in seeds:
        rng = np.random.default_rng(seed)
        case = make(rng)
        try:
            check_case(case, rng)
        except Exception as exc:  # noqa: BLE001 - any failure is reported with its seed
            raise AssertionError(
                f"{name} case seed {seed} config {case.config}: {type(exc).__name__}: {exc}\n"
                f"replay: PYRT_OP_SEED={seed} pytest tests -k <this test>") from None
