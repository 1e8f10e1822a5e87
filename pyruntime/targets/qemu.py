"""Build firmware for an emulated Cortex-M board and run it under QEMU.

    from pyruntime.targets import qemu
    fw = qemu.build_firmware("mps2_an386", "runner")          # cached by source digest + options
    run = qemu.run_qemu(fw, blob=blob_bytes, inputs=[x.tobytes()])
    qemu.check_run(run, fw)          # raises TargetTimeout / FirmwareFault / TargetError
    res = qemu.runner_result(run)    # status, outputs, exact instruction counts per operator

Board facts (QEMU machine, blob/input addresses, capacities) come from the build's
board_info.json, written by CMake from firmware/boards/<board>/board.cmake.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import (CapacityError, FirmwareFault, TargetError, TargetTimeout, default_cache_dir,
               source_root)

QEMU_BOARDS = ("mps2_an385", "mps2_an386", "mps2_an500", "mps2_an505", "mps3_an547")
INPUT_MAGIC = 0x4E495950  # "PYIN"
INPUT_MAX_N = 14
INPUT_HEADER_BYTES = 64
# Exit statuses of the runner (firmware/apps/runner/main.c) and the fault handler.
EXIT_OK, EXIT_ENGINE, EXIT_DATA, EXIT_CAPACITY, EXIT_FAULT_BASE = 0, 2, 3, 4, 64
BUILD_TYPES = {"O2": "Release", "Os": "MinSizeRel"}

Progress = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


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
    base = source_root()
    h = hashlib.sha256()
    for p in _files(roots):
        h.update(str(p.relative_to(base) if p.is_relative_to(base) else p).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def run_tool(cmd: Sequence[str], cwd: Path | None = None, timeout: float = 600.0) -> str:
    """Run a build tool; a failure raises TargetError with the command and its output tail."""
    try:
        proc = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
    except FileNotFoundError as e:
        raise TargetError(f"{cmd[0]} is not installed (needed for: {' '.join(cmd)}); "
                          "tools/install_system_deps.sh installs it") from e
    except subprocess.TimeoutExpired as e:
        raise TargetTimeout(f"{' '.join(cmd)} took more than {timeout:.0f} s") from e
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise TargetError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return proc.stdout


def cached_cmake_build(name: str, source_dir: Path, options: Sequence[str], digest_roots:
                       Sequence[Path], *, cache_dir: Path | None, jobs: int,
                       progress: Progress) -> Path:
    """Configure + build a CMake project into <cache>/<name>-<key>; reuse it when the key
    (options + digest of every source file) matches. Concurrent callers serialize on a lock."""
    key = hashlib.sha256(("\n".join(options) + "\n" + source_digest(digest_roots))
                         .encode()).hexdigest()[:16]
    base = cache_dir or default_cache_dir()
    base.mkdir(parents=True, exist_ok=True)
    build_dir = base / f"{name}-{key}"
    done = build_dir / ".built"
    with open(base / f"{name}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            progress(f"{name}: cached build {build_dir}")
            return build_dir
        if build_dir.exists():
            shutil.rmtree(build_dir)
        build_dir.mkdir(parents=True)
        progress(f"{name}: configuring (cmake)")
        run_tool(["cmake", "-S", str(source_dir), "-B", str(build_dir), *options])
        progress(f"{name}: building (-j{jobs})")
        run_tool(["cmake", "--build", str(build_dir), f"-j{jobs}"])
        done.write_text(key + "\n")
    return build_dir


def ops_option(ops: Sequence[str]) -> str:
    """-DPYRT_OPS=... for a non-empty operator list (an empty list would mean "all")."""
    if not ops:
        raise TargetError("an engine with no operators: give at least one operator")
    return "-DPYRT_OPS=" + ";".join(ops)


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

    @property
    def map_file(self) -> Path:
        return self.build_dir / f"{self.info['app']}.map"

    @property
    def arena_capacity(self) -> int:
        return int(self.info["arena_bytes"])

    @property
    def state_capacity(self) -> int:
        return int(self.info["state_bytes"])

    @property
    def ram_capacity(self) -> int:
        """Bytes of the board's large RAM for the arena and the state (BIG region)."""
        return self.address("big_bytes") if "big_bytes" in self.info else 0x700000


