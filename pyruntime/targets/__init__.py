"""Execution targets for `pyruntime bench`: emulated Cortex-M boards and Cortex-A Linux.

    from pyruntime.targets import get_target
    t = get_target("cortex-m4")      # Target(board="mps2_an386", kind="mcu", ...)

Cortex-M targets run the firmware runner (firmware/apps/runner) on a QEMU board
(`pyruntime.targets.qemu`); Cortex-A targets run firmware/apps/runner_linux in QEMU user mode
(`pyruntime.targets.linux`). Both are built from the source tree found by `source_root()`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class TargetError(RuntimeError):
    """Building or running on a target failed (the message says what, where and why)."""


class CapacityError(TargetError):
    """The model does not fit the target (blob vs flash, arena vs RAM): refused before running."""


class FirmwareFault(TargetError):
    """The firmware took a fault; `registers` holds the fault handler's report."""

    def __init__(self, message: str, registers: dict[str, str]) -> None:
        super().__init__(message)
        self.registers = registers


class TargetTimeout(TargetError):
    """The emulator ran past its time limit and was killed."""


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # "mcu" (qemu-system-arm board) | "linux" (qemu-user)
    cpu: str  # PYRT_CPU (Cortex-M) or -mcpu (Cortex-A)
    board: str = ""  # firmware/boards/<board> for "mcu"
    toolchain: str = "arm-none-eabi"  # cmake/toolchains/<toolchain>.cmake
    qemu: str = "qemu-system-arm"
    qemu_cpu: str = ""  # qemu-user -cpu
    sysroot: str = ""  # qemu-user -L


TARGETS: dict[str, Target] = {
    "cortex-m3": Target("cortex-m3", "mcu", "cortex-m3", board="mps2_an385"),
    "cortex-m4": Target("cortex-m4", "mcu", "cortex-m4", board="mps2_an386"),
    "cortex-m7": Target("cortex-m7", "mcu", "cortex-m7", board="mps2_an500"),
    "cortex-m33": Target("cortex-m33", "mcu", "cortex-m33", board="mps2_an505"),
    "cortex-m55": Target("cortex-m55", "mcu", "cortex-m55", board="mps3_an547"),
    "cortex-a53": Target("cortex-a53", "linux", "cortex-a53", toolchain="aarch64-linux-gnu",
                         qemu="qemu-aarch64", qemu_cpu="cortex-a53",
                         sysroot="/usr/aarch64-linux-gnu"),
    # Armv8.2-A with the dot product extension (SDOT): compiled -mcpu=cortex-a55, run on QEMU's
    # cortex-a76 (qemu-aarch64 7.2 has no cortex-a55; the A76 implements the same Armv8.2-A
    # instructions the A55 code uses, dotprod included).
    "cortex-a55": Target("cortex-a55", "linux", "cortex-a55", toolchain="aarch64-linux-gnu",
                         qemu="qemu-aarch64", qemu_cpu="cortex-a76",
                         sysroot="/usr/aarch64-linux-gnu"),
    "armv7a": Target("armv7a", "linux", "cortex-a7", toolchain="arm-linux-gnueabihf",
                     qemu="qemu-arm", qemu_cpu="cortex-a7", sysroot="/usr/arm-linux-gnueabihf"),
}
ALIASES: dict[str, str] = {
    "aarch64": "cortex-a53", "a55": "cortex-a55", "cortex-a7": "armv7a", "armhf": "armv7a",
    "m3": "cortex-m3", "m4": "cortex-m4", "m7": "cortex-m7", "m33": "cortex-m33",
    "m55": "cortex-m55",
}
# Boards by name also select their target (e.g. "mps2_an386" or "mps2-an386").
for _t in list(TARGETS.values()):
    if _t.board:
        ALIASES[_t.board] = _t.name
        ALIASES[_t.board.replace("_", "-")] = _t.name


def target_names() -> list[str]:
    return list(TARGETS)


def get_target(name: str) -> Target:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in TARGETS:
        raise TargetError(f"unknown target '{name}': choose one of {', '.join(TARGETS)} "
                          f"(aliases: {', '.join(sorted(ALIASES))})")
    return TARGETS[key]


def _looks_like_root(p: Path) -> bool:
    return (p / "firmware" / "CMakeLists.txt").is_file() and (p / "runtime_c").is_dir()


def source_root() -> Path:
    """The pyruntime source tree (firmware/, runtime_c/, cmake/, tools/qemu_plugin/).

    PYRUNTIME_SOURCE_DIR if set; else the checkout this package lives in (editable install);
    else the copy installed with the wheel (pyruntime/_src); else the current directory or one
    of its parents.
    """
    env = os.environ.get("PYRUNTIME_SOURCE_DIR")
    if env:
        p = Path(env).resolve()
        if not _looks_like_root(p):
            raise TargetError(f"PYRUNTIME_SOURCE_DIR={env} has no firmware/CMakeLists.txt "
                              "and runtime_c/: point it at a pyruntime checkout")
        return p
    here = Path(__file__).resolve().parents[2]
    if _looks_like_root(here):
        return here
    shipped = Path(__file__).resolve().parents[1] / "_src"  # copied into the wheel
    if _looks_like_root(shipped):
        return shipped
    cwd = Path.cwd().resolve()
    for p in (cwd, *cwd.parents):
        if _looks_like_root(p):
            return p
    raise TargetError("the firmware and engine sources are not installed with the package: run "
                      "from a pyruntime checkout or set PYRUNTIME_SOURCE_DIR to one")


# The engine's C sources, as runtime_c/CMakeLists.txt globs them (relative to runtime_c/src):
# loader and interpreter, operator adapters, reference kernels and every variant set (the
# preprocessor keeps what the target uses: runtime_c/src/kernels/select.h).
ENGINE_SOURCE_GLOBS = ("*.c", "ops/*.c", "kernels/*.c", "kernels/*/*.c")


def engine_sources(root: Path | None = None) -> list[Path]:
    """Every C file of the engine, for builds without CMake (sorted)."""
    src = (root or source_root()) / "runtime_c" / "src"
    return sorted(p for pattern in ENGINE_SOURCE_GLOBS for p in src.glob(pattern))


def default_cache_dir() -> Path:
    env = os.environ.get("PYRUNTIME_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "pyruntime"
    return base / "firmware"
