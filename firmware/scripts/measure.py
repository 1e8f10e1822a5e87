#!/usr/bin/env python3
"""Measure the board layers on QEMU: boot+exit time, counter determinism, board-layer size.

    python3 firmware/scripts/measure.py [--blob model.bin] [--runs 5] [--cache DIR]

For each QEMU board: builds `hello` (and `runner` when --blob is given), times boot -> exit
(median of --runs, plain and with -icount + the insn_count plugin), checks that two runs give
identical plugin snapshots and totals, cross-checks the hello loop region against its known
length (4 + 3 * 100000 instructions), and sums the board layer's text/data/bss from
libpyrt_board.a. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pyruntime.targets import qemu  # noqa: E402


def board_layer_size(build_dir: Path) -> tuple[int, int, int]:
    out = subprocess.run(["arm-none-eabi-size", "-t", str(build_dir / "libpyrt_board.a")],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    text, data, bss = (int(v) for v in out[-1].split()[:3])
    return text, data, bss


def timed(fw: qemu.FirmwareBuild, runs: int, **kw: object) -> tuple[float, qemu.QemuRun]:
    times, last = [], None
    for _ in range(runs):
        t = time.monotonic()
        last = qemu.run_qemu(fw, **kw)  # type: ignore[arg-type]
        times.append(time.monotonic() - t)
        if last.returncode != 0:
            raise SystemExit(f"{fw.board}: exit {last.returncode}\n{last.stdout}\n{last.stderr}")
    assert last is not None
    return statistics.median(times), last


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blob", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=None)
    a = ap.parse_args()
    blob = a.blob.read_bytes() if a.blob else None
    print("| board | boot+exit s (plain) | boot+exit s (icount+plugin) | hello region insns "
          "(expect 300004) | hello total insns, 2 runs | board layer text/data/bss B |"
          + (" model invoke insns, 2 runs | model wall s |" if blob else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if blob else ""))
    for board in qemu.QEMU_BOARDS:
        fw = qemu.build_firmware(board, "hello", cache_dir=a.cache)
        t_plain, _ = timed(fw, a.runs, count=False, icount=False, cache_dir=a.cache)
        t_count, r1 = timed(fw, a.runs, cache_dir=a.cache)
        r2 = qemu.run_qemu(fw, cache_dir=a.cache)
        region = r1.snapshots[1] - r1.snapshots[0]
        same = r1.snapshots == r2.snapshots and r1.plugin_total == r2.plugin_total
        text, data, bss = board_layer_size(fw.build_dir)
        row = (f"| {board} | {t_plain:.3f} | {t_count:.3f} | {region} | {r1.plugin_total}"
               f"{' = ' if same else ' != '}{r2.plugin_total} | {text}/{data}/{bss} |")
        if blob:
            rfw = qemu.build_firmware(board, "runner", cache_dir=a.cache)
            t_model, m1 = timed(rfw, 1, blob=blob, cache_dir=a.cache, timeout=600)
            m2 = qemu.run_qemu(rfw, blob=blob, cache_dir=a.cache, timeout=600)
            i1 = qemu.runner_result(m1)["instructions"]["invoke"]
            i2 = qemu.runner_result(m2)["instructions"]["invoke"]
            same_m = m1.snapshots == m2.snapshots
            row += f" {i1}{' = ' if same_m else ' != '}{i2} | {t_model:.2f} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