def build_firmware(board: str, app: str = "runner", *, cache_dir: Path | None = None,
                   engine: str = "auto", arena_bytes: int | None = None,
                   state_bytes: int | None = None, build_type: str = "Release", jobs: int = 2,
                   ops: Sequence[str] | None = None, extra_cmake: Sequence[str] = (),
                   progress: Progress = _quiet) -> FirmwareBuild:
    """Configure and build one (board, app) pair; reuse the build when nothing changed.

    `ops`: build the engine with only these operators (PYRT_OPS; None = all of them).
    The cache key covers the options (the operator list included) and the contents of
    firmware/, runtime_c/ and cmake/, so an edited source always gives a fresh build directory.
    """
    if arena_bytes is not None and arena_bytes % 16:
        raise ValueError("arena_bytes must be a multiple of 16")
    root = source_root()
    if not (root / "firmware" / "boards" / board / "board.cmake").is_file():
        raise TargetError(f"unknown board '{board}' (no firmware/boards/{board}/board.cmake)")
    options = [f"-DPYRT_BOARD={board}", f"-DPYRT_APP={app}", f"-DPYRT_ENGINE={engine}",
               f"-DCMAKE_BUILD_TYPE={build_type}", *extra_cmake]
    if ops is not None:
        options.append(ops_option(ops))
    if arena_bytes is not None:
        options.append(f"-DPYRT_ARENA_BYTES={arena_bytes}")
    if state_bytes is not None:
        options.append(f"-DPYRT_STATE_BYTES={state_bytes}")
    build_dir = cached_cmake_build(
        f"{board}-{app}-{build_type}", root / "firmware", options,
        [root / "firmware", root / "runtime_c", root / "cmake"], cache_dir=cache_dir, jobs=jobs,
        progress=progress)
    info = json.loads((build_dir / "board_info.json").read_text())
    return FirmwareBuild(build_dir=build_dir, elf=Path(info["elf"]), info=info)


def build_plugin(cache_dir: Path | None = None) -> Path:
    """Build tools/qemu_plugin/insn_count.so (host gcc) into the cache; cached by source."""
    plugin_dir = source_root() / "tools" / "qemu_plugin"
    digest = source_digest([plugin_dir / "insn_count.c", plugin_dir / "qemu_plugin_api.h"])[:16]
    out = (cache_dir or default_cache_dir()) / f"insn_count-{digest}.so"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            tmp_out = Path(tmp) / "insn_count.so"
            run_tool(["make", "-s", "-C", str(plugin_dir), f"OUT={tmp_out}"])
            tmp_out.replace(out)
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


def blob_requirements(blob: bytes) -> tuple[int, int]:
    """(blob_bytes, arena_bytes) declared by a blob header (docs/blob_format.md)."""
    if len(blob) < 32 or blob[:4] != b"PYRT":
        raise TargetError("not a pyruntime blob (no PYRT header)")
    (total,) = struct.unpack_from("<I", blob, 8)
    (arena,) = struct.unpack_from("<I", blob, 20)
    return total, arena


def check_fits(fw: FirmwareBuild, blob: bytes, state_bytes: int) -> None:
    """Refuse, before running, a blob larger than the board's model flash or an arena (plus
    the engine state) larger than its RAM; both messages name the sizes."""
    total, arena = blob_requirements(blob)
    flash = fw.address("blob_max")
    if max(total, len(blob)) > flash:
        raise CapacityError(f"blob of {max(total, len(blob))} bytes is too large for the flash "
                            f"of {fw.board} ({flash} bytes for the model at "
                            f"{fw.info['blob_addr']})")
    ram = fw.ram_capacity
    if arena + state_bytes > ram:
        raise CapacityError(f"arena of {arena} bytes (+ {state_bytes} bytes of engine state) is "
                            f"too large for the RAM of {fw.board} ({ram} bytes for arena and "
                            "state)")


