"""Cross-compiled engine, firmware on emulated boards, Cortex-A runner, export-c.

Builds go to a per-session cache under pytest's tmp dir: each firmware is built once per
session and reused. Needs arm-none-eabi-gcc, the aarch64/armhf cross compilers, qemu-system-arm
and qemu-user: skipped locally when missing, a failure under CI=true.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import MLPERF_MODELS, REPO_ROOT, skip_or_fail

# Builds firmware and runs QEMU: excluded from the sanitizer pass (-m "not slow").
pytestmark = pytest.mark.slow

TOOLS = ("arm-none-eabi-gcc", "aarch64-linux-gnu-gcc", "arm-linux-gnueabihf-gcc",
         "qemu-system-arm", "qemu-aarch64", "qemu-arm", "cmake", "make", "gcc")
ALL_MODELS = (*MLPERF_MODELS, "sww_ref_model")
# (toolchain file, CPU cache variable, CPU) of every library build
LIB_CONFIGS = [("arm-none-eabi", "PYRT_CPU", c) for c in
               ("cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33",
                "cortex-m55")] + [("aarch64-linux-gnu", "PYRT_A64_CPU", "cortex-a53"),
                                  ("arm-linux-gnueabihf", "PYRT_A32_CPU", "cortex-a7")]


@pytest.fixture(scope="session")
def toolchains() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        skip_or_fail(f"missing tools for the target tests: {', '.join(missing)} "
                     "(tools/install_system_deps.sh)")


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory, toolchains: None) -> Iterator[Path]:
    old = os.environ.get("PYRUNTIME_SOURCE_DIR")
    os.environ["PYRUNTIME_SOURCE_DIR"] = str(REPO_ROOT)
    # shared with tests/test_bench.py (its CLI runs use --cache-dir <basetemp>/pyrt-cache)
    d = tmp_path_factory.getbasetemp() / "pyrt-cache" / "firmware"
    d.mkdir(parents=True, exist_ok=True)
    yield d
    if old is None:
        os.environ.pop("PYRUNTIME_SOURCE_DIR", None)
    else:
        os.environ["PYRUNTIME_SOURCE_DIR"] = old


@pytest.fixture(scope="session")
def bench_run(cache: Path, converted_blob: Callable[[str], bytes]
              ) -> Callable[[str, str], dict[str, Any]]:
    from pyruntime.bench import bench
    memo: dict[tuple[str, str], dict[str, Any]] = {}

    def run(model: str, target: str) -> dict[str, Any]:
        if (model, target) not in memo:
            memo[(model, target)] = bench(converted_blob(model), target, cache_dir=cache)
        return memo[(model, target)]

    return run


# ---- 1. the engine library for every toolchain, -O2 and -Os ----------------------------------
def _build_lib(build_root: Path, toolchain: str, cpu_var: str, cpu: str, build_type: str) -> str:
    d = build_root / f"{cpu}-{build_type}"
    cmd = ["cmake", "-S", str(REPO_ROOT / "cmake" / "engine"), "-B", str(d),
           f"-DCMAKE_TOOLCHAIN_FILE={REPO_ROOT / 'cmake' / 'toolchains' / toolchain}.cmake",
           f"-D{cpu_var}={cpu}", f"-DCMAKE_BUILD_TYPE={build_type}"]
    for c in (cmd, ["cmake", "--build", str(d), "-j1"]):
        p = subprocess.run(c, capture_output=True, text=True)
        if p.returncode != 0:
            return f"{cpu} {build_type}: {' '.join(c)}\n{(p.stdout + p.stderr)[-2000:]}"
    lib = d / "runtime_c" / "libpyruntime_engine.a"
    return "" if lib.is_file() else f"{cpu} {build_type}: {lib} missing"


def test_engine_library_builds_for_every_toolchain(tmp_path: Path, toolchains: None) -> None:
    # -O2 for every CPU; -Os where the code differs (no DSP, the arm_dsp asm, MVE, both A ISAs)
    jobs = [(t, v, c, bt) for t, v, c in LIB_CONFIGS for bt in ("Release", "MinSizeRel")
            if bt == "Release" or c in ("cortex-m0plus", "cortex-m4", "cortex-m55", "cortex-a53",
                                        "cortex-a7")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        errors = [e for e in pool.map(lambda j: _build_lib(tmp_path, *j), jobs) if e]
    assert not errors, "\n\n".join(errors)


# ---- 2. boards: outputs, refusals, faults, time limits ----------------------------------------
# M3, M4, M7 and M33 run every model in test_mlperf_models_exact_arena_per_target below
@pytest.mark.parametrize("target", ["cortex-m55"])
@pytest.mark.parametrize("model", ALL_MODELS)
def test_mlperf_models_bit_exact_on_m55(bench_run: Callable[[str, str], dict[str, Any]],
                                          model: str, target: str) -> None:
    r = bench_run(model, target)
    assert r["outputs_match"], (r["outputs"], r["host_outputs"])
    assert r["instructions"] > 0 and len(r["per_op"]) > 0
    assert r["instructions"] >= sum(p["instructions"] for p in r["per_op"])
    assert 0 < r["code_bytes"] < 200_000 and r["stack_bytes"] > 0
    assert r["state_bytes"] > 0 and r["arena_bytes"] > 0
    assert r["arena_refused_one_less"] and r["arena_guard_touched"] == 0


@pytest.mark.parametrize("target", ["cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33"])
@pytest.mark.parametrize("model", ALL_MODELS)
def test_mlperf_models_exact_arena_per_target(cache: Path, mlperf_model: Callable[[str], Path],
                                              model: str, target: str) -> None:
    """Converted for the target (kernel scratch planned for its build), every model runs on it
    bit-exact with the host engine in exactly the printed arena (the runner hands pyrt_init that
    many bytes, checks one byte less is refused and that nothing past it is written); the M3
    build runs the reference kernels, the others the arm_dsp set (M55, above: mve). Engines are built with every
    operator (one firmware per target)."""
    from pyruntime.bench import bench
    from pyruntime.convert import convert
    conv = convert(mlperf_model(model), target=target)
    r = bench(conv.blob, target, ops="all", cache_dir=cache)
    assert r["outputs_match"], (model, target, r["outputs"], r["host_outputs"])
    assert r["arena_bytes"] == conv.arena_bytes
    assert r["arena_refused_one_less"] and r["arena_guard_touched"] == 0


def test_blob_planned_for_the_reference_kernels_is_refused_by_dsp_builds(
        cache: Path, mlperf_model: Callable[[str], Path]) -> None:
    """A blob planned for Cortex-M3 (no kernel scratch) would make the arm_dsp kernels write past
    their operator's share of the arena: the M4 engine refuses it with PYRT_E_SCRATCH."""
    from pyruntime.bench import bench
    from pyruntime.convert import convert
    from pyruntime.targets import TargetError
    blob = convert(mlperf_model("kws_ds_cnn"), target="cortex-m3").blob
    with pytest.raises(TargetError, match="PYRT_E_SCRATCH"):
        bench(blob, "cortex-m4", ops="all", cache_dir=cache)


