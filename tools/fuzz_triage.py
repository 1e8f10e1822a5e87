"""Group a fuzz target's findings by stack: one line per distinct bug, with a reproducer.

    python3 tools/fuzz_triage.py CMD... -- FINDING...

Runs `CMD FINDING` for each finding (the target's fuzzer, or python + harness.py) and keys it by
the sanitizer's SUMMARY line (or the Python exception line) and the innermost stack frame
inside the repository. Prints, per distinct key: the count, one reproducer (the smallest) and
the top three frames. `bash tools/fuzz.sh TARGET triage` calls it with the right command.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
C_FRAME = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ in (\S+) (\S+)")
PY_FRAME = re.compile(r'^\s+File "([^"]+)", line (\d+), in (\S+)')


@dataclass
class Group:
    key: str
    report: str
    files: list[Path] = field(default_factory=list)


def stack_key(output: str) -> tuple[str, str]:
    """(key, the lines that make it) of one run's output."""
    lines = output.splitlines()
    headline = next((ln for ln in lines if ln.startswith("SUMMARY:")), "")
    frames = [f"{m.group(1)} {Path(m.group(2)).name}" for ln in lines
              if (m := C_FRAME.match(ln)) and str(REPO) in m.group(2)][:3]
    if not frames:  # a Python traceback: innermost repository frames, then the exception
        py = [f"{m.group(3)} {Path(m.group(1)).name}:{m.group(2)}" for ln in lines
              if (m := PY_FRAME.match(ln)) and str(REPO) in m.group(1)]
        frames = py[-3:][::-1]
        headline = headline or next((ln for ln in reversed(lines)
                                     if re.match(r"^\w+(Error|Exception)\b", ln)), "")
    if not headline:
        headline = next((ln for ln in lines if "ERROR" in ln or "runtime error" in ln),
                        "(no report: the input ran clean)")
    return f"{headline} | {frames[0] if frames else ''}", "\n".join([headline] + frames)


def triage(cmd: list[str], files: list[Path], timeout: int) -> list[Group]:
    groups: dict[str, Group] = {}
    env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1")
    for f in files:
        try:
            r = subprocess.run([*cmd, str(f)], capture_output=True, text=True, timeout=timeout,
                               env=env)
            out = r.stdout + r.stderr
        except subprocess.TimeoutExpired:
            out = "SUMMARY: timeout (no report within the time limit)"
        key, report = stack_key(out)
        groups.setdefault(key, Group(key, report)).files.append(f)
    return sorted(groups.values(), key=lambda g: -len(g.files))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=int, default=60, help="seconds per finding")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="CMD... -- FINDING...")
    a = ap.parse_args()
    if "--" not in a.args:
        ap.error("expected CMD... -- FINDING...")
    sep = a.args.index("--")
    cmd, files = a.args[:sep], [Path(p) for p in a.args[sep + 1:]]
    groups = triage(cmd, files, a.timeout)
    for n, g in enumerate(groups, 1):
        smallest = min(g.files, key=lambda p: p.stat().st_size)
        print(f"== {n}: {len(g.files)} finding(s), e.g. {smallest} ({smallest.stat().st_size} B)")
        print("   " + g.report.replace("\n", "\n   "))
    print(f"{len(groups)} distinct, {len(files)} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