@dataclass
class QemuRun:
    returncode: int
    stdout: str
    stderr: str
    elapsed_s: float
    timed_out: bool = False
    timeout_s: float = 0.0
    plugin_total: int | None = None
    snapshots: list[int] = field(default_factory=list)
    command: list[str] = field(default_factory=list)


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


def run_emulator(cmd: list[str], *, timeout: float, plugin_out: Path | None) -> QemuRun:
    """Run an emulator command with stdin closed; kill it at the time limit."""
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except FileNotFoundError as e:
        raise TargetError(f"{cmd[0]} is not installed; tools/install_system_deps.sh installs "
                          "it") from e
    except subprocess.TimeoutExpired as e:  # subprocess.run has killed the process
        out = e.stdout.decode(errors="replace") if e.stdout else ""
        err = e.stderr.decode(errors="replace") if e.stderr else ""
        return QemuRun(-1, out, err, time.monotonic() - start, timed_out=True,
                       timeout_s=timeout, command=cmd)
    run = QemuRun(proc.returncode, proc.stdout.decode(errors="replace"),
                  proc.stderr.decode(errors="replace"), time.monotonic() - start,
                  timeout_s=timeout, command=cmd)
    if plugin_out is not None and plugin_out.exists():
        run.plugin_total, run.snapshots = read_plugin_output(plugin_out)
    return run


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
                raise CapacityError(f"blob of {len(blob)} bytes is too large for the flash of "
                                    f"{fw.board} ({fw.address('blob_max')} bytes)")
            blob_path = t / "blob.bin"
            blob_path.write_bytes(blob)
        if inputs is not None:
            packed = pack_inputs(inputs)
            if len(packed) > fw.address("input_max"):
                raise CapacityError(f"inputs of {len(packed)} bytes exceed the input window of "
                                    f"{fw.board} ({fw.address('input_max')} bytes)")
            input_path = t / "input.bin"
            input_path.write_bytes(packed)
        if count:
            plugin = build_plugin(cache_dir)
            plugin_out = t / "counts.txt"
        cmd = qemu_command(fw, blob_path=blob_path, input_path=input_path, plugin=plugin,
                           plugin_out=plugin_out, icount=icount)
        return run_emulator(cmd, timeout=timeout, plugin_out=plugin_out)


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


def check_run(run: QemuRun, where: str) -> None:
    """Turn a failed run into an exception: TargetTimeout (killed at the time limit),
    FirmwareFault (the fault handler's registers in the message), TargetError otherwise."""
    recs = dict(reversed(parse_runner_output(run.stdout)))
    if run.timed_out:
        raise TargetTimeout(f"{where}: QEMU ran past its time limit of {run.timeout_s:g} s and "
                            f"was killed; last output: {run.stdout[-300:]!r}")
    if "FAULT" in recs:
        regs = recs["FAULT"]
        shown = " ".join(f"{k}={v}" for k, v in regs.items())
        raise FirmwareFault(f"{where}: firmware fault {regs.get('name', '?')} (exit status "
                            f"{run.returncode}): {shown}", regs)
    if run.returncode >= EXIT_FAULT_BASE:
        raise FirmwareFault(f"{where}: firmware fault, exit status {run.returncode} "
                            f"(exception {run.returncode - EXIT_FAULT_BASE}) without a report; "
                            f"output tail: {(run.stdout + run.stderr)[-500:]!r}", {})
    if run.returncode != 0:
        detail = ""
        for key in ("ERROR", "INIT", "QUERY", "INVOKE", "WARMUP"):
            if key in recs and (key == "ERROR" or recs[key].get("status", "0") != "0"):
                detail = key + " " + " ".join(f"{k}={v}" for k, v in recs[key].items())
                break
        meaning = {EXIT_ENGINE: "engine error", EXIT_DATA: "blob or input missing/malformed",
                   EXIT_CAPACITY: "arena/state capacity too small"}.get(run.returncode,
                                                                        "failure")
        raise TargetError(f"{where}: runner exited with status {run.returncode} ({meaning})"
                          f"{': ' + detail if detail else ''}; stderr: {run.stderr[-500:]!r}")


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
    for key in ("QUERY", "INIT", "WARMUP", "INVOKE", "ARENA", "STACK", "END"):
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
