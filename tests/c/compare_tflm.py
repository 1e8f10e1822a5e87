"""Bit-exactness of the C engine (tests/c/build/blob_check) against TFLite Micro.

    python3 tests/c/compare_tflm.py [--runs N] [model.tflite ...]

Converts each model with pyruntime.convert, runs N inputs (the REFERENCE.md pattern
x[i] = (i*7+3) % 256 - 128, then random int8 inputs) through TFLM's Python interpreter and
through blob_check --invoke 1 --input FILE, and compares the output bytes. Exit status 1 on
any mismatch. Needs `make -C tests/c` first.
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BLOB_CHECK = os.path.join(HERE, "build", "blob_check")
MODELS = os.path.abspath(os.path.join(ROOT, "..", "shared", "models", "mlperf_tiny"))


def engine_outputs(blob_path: str, x: np.ndarray) -> list[bytes]:
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(x.astype(np.int8).tobytes())
        inp = f.name
    try:
        out = subprocess.run([BLOB_CHECK, blob_path, "--invoke", "1", "--input", inp],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(inp)
    res = []
    for line in out.splitlines():
        if line.startswith("invoke 0 output "):
            res.append(bytes.fromhex(line.split()[-1]))
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("models", nargs="*")
    args = ap.parse_args()
    sys.path.insert(0, ROOT)
    from pyruntime.convert import convert
    from tflite_micro import runtime

    models = args.models or sorted(glob.glob(os.path.join(MODELS, "*.tflite")))
    rng = np.random.default_rng(1234)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in models:
            name = os.path.basename(path)
            blob = convert(path).blob
            blob_path = os.path.join(tmp, name + ".blob")
            with open(blob_path, "wb") as f:
                f.write(blob)
            interp = runtime.Interpreter.from_file(path, arena_size=1 << 21)
            d = interp.get_input_details(0)
            shape = tuple(d["shape"])
            n = int(np.prod(shape))
            mism = 0
            for r in range(args.runs):
                if r == 0:
                    x = ((np.arange(n) * 7 + 3) % 256 - 128).astype(np.int8).reshape(shape)
                else:
                    x = rng.integers(-128, 128, size=shape, dtype=np.int8)
                interp.set_input(x, 0)
                interp.invoke()
                ref = np.asarray(interp.get_output(0)).astype(np.int8).tobytes()
                got = engine_outputs(blob_path, x)
                if not got or got[0] != ref:
                    mism += 1
                    a = np.frombuffer(ref, np.int8).astype(int)
                    b = np.frombuffer(got[0] if got else b"", np.int8).astype(int)
                    diff = int(np.max(np.abs(a - b))) if len(a) == len(b) else -1
                    print(f"  {name} run {r}: MISMATCH max|diff|={diff}")
                if r == 0:
                    print(f"  {name} pattern output: {np.frombuffer(got[0], np.int8).tolist()[:16]}")
            print(f"{name}: {args.runs - mism}/{args.runs} bit-exact")
            bad += mism
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
