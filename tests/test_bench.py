"""`pyruntime bench` and `pyruntime export-c` command lines (builds shared with test_targets)."""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import REPO_ROOT, skip_or_fail

# Tests that build firmware and run QEMU are marked slow: excluded from the sanitizer pass
# (-m "not slow"). The docs/benchmarks.md tests at the end render injected results: no QEMU.
slow = pytest.mark.slow


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


@slow
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
    assert r["per_op"][1]["kind"] == "DEPTHWISE_CONV_2D 3x3"
    assert "[bench]" in err  # progress lines on stderr


@slow
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


@slow
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


@slow
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


# ---- docs/benchmarks.md (pyruntime.benchdoc): injected results, no QEMU ----------------------
KWS_KINDS = ["CONV_2D first layer"] + ["DEPTHWISE_CONV_2D 3x3", "CONV_2D 1x1"] * 4 + [
    "AVERAGE/MAX_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"]


@pytest.mark.parametrize("op, x, w, params, version, kind", [
    ("CONV_2D", (1, 49, 10, 1), (64, 10, 4, 1), {"pad_h": 4, "pad_w": 1}, 1,
     "CONV_2D first layer"),
    ("CONV_2D", (1, 96, 96, 3), (8, 3, 3, 3), {"pad_h": 1, "pad_w": 1}, 1,
     "CONV_2D first layer"),
    ("CONV_2D", (1, 25, 5, 64), (64, 1, 1, 64), {"pad_h": 0, "pad_w": 0}, 1, "CONV_2D 1x1"),
    ("CONV_2D", (1, 32, 32, 2), (16, 1, 1, 2), {"pad_h": 0, "pad_w": 0}, 1, "CONV_2D 1x1"),
    ("CONV_2D", (1, 8, 8, 16), (16, 1, 1, 16), {"pad_h": 1, "pad_w": 0}, 1, "CONV_2D other"),
    ("CONV_2D", (1, 32, 32, 16), (16, 3, 3, 16), {"pad_h": 1, "pad_w": 1}, 1, "CONV_2D other"),
    ("CONV_2D", (1, 8, 8, 8), (8, 3, 3, 4), {}, 1, "CONV_2D other"),  # two groups
    ("CONV_2D", (1, 25, 5, 64), (64, 1, 1, 64), {}, 2, "CONV_2D other"),  # int16
    ("DEPTHWISE_CONV_2D", (1, 25, 5, 64), (1, 3, 3, 64),
     {"depth_multiplier": 1, "dilation_h": 1, "dilation_w": 1}, 1, "DEPTHWISE_CONV_2D 3x3"),
    ("DEPTHWISE_CONV_2D", (1, 8, 8, 32), (1, 3, 3, 64), {"depth_multiplier": 2}, 1,
     "DEPTHWISE_CONV_2D other"),
    ("DEPTHWISE_CONV_2D", (1, 8, 8, 32), (1, 3, 3, 32), {"dilation_h": 2}, 1,
     "DEPTHWISE_CONV_2D other"),
    ("DEPTHWISE_CONV_2D", (1, 49, 10, 8), (1, 10, 4, 8), {"depth_multiplier": 1}, 1,
     "DEPTHWISE_CONV_2D other"),
    ("FULLY_CONNECTED", (1, 640), (128, 640), {}, 1, "FULLY_CONNECTED"),
    ("AVERAGE_POOL_2D", (1, 25, 5, 64), (), {}, 1, "AVERAGE/MAX_POOL_2D"),
    ("MAX_POOL_2D", (1, 8, 8, 4), (), {}, 1, "AVERAGE/MAX_POOL_2D"),
    ("ADD", (1, 8, 8, 4), (1, 8, 8, 4), {}, 1, "ADD"),
    ("SOFTMAX", (1, 12), (), {}, 1, "SOFTMAX"),
    ("RESHAPE", (1, 8, 8, 4), (2,), {}, 1, "other operators"),
])
def test_layer_kind_known_shapes(op: str, x: tuple[int, ...], w: tuple[int, ...],
                                 params: dict[str, int], version: int, kind: str) -> None:
    from pyruntime.layer_kinds import layer_kind
    assert layer_kind(op, x, w, params, version) == kind


