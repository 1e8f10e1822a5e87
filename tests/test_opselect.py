"""Per-model operator selection: PYRT_OPS / -DPYRT_OPS_SELECTED -DPYRT_WITH_<NAME>[_V<layout>].

- pyruntime.opselect.ops_of_blob and the export-c header (fast, no toolchain);
- an engine compiled with only FULLY_CONNECTED (host gcc) runs ad_autoencoder bit-exact and
  refuses kws_ds_cnn with PYRT_E_OP at its first operator;
- `pyruntime bench --ops model` links only the model's kernels on Cortex-M4: fewer code bytes
  than `--ops all`, same outputs and instruction counts (builds shared with test_bench.py and
  test_targets.py through <basetemp>/pyrt-cache).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pyruntime.targets import engine_sources
from conftest import REPO_ROOT, skip_or_fail

KWS_OPS = ["AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"]
KWS_LAYOUTS = [f"{n}:1" for n in KWS_OPS]  # int8 model: parameter layout 1 of each


# ---- Python side ------------------------------------------------------------------------
def test_ops_of_blob(converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.opselect import (cmake_ops_value, compiler_flags, op_layouts_of_blob,
                                    ops_of_blob)
    assert ops_of_blob(converted_blob("kws_ds_cnn")) == KWS_OPS
    assert op_layouts_of_blob(converted_blob("kws_ds_cnn")) == KWS_LAYOUTS
    assert ops_of_blob(converted_blob("ad_autoencoder")) == ["FULLY_CONNECTED"]
    assert cmake_ops_value(["CONV_2D", "SOFTMAX"]) == "CONV_2D;SOFTMAX"
    assert compiler_flags(["CONV_2D"]) == "-DPYRT_OPS_SELECTED -DPYRT_WITH_CONV_2D"
    assert compiler_flags(["CONV_2D:2"]) == "-DPYRT_OPS_SELECTED -DPYRT_WITH_CONV_2D_V2"


def test_every_python_op_has_a_selection_macro_in_op_table() -> None:
    from pyruntime.ops import OPS
    table = (REPO_ROOT / "runtime_c" / "src" / "op_table.c").read_text()
    cmake = (REPO_ROOT / "runtime_c" / "ops.cmake").read_text()
    for op in OPS.values():
        for lay in op.layouts:
            guard = (f"#if !defined(PYRT_OPS_SELECTED) || defined(PYRT_WITH_{op.name}) || "
                     f"defined(PYRT_WITH_{op.name}_V{lay.version})\n    {{PYRT_OP_")
            assert guard + f"{op.name}, {lay.version}," in table, (op.name, lay.version)
            assert f" {op.name}:{lay.version}" in cmake, (op.name, lay.version)


def test_export_c_header_lists_the_operators(tmp_path: Path,
                                             converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.cli import main
    (tmp_path / "kws.blob").write_bytes(converted_blob("kws_ds_cnn"))
    assert main(["export-c", str(tmp_path / "kws.blob"), "-o", str(tmp_path / "model_data")]) == 0
    hdr = (tmp_path / "model_data.h").read_text()
    joined = ";".join(KWS_LAYOUTS)
    assert f'cmake -DPYRT_OPS="{joined}"' in hdr
    assert f'#define MODEL_DATA_PYRT_OPS "{joined}"' in hdr
    flags = " ".join(["-DPYRT_OPS_SELECTED", *(f"-DPYRT_WITH_{n}_V1" for n in KWS_OPS)])
    assert f'#define MODEL_DATA_PYRT_FLAGS "{flags}"' in hdr
    assert "Operators used (5): " + ", ".join(KWS_OPS) in hdr


# ---- C engine with a selection (host gcc) -----------------------------------------------------
HOST_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include "pyruntime.h"
static unsigned char arena[1 << 20] __attribute__((aligned(16)));
static unsigned long long state[1 << 13];
int main(int argc, char **argv) {
  FILE *f; long n; unsigned char *blob; pyrt_model *m; pyrt_diag d; pyrt_status st;
  pyrt_tensor t; unsigned i, k; pyrt_info info;
  if (argc != 2 || !(f = fopen(argv[1], "rb"))) return 2;
  fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
  blob = aligned_alloc(16, (size_t)(n + 15) / 16 * 16);
  if (!blob || fread(blob, 1, (size_t)n, f) != (size_t)n) return 3;
  fclose(f);
  printf("conv %d fc %d fc16 %d\n", pyrt_op_supported(3, 1), pyrt_op_supported(9, 1),
         pyrt_op_supported(9, 2));
  st = pyrt_init(&m, state, sizeof state, blob, (size_t)n, arena, sizeof arena, &d);
  printf("%s %d\n", pyrt_status_name(st), (int)d.index);
  if (st != PYRT_OK) return 0;
  if (pyrt_query(blob, (size_t)n, &info) != PYRT_OK) return 4;
  for (k = 0; k < info.n_inputs; k++) {
    pyrt_input(m, k, &t);
    for (i = 0; i < t.bytes; i++) ((signed char *)t.data)[i] = (signed char)((i * 7u + 3u) % 256u - 128);
  }
  if (pyrt_invoke(m) != PYRT_OK) return 5;
  pyrt_output(m, 0, &t);
  for (i = 0; i < t.bytes; i++) printf("%02x", ((unsigned char *)t.data)[i]);
  printf("\n");
  return 0;
}
"""


