"""Write the seed corpus of the engine fuzz target (tests/fuzz/engine/corpus).

    .venv/bin/python tests/fuzz/engine/make_seeds.py [--out DIR] [--cases N] [--models DIR]

Seeds are real blobs: the MLPerf Tiny reference models and examples/digits_int8.tflite
converted by pyruntime.convert, the hand-assembled blob of tests/c/make_test_blob.py, and
N single-operator models per operator test of tests/test_ops_*.py (their random case builders,
as opcheck.run_cases would draw them, converted; refusals skipped). Names are
<source>-<crc32>.blob, so re-running adds no duplicates.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[3]
TESTS = REPO / "tests"


def save(out: Path, source: str, blob: bytes) -> None:
    path = out / f"{source}-{zlib.crc32(blob) & 0xFFFFFFFF:08x}.blob"
    path.write_bytes(blob)
    print(f"{path.name}: {len(blob)} bytes")


def model_seeds(out: Path, models: Path) -> None:
    from pyruntime.convert import convert

    paths = sorted(models.glob("*.tflite")) + [REPO / "examples" / "digits_int8.tflite"]
    for path in paths:
        save(out, path.stem, convert(path).blob)


def test_blob_seed(out: Path) -> None:
    sys.path.insert(0, str(TESTS / "c"))
    make_test_blob = importlib.import_module("make_test_blob")
    save(out, "make_test_blob", make_test_blob.make(1, True))


def captured_builders() -> list[tuple[str, Callable[[np.random.Generator], Any]]]:
    """(name, case builder) of every zero-argument test that calls opcheck.run_cases."""
    sys.path.insert(0, str(TESTS))
    found: list[tuple[str, Callable[[np.random.Generator], Any]]] = []

    def capture(name: str, make: Callable[[np.random.Generator], Any], count: int = 0) -> None:
        found.append((name, make))

    for path in sorted(TESTS.glob("test_ops_*.py")):
        module = importlib.import_module(path.stem)
        if not hasattr(module, "run_cases"):
            continue
        module.run_cases = capture  # type: ignore[attr-defined]  # the tests call it by name
        for fname, fn in sorted(vars(module).items()):
            if fname.startswith("test_") and callable(fn) and not inspect.signature(fn).parameters:
                fn()
    return found


def op_seeds(out: Path, cases: int) -> None:
    from pyruntime.convert import convert
    from pyruntime.errors import ConversionError

    for name, make in captured_builders():
        for i in range(cases):
            case = make(np.random.default_rng(zlib.crc32(name.encode()) + i))
            try:
                blob = convert(case.model).blob
            except ConversionError:
                continue
            save(out, name.lower(), blob)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus")
    ap.add_argument("--cases", type=int, default=1, help="single-operator models per operator test")
    ap.add_argument("--models", type=Path, default=REPO.parent / "shared" / "models" / "mlperf_tiny",
                    help="folder of .tflite models to convert")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    model_seeds(a.out, a.models)
    test_blob_seed(a.out)
    op_seeds(a.out, a.cases)


if __name__ == "__main__":
    main()