def test_op_table_kinds_of_a_blob(converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.bench import op_table
    assert [r["kind"] for r in op_table(converted_blob("kws_ds_cnn"))] == KWS_KINDS


def _fake_result(target: str, opt: str, instructions: int, code: int, *,
                 exact: bool = True) -> dict[str, Any]:
    """A `bench()` result shaped like KWS's: the operators share `instructions` - 100."""
    macs = [320_000] + [72_000, 512_000] * 4 + [0, 768, 0]
    weights = [2] + [3, 2] * 4 + [1, 1, 1]
    per_op_total = instructions - 100
    counts = [per_op_total * w // sum(weights) for w in weights]
    counts[0] += per_op_total - sum(counts)
    per_op = [{"index": i, "op": k.split()[0], "kind": k, "output_shape": [1, 12], "macs": mc,
               "instructions": n, "macs_per_instruction": mc / n}
              for i, (k, mc, n) in enumerate(zip(KWS_KINDS, macs, counts))]
    return {"target": target, "opt": opt, "instructions": instructions,
            "interpreter_instructions": 100, "macs": sum(macs),
            "macs_per_instruction": sum(macs) / instructions, "arena_bytes": 16_512,
            "state_bytes": 464, "stack_bytes": 572, "code_bytes": code, "blob_bytes": 31_632,
            "outputs_match": exact, "per_op": per_op, "elapsed_s": 0.5}


def _fake_measurements() -> Any:
    from pyruntime.benchdoc import Measurements
    from pyruntime.benchdoc.baseline import BASELINE
    m = Measurements(source="abc1234")
    for model in [*BASELINE, "sww_ref_model"]:
        base = BASELINE.get(model, BASELINE["kws_ds_cnn"])
        for target, scale in (("cortex-m3", 2.0), ("cortex-m4", 0.5), ("cortex-m55", 0.45),
                              ("cortex-a53", 1.9)):
            for opt, f in (("O2", 1.0), ("Os", 1.2)):
                # M4 -O2: 0.5x CMSIS-NN (target met, stretch missed); code 0.4x TFLM's
                m.runs[model, target, opt] = _fake_result(
                    target, opt, int(base.m4_cmsis * scale * f), int(base.code * 0.4 / f),
                    exact=(model, target, opt) != ("ad_autoencoder", "cortex-m3", "Os"))
    # IC over the code limit, VWW under the stretch goal
    m.runs["ic_resnet8", "cortex-m4", "O2"]["code_bytes"] = 40_000
    m.runs["vww_mobilenet", "cortex-m4", "O2"]["instructions"] = 10_000_000
    m.errors["sww_ref_model", "cortex-m7", "O2"] = "emulator timed out"
    m.all_ops_code["cortex-m4", "O2"] = 45_678
    return m


def test_kind_split_adds_up() -> None:
    from pyruntime.layer_kinds import kind_split
    r = _fake_result("cortex-m4", "O2", 1_000_000, 20_000)
    split = kind_split(r)
    assert [k["kind"] for k in split] == [
        "CONV_2D 1x1", "CONV_2D first layer", "DEPTHWISE_CONV_2D 3x3", "FULLY_CONNECTED",
        "AVERAGE/MAX_POOL_2D", "SOFTMAX", "interpreter"]
    assert sum(k["instructions"] for k in split) == 1_000_000
    assert sum(k["share"] for k in split) == pytest.approx(1.0)
    dw = split[2]
    assert dw["ops"] == 4 and dw["macs"] == 288_000
    assert dw["macs_per_instruction"] == pytest.approx(288_000 / dw["instructions"])
    assert split[-1] == {"kind": "interpreter", "ops": 0, "macs": 0, "instructions": 100,
                         "share": 1e-4, "macs_per_instruction": 0.0}


def test_markdown_renders_every_section() -> None:
    from pyruntime.benchdoc import markdown
    text = markdown(_fake_measurements())
    for heading in ("# Benchmarks", "## Summary", "## Every model on every target",
                    "## Against TFLM + CMSIS-NN", "### Cortex-M4 instructions (-O2)",
                    "### Cortex-M4 instructions (-Os)", "### Cortex-M55 instructions (-O2)",
                    "### RAM (Cortex-M4)", "### Engine code (Cortex-M4)",
                    "## Where the instructions go: per layer kind",
                    "### Share of the instructions on cortex-m4",
                    "### Share of the instructions on cortex-m55", "### kws_ds_cnn",
                    "### sww_ref_model", "## Failed runs", "## Reproducing a row"):
        assert heading in text, heading
    assert "(not measured" not in text and "abc1234" in text
    # KWS on M4 at 0.5x CMSIS-NN: the 0.7x target met with 29% of its limit to spare,
    # the 0.45x stretch missed by 11%
    kws = next(line for line in text.splitlines() if line.startswith("| kws_ds_cnn | 3,848,679"))
    assert "| 0.50x | met: 1,539,471 (29%) under 5,388,150 |" in kws
    assert "| **missed**: 384,868 (11%) over 3,463,811 |" in kws
    assert "vww_mobilenet (10,000,000 of 10,845,853)" in text  # VWW meets the stretch goal
    assert "| **missed**: 2,850 (8%) over 37,150 |" in text  # IC's -O2 code over its limit
    assert "met on kws_ds_cnn (31,840 of 39,800 B)" in text
    assert "**missed** on ic_resnet8 (by 2,850 B, 8% over 37,150)" in text
    assert "-O2 45,678 B" in text  # engine with every operator
    assert "not bit-exact**: ad_autoencoder on cortex-m3 -Os" in text
    assert "1 run failed** (sww_ref_model on cortex-m7 -O2)" in text
    assert "| DEPTHWISE_CONV_2D 3x3 | 4 | 288,000 |" in text
    assert "cortex-m3 4.00-4.82x (reference kernels)" in text


def test_markdown_of_a_partial_run() -> None:
    from pyruntime.benchdoc import Measurements, markdown
    m = Measurements()
    m.runs["kws_ds_cnn", "cortex-m4", "O2"] = _fake_result("cortex-m4", "O2", 6_000_000, 21_000)
    text = markdown(m)
    assert "### Cortex-M55 instructions (-O2)\n\n(not measured in this run)" in text
    assert "## Failed runs" not in text
    assert "| kws_ds_cnn | cortex-m4 | arm_dsp | 6,000,000 |" in text


def test_failures_are_reported_in_one_line() -> None:
    from pyruntime.benchdoc.runs import brief_error
    log = ("cmake --build /cache/mps2_an386-runner-Release-f0da -j2 failed (2):\n"
           "[ 94%] Building C object runtime_c/.../softmax.c.obj\n"
           "/src/ops/softmax.c:84:19: error: comparison of integer expressions [-Werror]\n"
           "gmake[2]: *** Error 1\n")
    assert brief_error(log) == ("cmake --build /cache/mps2_an386-runner-Release-f0da -j2 failed "
                                "(2): /src/ops/softmax.c:84:19: error: comparison of integer "
                                "expressions [-Werror]")
    assert brief_error("emulator timed out") == "emulator timed out"
    assert len(brief_error("x" * 1000)) == 300


def test_job_matrix() -> None:
    from pyruntime.benchdoc.runs import Job, job_matrix
    jobs = job_matrix()
    assert Job("vww_mobilenet", "cortex-m55", "Os") in jobs
    assert Job("kws_ds_cnn", "armv7a", "O2") in jobs
    assert not any(j.target == "armv7a" and j.model != "kws_ds_cnn" for j in jobs)
    assert Job("ic_resnet8", "cortex-a53", "O2") in jobs
    assert Job("vww_mobilenet", "cortex-a55", "Os") in jobs
    assert not any(j.target.startswith("cortex-a5") and j.model == "sww_ref_model" for j in jobs)
    assert len(jobs) == (5 * 5 + 4 + 4 + 1) * 2
    assert job_matrix(["ic_resnet8"], ["m4", "cortex-a53"], ["O2"]) == [
        Job("ic_resnet8", "cortex-m4", "O2"), Job("ic_resnet8", "cortex-a53", "O2")]


def test_markdown_command_writes_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import pyruntime.benchdoc as benchdoc
    from pyruntime.bench import main
    seen: dict[str, Any] = {}

    def fake_measure(models_dir: Path, blob_dir: Path, jobs: list[Any], **kw: Any) -> Any:
        seen.update(jobs=jobs, **kw)
        return _fake_measurements()

    monkeypatch.setattr(benchdoc, "measure", fake_measure)
    out = tmp_path / "benchmarks.md"
    rc = main(["--markdown", "--models", "kws_ds_cnn", "--targets", "cortex-m4,m3", "--jobs",
               "2", "-o", str(out)])
    assert rc == 1  # the injected results hold a failure and a mismatch
    assert len(seen["jobs"]) == 4 and seen["workers"] == 2
    assert out.read_text().startswith("# Benchmarks")
    assert "wrote" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--markdown", "--models", "no_such_model"])