# Cortex-M: the tests above. cortex-a53 and armv7a run the neon set, cortex-a55 its SDOT path.
@pytest.mark.parametrize("target", ["cortex-a53", "cortex-a55", "armv7a"])
@pytest.mark.parametrize("model", ALL_MODELS)
def test_mlperf_models_bit_exact_on_cortex_a(bench_run: Callable[[str, str], dict[str, Any]],
                                             model: str, target: str) -> None:
    r = bench_run(model, target)
    assert r["outputs_match"], (model, target, r["outputs"], r["host_outputs"])
    assert r["instructions"] > 50_000 and len(r["per_op"]) > 0


def test_kws_reference_outputs(bench_run: Callable[[str, str], dict[str, Any]]) -> None:
    """REFERENCE.md section 8 gives TFLM's outputs for the pattern input."""
    r = bench_run("kws_ds_cnn", "cortex-m4")
    want = [-128] * 9 + [127, -128, -127]
    assert list(np.frombuffer(bytes.fromhex(r["outputs"][0]), np.int8)) == want


def test_same_instruction_count_twice(cache: Path, converted_blob: Callable[[str], bytes],
                                      bench_run: Callable[[str, str], dict[str, Any]]) -> None:
    from pyruntime.bench import bench
    for target in ("cortex-m4", "armv7a"):
        first = bench_run("kws_ds_cnn", target)
        again = bench(converted_blob("kws_ds_cnn"), target, cache_dir=cache)
        assert again["instructions"] == first["instructions"]
        assert [p["instructions"] for p in again["per_op"]] == \
            [p["instructions"] for p in first["per_op"]]


