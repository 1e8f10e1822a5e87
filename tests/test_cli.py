"""The command line, run as users run it (a subprocess of `python -m pyruntime`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pyruntime.reference import TflmReference


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyruntime", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_convert_json_inspect_run(tmp_path: Path, mlperf_model: Callable[[str], Path]) -> None:
    model = mlperf_model("kws_ds_cnn")
    blob = tmp_path / "kws.blob"
    r = cli("convert", str(model), "-o", str(blob), "--json", "--in-place")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    for key in ("arena_bytes", "blob_bytes", "constant_bytes", "macs", "ops"):
        assert key in summary
    assert summary["blob_bytes"] == blob.stat().st_size
    umask = os.umask(0)
    os.umask(umask)
    assert blob.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would make it, not 0600
    # portable blob: the activations (REFERENCE.md: 16,000 B live at once) plus the kernel
    # scratch of the most demanding target; the convolutions written over their dying inputs in
    # bands take it below that liveness bound
    assert summary["arena_bytes"] < 16000 < summary["arena_lower_bound"]
    r = cli("convert", str(model), "-o", str(blob), "--json")  # default: the fewest instructions
    assert r.returncode == 0, r.stderr
    fast = json.loads(r.stdout)
    assert fast["arena_bytes"] == fast["arena_lower_bound"] == summary["arena_lower_bound"]
    # planned for the reference kernels (Cortex-M3): no scratch at all
    r = cli("convert", str(model), "-o", str(blob), "--json", "--target", "cortex-m3")
    assert r.returncode == 0 and json.loads(r.stdout)["arena_bytes"] == 16000, r.stderr

    r = cli("convert", str(model), "-o", str(blob), "--target", "cortex-m3", "--in-place")
    assert r.returncode == 0 and "arena bytes" in r.stdout and "DEPTHWISE_CONV_2D" in r.stdout

    r = cli("inspect", str(blob))
    assert r.returncode == 0, r.stderr
    assert "Memory plan (arena 9280 bytes)" in r.stdout and "CONV_2D" in r.stdout
    assert "DEPTHWISE_CONV_2D: t" in r.stdout and "in bands" in r.stdout  # the overlaps, explained

    rng = np.random.default_rng(0)
    xs = rng.integers(-128, 128, size=(3, 1, 49, 10, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", xs)
    r = cli("run", str(blob), "--input", str(tmp_path / "x.npy"), "--output",
            str(tmp_path / "y.npy"), "-q")
    assert r.returncode == 0, r.stderr
    ys = np.load(tmp_path / "y.npy")
    assert ys.shape == (3, 1, 12)
    ref = TflmReference(model)
    for x, y in zip(xs, ys):
        assert (ref.invoke([x])[0] == y).all()

    np.save(tmp_path / "bad.npy", np.zeros((5, 5), dtype=np.int8))
    r = cli("run", str(blob), "--input", str(tmp_path / "bad.npy"))
    assert r.returncode == 2 and "error" in r.stderr


def test_verify_command(mlperf_model: Callable[[str], Path]) -> None:
    r = cli("verify", str(mlperf_model("ad_autoencoder")), "--count", "5", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK: bit-exact with TFLM on 5 inputs" in r.stdout


def test_unsupported_operator_message(tmp_path: Path) -> None:
    from pyruntime.tflite_builder import unsupported_op_model

    model = tmp_path / "cumsum.tflite"
    model.write_bytes(unsupported_op_model())
    r = cli("convert", str(model))
    assert r.returncode == 2
    assert "operator 0 (CUMSUM)" in r.stderr and "not supported" in r.stderr


def test_corrupt_blob_message(tmp_path: Path, converted_blob: Callable[[str], bytes]) -> None:
    data = bytearray(converted_blob("ad_autoencoder"))
    data[40] ^= 0xFF
    (tmp_path / "bad.blob").write_bytes(bytes(data))
    np.save(tmp_path / "x.npy", np.zeros((1, 640), dtype=np.int8))
    r = cli("run", str(tmp_path / "bad.blob"), "--input", str(tmp_path / "x.npy"))
    assert r.returncode == 2 and "PYRT_E_CRC" in r.stderr


def test_ops_listing() -> None:
    r = cli("ops", "--json")
    names = {o["op"] for o in json.loads(r.stdout)}
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX", "ADD", "RESHAPE",
            "AVERAGE_POOL_2D", "MAX_POOL_2D"} <= names