def build_selected_engine(d: Path, *selection: str) -> Path:
    if shutil.which("gcc") is None:
        skip_or_fail("gcc is missing")
    (d / "main.c").write_text(HOST_MAIN)
    src = REPO_ROOT / "runtime_c" / "src"
    sources = [str(p) for p in engine_sources(REPO_ROOT)]
    exe = d / "engine"
    subprocess.run(["gcc", "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror",
                    "-DPYRT_OPS_SELECTED", *(f"-DPYRT_WITH_{n}" for n in selection),
                    f"-I{REPO_ROOT / 'runtime_c' / 'include'}", f"-I{src}", str(d / "main.c"),
                    *sources, "-o", str(exe), "-lm"], check=True)
    return exe


@pytest.fixture(scope="module")
def fc_only_engine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_selected_engine(tmp_path_factory.mktemp("fc_only"), "FULLY_CONNECTED")


def test_selected_engine_runs_its_model_and_refuses_others(
        fc_only_engine: Path, tmp_path: Path, converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.bench import host_run
    ad, kws = converted_blob("ad_autoencoder"), converted_blob("kws_ds_cnn")
    (tmp_path / "ad.blob").write_bytes(ad)
    (tmp_path / "kws.blob").write_bytes(kws)

    def run(name: str) -> list[str]:
        p = subprocess.run([str(fc_only_engine), str(tmp_path / name)], capture_output=True,
                           text=True, check=True)
        return p.stdout.split("\n")

    out = run("ad.blob")
    assert out[0] == "conv 0 fc 1 fc16 1"
    assert out[1] == "PYRT_OK -1"
    assert out[2] == host_run(ad, None)[1][0].hex()
    out = run("kws.blob")  # operator 0 is CONV_2D: not built
    assert out[1] == "PYRT_E_OP 0"


def test_one_layout_selected(tmp_path: Path, converted_blob: Callable[[str], bytes]) -> None:
    """FULLY_CONNECTED:1 (int8 only): ad_autoencoder runs, the int16 layout is not built."""
    from pyruntime.bench import host_run
    exe = build_selected_engine(tmp_path, "FULLY_CONNECTED_V1")
    ad = converted_blob("ad_autoencoder")
    (tmp_path / "ad.blob").write_bytes(ad)
    out = subprocess.run([str(exe), str(tmp_path / "ad.blob")], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["conv 0 fc 1 fc16 0", "PYRT_OK -1"]
    assert out[2] == host_run(ad, None)[1][0].hex()


# ---- per-model firmware on Cortex-M4 --------------------------------------------------------
@pytest.fixture(scope="module")
def cache_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    missing = [t for t in ("arm-none-eabi-gcc", "arm-none-eabi-nm", "qemu-system-arm", "cmake")
               if shutil.which(t) is None]
    if missing:
        skip_or_fail(f"missing {', '.join(missing)} (tools/install_system_deps.sh)")
    old = os.environ.get("PYRUNTIME_SOURCE_DIR")
    os.environ["PYRUNTIME_SOURCE_DIR"] = str(REPO_ROOT)
    yield tmp_path_factory.getbasetemp() / "pyrt-cache"  # shared with test_bench/test_targets
    if old is None:
        os.environ.pop("PYRUNTIME_SOURCE_DIR", None)
    else:
        os.environ["PYRUNTIME_SOURCE_DIR"] = old


@pytest.mark.slow
def test_bench_model_ops_links_only_the_models_kernels(
        cache_base: Path, tmp_path: Path, converted_blob: Callable[[str], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    from pyruntime.cli import main
    from pyruntime.targets import qemu
    (tmp_path / "kws.blob").write_bytes(converted_blob("kws_ds_cnn"))
    res = {}
    for ops in ("model", "all"):
        assert main(["bench", str(tmp_path / "kws.blob"), "--target", "cortex-m4", "--ops", ops,
                     "--json", "-q", "--cache-dir", str(cache_base)]) == 0
        res[ops] = json.loads(capsys.readouterr().out)
    model, full = res["model"], res["all"]
    assert model["outputs_match"] and full["outputs_match"]
    assert model["ops"] == "model" and model["engine_ops"] == KWS_LAYOUTS
    assert full["ops"] == "all" and full["engine_ops"] == "all"
    assert model["instructions"] == full["instructions"]
    assert 0 < model["code_bytes"] < full["code_bytes"] * 0.7, (model["code_bytes"],
                                                               full["code_bytes"])
    # the image itself: kernels of other operators are gone, the model's are there
    fw = qemu.build_firmware("mps2_an386", "runner", cache_dir=cache_base / "firmware",
                             ops=KWS_LAYOUTS)  # the build bench just made (cached)
    syms = subprocess.run(["arm-none-eabi-nm", str(fw.elf)], capture_output=True, text=True,
                          check=True).stdout
    for present in ("pyrt_eval_conv", "pyrt_eval_depthwise_conv", "pyrt_eval_softmax"):
        assert f" {present}\n" in syms, present
    for absent in ("pyrt_eval_transpose_conv", "pyrt_eval_batch_matmul", "pyrt_eval_move",
                   "pyrt_eval_resize_bilinear", "pyrt_eval_mean", "pyrt_eval_add",
                   "pyrt_eval_conv16", "pyrt_eval_depthwise_conv16", "pyrt_conv_s16"):
        assert f" {absent}\n" not in syms, absent
    assert fw.info["ops"] == ";".join(KWS_LAYOUTS)
