"""`pyruntime bench` and `pyruntime export-c` command lines (builds shared with test_targets)."""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO_ROOT, skip_or_fail

# Builds firmware and runs QEMU: excluded from the sanitizer pass (-m "not slow").
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cache_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    missing = [t for t in ("arm-none-eabi-gcc", "qemu-system-arm", "cmake")
               if shutil.which(t) is None]
    if missing:
        skip_or_fail(f"missing {', '.join(missing)} (tools/install_system_deps.sh)")
    old = os.environ.get("PYRUNTIME_SOURCE_DIR")
    os.environ["PYRUNTIME_SOURCE_DIR"] = str(REPO_ROOT)
    yield tmp_path_factory.getbasetemp() / "pyrt-cache"
    if old is None:
        os.environ.pop("PYRUNTIME_SOURCE_DIR", None)
    else:
        os.environ["PYRUNTIME_SOURCE_DIR"] = old


@pytest.fixture(scope="module")
def kws_blob(tmp_path_factory: pytest.TempPathFactory,
             converted_blob: Callable[[str], bytes]) -> Path:
    p = tmp_path_factory.mktemp("bench") / "kws.blob"
    p.write_bytes(converted_blob("kws_ds_cnn"))
    return p


def test_bench_json(cache_base: Path, kws_blob: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime.cli import main
    rc = main(["bench", str(kws_blob), "--target", "cortex-m4", "--json",
               "--cache-dir", str(cache_base)])
    out, err = capsys.readouterr()
    assert rc == 0, err
    r = json.loads(out)
    for key in ("instructions", "macs", "arena_bytes", "state_bytes", "stack_bytes",
                "code_bytes", "blob_bytes", "outputs_match", "per_op"):
        assert key in r
    assert r["outputs_match"] is True and r["blob_bytes"] == kws_blob.stat().st_size
    assert r["macs"] == sum(p["macs"] for p in r["per_op"]) == 2_656_768
    assert "[bench]" in err  # progress lines on stderr


def test_bench_table_with_input_file(cache_base: Path, kws_blob: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime.cli import main
    x = np.random.default_rng(1).integers(-128, 128, size=(1, 49, 10, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    rc = main(["bench", str(kws_blob), "--target", "cortex-m4", "--input",
               str(tmp_path / "x.npy"), "--cache-dir", str(cache_base), "-q"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "DEPTHWISE_CONV_2D" in out and "total" in out and "MAC/instr" in out
    assert "identical to the host engine" in out and "stack" in out and "engine code" in out
    assert err == ""


def test_bench_os_is_smaller(cache_base: Path, kws_blob: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime.cli import main
    res = {}
    for opt in ("O2", "Os"):
        assert main(["bench", str(kws_blob), "--target", "cortex-m4", "--opt", opt, "--json",
                     "-q", "--cache-dir", str(cache_base)]) == 0
        res[opt] = json.loads(capsys.readouterr().out)
    assert res["Os"]["outputs_match"]
    assert res["Os"]["code_bytes"] < res["O2"]["code_bytes"]


def test_bench_exits_nonzero_on_mismatch(cache_base: Path, kws_blob: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime import bench
    from pyruntime.cli import main
    real = bench.host_run

    def wrong(blob: bytes, inputs: object) -> tuple[list[bytes], list[bytes], int]:
        ins, outs, state = real(blob, inputs)  # type: ignore[arg-type]
        return ins, [bytes(len(o)) for o in outs], state

    monkeypatch.setattr(bench, "host_run", wrong)
    rc = main(["bench", str(kws_blob), "--target", "cortex-m4", "-q",
               "--cache-dir", str(cache_base)])
    assert rc == 1 and "DIFFER" in capsys.readouterr().out


def test_bench_unknown_target(kws_blob: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime.cli import main
    assert main(["bench", str(kws_blob), "--target", "cortex-m99", "-q"]) == 2
    assert "unknown target 'cortex-m99'" in capsys.readouterr().err
