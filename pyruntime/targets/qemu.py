"""Build firmware for an emulated Cortex-M board and run it under QEMU (draft).

Used by the coming `pyruntime bench`. Everything is driven through the firmware's CMake
project (firmware/CMakeLists.txt) and the insn_count TCG plugin (tools/qemu_plugin):

    from pyruntime.targets import qemu
    fw = qemu.build_firmware("mps2_an386", "runner")          # cached by source digest
    run = qemu.run_qemu(fw, blob=blob_bytes, inputs=[x.tobytes()])
    res = qemu.runner_result(run)   # status, outputs, exact instruction counts per operator

Board facts (QEMU machine, blob/input addresses) come from the build's board_info.json,
written by CMake from firmware/boards/<board>/board.cmake.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIRMWARE_DIR = REPO / "firmware"
PLUGIN_DIR = REPO / "tools" / "qemu_plugin"
QEMU_BOARDS = ("mps2_an385", "mps2_an386", "mps2_an500", "mps2_an505", "mps3_an547")
INPUT_MAGIC = 0x4E495950  # "PYIN"
INPUT_MAX_N = 14
INPUT_HEADER_BYTES = 64
# Exit statuses of the runner (firmware/apps/runner/main.c) and the fault handler.
EXIT_OK, EXIT_ENGINE, EXIT_DATA, EXIT_CAPACITY, EXIT_FAULT_BASE = 0, 2, 3, 4, 64


class TargetError(RuntimeError):
    """Building or running firmware failed (message carries the tool output tail)."""


def default_cache_dir() -> Path:
    env = os.environ.get("PYRUNTIME_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "pyruntime"
    return base / "firmware"


def _files(roots: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        if root.is_file():
            out.append(root)
        elif root.is_dir():
            out.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(out)


def source_digest(roots: Iterable[Path]) -> str:
    """SHA-256 over relative paths and contents of every file under `roots`."""
    h = hashlib.sha256()
    for p in _files(roots):
        h.update(str(p.relative_to(REPO) if p.is_relative_to(REPO) else p).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _run(cmd: Sequence[str], cwd: Path | None = None, timeout: float = 600.0) -> str:
    proc = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise TargetError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return proc.stdout


@dataclass
class FirmwareBuild:
    build_dir: Path
    elf: Path
    info: dict[str, Any]

    @property
    def board(self) -> str:
        return str(self.info["board"])

    def address(self, key: str) -> int:
        return int(str(self.info[key]), 0)


def build_firmware(board: str, app: str = "runner", *, cache_dir: Path | None = None,
                   engine: str = "auto", arena_bytes: int | None = None,
                   state_bytes: int | None = None, build_type: str = "Release", jobs: int = 2,
                   extra_cmake: Sequence[str] = ()) -> FirmwareBuild:
    """Configure and build one (board, app) pair; reuse the build when nothing changed.

    The cache key covers the options and the contents of firmware/, runtime_c/ and
    cmake/toolchains/, so an edited source always gives a fresh build directory.
    """
    if arena_bytes is not None and arena_bytes % 16:
        raise ValueError("arena_bytes must be a multiple of 16")
    options = [f"-DPYRT_BOARD={board}", f"-DPYRT_APP={app}", f"-DPYRT_ENGINE={engine}",
               f"-DCMAKE_BUILD_TYPE={build_type}", *extra_cmake]
    if arena_bytes is not None:
        options.append(f"-DPYRT_ARENA_BYTES={arena_bytes}")
    if state_bytes is not None:
        options.append(f"-DPYRT_STATE_BYTES={state_bytes}")
    digest = source_digest([FIRMWARE_DIR, REPO / "runtime_c", REPO / "cmake" / "toolchains"])
    key = hashlib.sha256(("\n".join(options) + "\n" + digest).encode()).hexdigest()[:16]
    build_dir = (cache_dir or default_cache_dir()) / f"{board}-{app}-{key}"
    info_path = build_dir / "board_info.json"
    done = build_dir / ".built"
    if not done.exists():
        if build_dir.exists():
            shutil.rmtree(build_dir)
        build_dir.mkdir(parents=True)
        _run(["cmake", "-S", str(FIRMWARE_DIR), "-B", str(build_dir), *options])
        _run(["cmake", "--build", str(build_dir), f"-j{jobs}"])
        done.write_text(key + "\n")
    info = json.loads(info_path.read_text())
    return FirmwareBuild(build_dir=build_dir, elf=Path(info["elf"]), info=info)


def build_plugin(cache_dir: Path | None = None) -> Path:
    """Build tools/qemu_plugin/insn_count.so (host gcc) into the cache; cached by source."""
    digest = source_digest([PLUGIN_DIR / "insn_count.c", PLUGIN_DIR / "qemu_plugin_api.h"])[:16]
    out = (cache_dir or default_cache_dir()) / f"insn_count-{digest}.so"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp.so")
        _run(["make", "-s", "-C", str(PLUGIN_DIR), f"OUT={tmp}"])
        tmp.replace(out)
    return out


def pack_inputs(inputs: Sequence[bytes]) -> bytes:
    """The runner's input file: header ("PYIN", n, sizes[14]) then each input 16-aligned."""
    if not 1 <= len(inputs) <= INPUT_MAX_N:
        raise ValueError(f"1..{INPUT_MAX_N} inputs supported, got {len(inputs)}")
    sizes = [len(b) for b in inputs] + [0] * (INPUT_MAX_N - len(inputs))
    out = bytearray(struct.pack("<II14I", INPUT_MAGIC, len(inputs), *sizes))
    assert len(out) == INPUT_HEADER_BYTES
    for b in inputs:
        out += b
        out += bytes(-len(out) % 16)
    return bytes(out)