def test_32bit_state_formula_matches_the_targets(
        bench_run: Callable[[str, str], dict[str, Any]],
        converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime import blob as fmt
    from pyruntime.export_c import state_bytes
    from pyruntime.runtime import Engine
    b = fmt.read_blob(converted_blob("kws_ds_cnn"))
    n_t, n_ops = len(b.tensors), len(b.ops)
    for target in ("cortex-m4", "armv7a"):
        assert bench_run("kws_ds_cnn", target)["state_bytes"] == state_bytes(n_t, n_ops, 32)
    assert bench_run("kws_ds_cnn", "cortex-a53")["state_bytes"] == state_bytes(n_t, n_ops, 64)
    assert Engine(converted_blob("kws_ds_cnn")).state_bytes == state_bytes(n_t, n_ops, 64)


def test_refuses_blob_too_large_for_flash_and_arena_too_large_for_ram(
        cache: Path, converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.targets import CapacityError, qemu
    fw = qemu.build_firmware("mps2_an386", "runner", cache_dir=cache)
    blob = converted_blob("kws_ds_cnn")
    big = blob + bytes(fw.address("blob_max"))
    with pytest.raises(CapacityError, match=rf"blob of {len(big)} bytes is too large for the "
                       rf"flash of mps2_an386 \({fw.address('blob_max')} bytes"):
        qemu.check_fits(fw, big, 416)
    with pytest.raises(CapacityError, match="too large for the flash"):
        qemu.run_qemu(fw, blob=big, cache_dir=cache)
    huge_arena = bytearray(blob)
    struct.pack_into("<I", huge_arena, 20, 8 << 20)
    with pytest.raises(CapacityError, match=rf"arena of {8 << 20} bytes \(\+ 416 bytes of engine "
                       rf"state\) is too large for the RAM of mps2_an386 \({7 << 20} bytes"):
        qemu.check_fits(fw, bytes(huge_arena), 416)


def test_fault_is_reported_with_registers(cache: Path) -> None:
    from pyruntime.targets import FirmwareFault, qemu
    fw = qemu.build_firmware("mps2_an386", "fault", cache_dir=cache)
    run = qemu.run_qemu(fw, timeout=30, count=False, cache_dir=cache)
    with pytest.raises(FirmwareFault) as info:
        qemu.check_run(run, "mps2_an386 fault app")
    msg = str(info.value)
    assert "HardFault" in msg or "UsageFault" in msg, msg
    for reg in ("pc=", "lr=", "xpsr="):
        assert reg in msg, msg
    assert "pc" in info.value.registers and run.returncode >= 64


def test_time_limit_kills_and_reports(cache: Path) -> None:
    from pyruntime.targets import TargetTimeout, qemu
    fw = qemu.build_firmware("mps2_an386", "echo", cache_dir=cache)  # waits for input forever
    run = qemu.run_qemu(fw, timeout=2.0, count=False, cache_dir=cache)
    assert run.timed_out
    with pytest.raises(TargetTimeout, match="time limit of 2 s"):
        qemu.check_run(run, "mps2_an386 echo app")


# ---- 4. Cortex-A: static and shared libraries ----------------------------------------------
@pytest.mark.parametrize("target", ["cortex-a53", "armv7a"])
def test_cortex_a_static_and_shared_libraries(cache: Path, target: str) -> None:
    from pyruntime.targets import get_target
    from pyruntime.targets.linux import build_linux
    b = build_linux(get_target(target), cache_dir=cache)
    assert b.static_lib.is_file() and b.runner.is_file()
    prefix = "aarch64-linux-gnu-" if target == "cortex-a53" else "arm-linux-gnueabihf-"
    nm = shutil.which(prefix + "nm") or "nm"
    syms = subprocess.run([nm, "-D", "--defined-only", str(b.shared_lib)], capture_output=True,
                          text=True, check=True).stdout
    for name in ("pyrt_query", "pyrt_init", "pyrt_invoke", "pyrt_output"):
        assert name in syms


# ---- 5. export-c -------------------------------------------------------------------------
HOST_MAIN = r"""
#include <stdio.h>
#include <string.h>
#include "pyruntime.h"
#include "model_data.h"
static unsigned char arena[MODEL_DATA_ARENA_BYTES] __attribute__((aligned(16)));
static unsigned long long state[(MODEL_DATA_STATE_BYTES_64 + 7) / 8];
int main(void) {
  pyrt_model *m; pyrt_tensor t; pyrt_info info; unsigned i;
  if (pyrt_query(model_data, model_data_len, &info) != PYRT_OK) return 2;
  if (info.state_bytes > sizeof state || info.arena_bytes != MODEL_DATA_ARENA_BYTES) return 3;
  if (pyrt_init(&m, state, sizeof state, model_data, model_data_len, arena, sizeof arena, 0))
    return 4;
  pyrt_input(m, 0, &t);
  for (i = 0; i < t.bytes; i++) ((signed char *)t.data)[i] = (signed char)((i * 7u + 3u) % 256u) - 128;
  if (pyrt_invoke(m) != PYRT_OK) return 5;
  pyrt_output(m, 0, &t);
  for (i = 0; i < t.bytes; i++) printf("%02x", ((unsigned char *)t.data)[i]);
  printf("\n");
  return 0;
}
"""


def test_export_c_compiles_for_arm_and_runs_on_host(
        tmp_path: Path, toolchains: None, converted_blob: Callable[[str], bytes]) -> None:
    from pyruntime.bench import host_run
    from pyruntime.cli import main
    blob = converted_blob("kws_ds_cnn")
    (tmp_path / "kws.blob").write_bytes(blob)
    assert main(["export-c", str(tmp_path / "kws.blob"), "-o", str(tmp_path / "model_data")]) == 0
    src, hdr = tmp_path / "model_data.c", tmp_path / "model_data.h"
    assert "MODEL_DATA_ARENA_BYTES" in hdr.read_text()
    # bare-metal Cortex-M4: compiles warning-free, the array is 16-aligned read-only data
    obj = tmp_path / "model_data_m4.o"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-std=c99", "-Wall",
                    "-Wextra", "-Werror", "-O2", "-c", str(src), "-o", str(obj)], check=True)
    readelf = subprocess.run(["arm-none-eabi-readelf", "-S", "-W", str(obj)], check=True,
                             capture_output=True, text=True).stdout
    rodata = [ln for ln in readelf.splitlines() if ".rodata" in ln]
    assert rodata and rodata[0].split()[-1] == "16", readelf
    # host: link with the engine library and run
    build = tmp_path / "engine"
    subprocess.run(["cmake", "-S", str(REPO_ROOT / "cmake" / "engine"), "-B", str(build)],
                   check=True, capture_output=True)
    subprocess.run(["cmake", "--build", str(build), "-j2"], check=True, capture_output=True)
    (tmp_path / "main.c").write_text(HOST_MAIN)
    exe = tmp_path / "kws_host"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2",
                    f"-I{REPO_ROOT / 'runtime_c' / 'include'}", f"-I{tmp_path}",
                    str(tmp_path / "main.c"), str(src),
                    str(build / "runtime_c" / "libpyruntime_engine.a"), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.strip()
    _, host_outs, _ = host_run(blob, None)
    assert out == host_outs[0].hex()
