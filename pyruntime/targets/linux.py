"""Cortex-A (Linux user space) targets: the engine cross-built for aarch64 / armhf as static and
shared libraries, plus firmware/apps/runner_linux, run under qemu-aarch64 / qemu-arm with the
insn_count plugin.

    build = linux.build_linux(get_target("cortex-a53"))
    run = linux.run_linux(build, blob=blob, inputs=[x.tobytes()])
    qemu.check_run(run, "cortex-a53"); res = qemu.runner_result(run)

The runner prints the same records and executes the same marker layout as the Cortex-M runner,
so `qemu.runner_result` parses both.
"""
from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import Target, TargetError, source_root
from .qemu import (BUILD_TYPES, Progress, QemuRun, _quiet, build_plugin, cached_cmake_build,
                   ops_option, pack_inputs, run_emulator)


@dataclass
class LinuxBuild:
    target: Target
    build_dir: Path

    @property
    def runner(self) -> Path:
        return self.build_dir / "runner_linux"

    @property
    def map_file(self) -> Path:
        return self.build_dir / "runner_linux.map"

    @property
    def static_lib(self) -> Path:
        return self.build_dir / "runtime_c" / "libpyruntime_engine.a"

    @property
    def shared_lib(self) -> Path:
        return self.build_dir / "shared" / "libpyruntime_engine.so"


def build_linux(target: Target, *, build_type: str = "Release", cache_dir: Path | None = None,
                jobs: int = 2, ops: Sequence[str] | None = None,
                progress: Progress = _quiet) -> LinuxBuild:
    """Cross-build the engine (static + shared) and runner_linux for a Cortex-A target;
    `ops`: only these operators (PYRT_OPS; None = all)."""
    if target.kind != "linux":
        raise TargetError(f"{target.name} is not a Linux (Cortex-A) target")
    if build_type not in BUILD_TYPES.values():
        raise TargetError(f"build type {build_type!r}: use one of {sorted(BUILD_TYPES.values())}")
    root = source_root()
    cpu_var = "PYRT_A64_CPU" if target.toolchain.startswith("aarch64") else "PYRT_A32_CPU"
    options = [f"-DCMAKE_TOOLCHAIN_FILE={root / 'cmake' / 'toolchains' / target.toolchain}.cmake",
               f"-D{cpu_var}={target.cpu}", f"-DCMAKE_BUILD_TYPE={build_type}",
               "-DPYRT_ENGINE_SHARED=ON", "-DPYRT_RUNNER_LINUX=ON"]
    if ops is not None:
        options.append(ops_option(ops))
    build_dir = cached_cmake_build(
        f"{target.name}-runner_linux-{build_type}", root / "cmake" / "engine", options,
        [root / "runtime_c", root / "cmake", root / "firmware" / "apps" / "runner_linux"],
        cache_dir=cache_dir, jobs=jobs, progress=progress)
    return LinuxBuild(target, build_dir)


def linux_command(build: LinuxBuild, blob_path: Path, input_path: Path | None,
                  plugin: Path | None, plugin_out: Path | None) -> list[str]:
    t = build.target
    cmd = [t.qemu, "-L", t.sysroot]
    if t.qemu_cpu:
        cmd += ["-cpu", t.qemu_cpu]
    if plugin is not None:
        cmd += ["-plugin", f"{plugin},out={plugin_out}" if plugin_out else str(plugin)]
    cmd += [str(build.runner), str(blob_path)]
    if input_path is not None:
        cmd.append(str(input_path))
    return cmd


def run_linux(build: LinuxBuild, *, blob: bytes, inputs: Sequence[bytes] | None = None,
              timeout: float = 120.0, count: bool = True,
              cache_dir: Path | None = None) -> QemuRun:
    """Run runner_linux once in QEMU user mode (no -icount there; the plugin counts exactly)."""
    with tempfile.TemporaryDirectory(prefix="pyrt-qemu-user-") as tmp:
        t = Path(tmp)
        blob_path = t / "blob.bin"
        blob_path.write_bytes(blob)
        input_path = None
        if inputs is not None:
            input_path = t / "input.bin"
            input_path.write_bytes(pack_inputs(inputs))
        plugin = build_plugin(cache_dir) if count else None
        plugin_out = t / "counts.txt" if count else None
        cmd = linux_command(build, blob_path, input_path, plugin, plugin_out)
        return run_emulator(cmd, timeout=timeout, plugin_out=plugin_out)