@dataclass
class QemuRun:
    returncode: int
    stdout: str
    stderr: str
    elapsed_s: float
    timed_out: bool = False
    plugin_total: int | None = None
    snapshots: list[int] = field(default_factory=list)


def qemu_command(fw: FirmwareBuild, *, blob_path: Path | None = None,
                 input_path: Path | None = None, plugin: Path | None = None,
                 plugin_out: Path | None = None, icount: bool = True) -> list[str]:
    machine = fw.info.get("qemu_machine")
    if not machine:
        raise TargetError(f"board {fw.board} has no QEMU machine (real hardware only)")
    cmd = ["qemu-system-arm", "-M", machine, "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-semihosting-config", "enable=on,target=native", "-no-reboot",
           *fw.info.get("qemu_extra", [])]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if plugin is not None:
        arg = f"{plugin},out={plugin_out}" if plugin_out else str(plugin)
        cmd += ["-plugin", arg]
    if blob_path is not None:
        cmd += ["-device", f"loader,file={blob_path},addr={fw.info['blob_addr']},force-raw=on"]
    if input_path is not None:
        cmd += ["-device", f"loader,file={input_path},addr={fw.info['input_addr']},force-raw=on"]
    cmd += ["-kernel", str(fw.elf)]
    return cmd


def read_plugin_output(path: Path) -> tuple[int, list[int]]:
    total, snaps, in_snaps = 0, [], False
    for line in path.read_text().splitlines():
        if in_snaps:
            snaps.append(int(line))
        elif line.startswith("total "):
            total = int(line.split()[1])
        elif line.startswith("snapshots "):
            in_snaps = True
    return total, snaps


def run_qemu(fw: FirmwareBuild, *, blob: bytes | None = None,
             inputs: Sequence[bytes] | None = None, timeout: float = 120.0,
             count: bool = True, icount: bool = True,
             cache_dir: Path | None = None) -> QemuRun:
    """Run the firmware once; blob and inputs are placed with QEMU's generic loader."""
    with tempfile.TemporaryDirectory(prefix="pyrt-qemu-") as tmp:
        t = Path(tmp)
        blob_path = input_path = plugin = plugin_out = None
        if blob is not None:
            if len(blob) > fw.address("blob_max"):
                raise TargetError(f"blob of {len(blob)} B exceeds the board window")
            blob_path = t / "blob.bin"
            blob_path.write_bytes(blob)
        if inputs is not None:
            packed = pack_inputs(inputs)
            if len(packed) > fw.address("input_max"):
                raise TargetError(f"inputs of {len(packed)} B exceed the board window")
            input_path = t / "input.bin"
            input_path.write_bytes(packed)
        if count:
            plugin = build_plugin(cache_dir)
            plugin_out = t / "counts.txt"
        cmd = qemu_command(fw, blob_path=blob_path, input_path=input_path, plugin=plugin,
                           plugin_out=plugin_out, icount=icount)
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if e.stdout else ""
            err = e.stderr.decode(errors="replace") if e.stderr else ""
            return QemuRun(-1, out, err, time.monotonic() - start, timed_out=True)
        run = QemuRun(proc.returncode, proc.stdout.decode(errors="replace"),
                      proc.stderr.decode(errors="replace"), time.monotonic() - start)
        if plugin_out is not None and plugin_out.exists():
            run.plugin_total, run.snapshots = read_plugin_output(plugin_out)
        return run


def parse_runner_output(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each line "KEY a=1 b=x" -> ("KEY", {"a": "1", "b": "x"}); other lines are skipped."""
    records = []
    for line in text.splitlines():
        parts = line.strip().split()
        if not parts or not parts[0].replace("-", "").isupper():
            continue
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        records.append((parts[0], fields))
    return records


def runner_result(run: QemuRun) -> dict[str, Any]:
    """Combine the runner's lines with the plugin's marker snapshots.

    Snapshot layout (see firmware/apps/runner/main.c): [cal_b, cal_e, warm_b, warm_e, inv_b,
    (op_b, op_e) * n_ops, inv_e]. Instruction counts are exact (plugin); "counter" values are
    the board counter's (FPGAIO: 1/instruction on an505/an547, 1/40 on an385/386/500).
    """
    recs = parse_runner_output(run.stdout)
    first = {k: f for k, f in reversed(recs)}
    res: dict[str, Any] = {"returncode": run.returncode, "timed_out": run.timed_out,
                           "elapsed_s": run.elapsed_s}
    if "FAULT" in first:
        res["fault"] = first["FAULT"]
    if "ERROR" in first:
        res["error"] = first["ERROR"]
    for key in ("QUERY", "INIT", "WARMUP", "INVOKE", "STACK", "END"):
        if key in first:
            res[key.lower()] = first[key]
    res["ops"] = [f for k, f in recs if k == "OP"]
    res["outputs"] = [bytes.fromhex(f.get("hex", "")) for k, f in recs if k == "OUTPUT"]
    n_ops = len(res["ops"])
    s = run.snapshots
    if len(s) == 6 + 2 * n_ops and "invoke" in res:
        hook = s[1] - s[0]
        res["instructions"] = {
            "warmup": s[3] - s[2],
            "invoke": s[-1] - s[4],
            "hook_overhead_per_op": hook,
            "ops_raw": [s[6 + 2 * i] - s[5 + 2 * i] for i in range(n_ops)],
            "ops": [s[6 + 2 * i] - s[5 + 2 * i] - hook for i in range(n_ops)],
            "run_total": run.plugin_total,
        }
    return res
