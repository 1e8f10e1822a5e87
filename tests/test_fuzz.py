"""Every coverage-guided fuzz target (tests/fuzz/<target>/), run briefly by tools/fuzz.sh.

For each target `bash tools/fuzz.sh list` prints, `tools/fuzz.sh <target> $PYRT_FUZZ_SECONDS`
runs (default 60 s under CI=true, 10 s locally), two targets at a time (the machine has two
cores). A target that exits non-zero fails with its findings' paths and the sanitizer summary.
The reproducers of fixed engine bugs (tests/fuzz/engine/regressions/) are run once each by the
engine fuzzer under ASan + UBSan.

Marked slow: the sanitizer pass of .ci/run (`-m "not slow"`) leaves these out, the fuzzers
being sanitizer builds already.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO_ROOT, in_ci, skip_or_fail

pytestmark = pytest.mark.slow

FUZZ_SH = REPO_ROOT / "tools" / "fuzz.sh"
FUZZ_OUT = REPO_ROOT / "build" / "fuzz-tests"
ENGINE_REGRESSIONS = REPO_ROOT / "tests" / "fuzz" / "engine" / "regressions"


def targets() -> list[str]:
    r = subprocess.run(["bash", str(FUZZ_SH), "list"], capture_output=True, text=True,
                       timeout=60, cwd=REPO_ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def fuzz_seconds() -> int:
    return int(os.environ.get("PYRT_FUZZ_SECONDS", "60" if in_ci() else "10"))


@dataclass
class Run:
    returncode: int
    output: str


def run_target(target: str, seconds: int) -> Run:
    # Python harnesses run in this environment; working folders apart from a long run's
    env = dict(os.environ, PYRT_VENV=sys.prefix, PYRT_FUZZ_OUT=str(FUZZ_OUT))
    r = subprocess.run(["bash", str(FUZZ_SH), target, str(seconds)], capture_output=True,
                       text=True, timeout=seconds + 900, cwd=REPO_ROOT, env=env)
    return Run(r.returncode, r.stdout + r.stderr)


def failure_message(target: str, run: Run) -> str:
    """The findings' paths, the sanitizer summaries and the tail of the fuzzer's log."""
    findings = re.findall(r"findings: (.*)", run.output)
    log = FUZZ_OUT / target / "last.log"
    text = log.read_text(errors="replace") if log.is_file() else run.output
    summaries = sorted(set(re.findall(r"^(?:SUMMARY: .*|==\d+==ERROR: .*)$", text, re.M)))
    return (f"fuzz target {target}: exit {run.returncode}\n"
            f"findings: {' '.join(findings) or '(none written)'}\n"
            + "\n".join(summaries) + "\n--- tools/fuzz.sh output (tail) ---\n"
            + run.output[-3000:])


@pytest.fixture(scope="session")
def fuzz_runs(request: pytest.FixtureRequest) -> dict[str, Future[Run]]:
    """Start every selected target, two at a time; each test waits for its own."""
    selected = [item.callspec.params["target"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_fuzz_target"
                and hasattr(item, "callspec")]
    pool = ThreadPoolExecutor(max_workers=2)
    request.addfinalizer(lambda: pool.shutdown(wait=True))
    seconds = fuzz_seconds()
    return {t: pool.submit(run_target, t, seconds) for t in selected}


@lru_cache(maxsize=1)
def engine_fuzzer() -> Path:
    """The engine fuzzer, built apart from tools/fuzz.sh's (which may be running)."""
    out = REPO_ROOT / "build" / "fuzz" / "engine-regressions"
    r = subprocess.run(["bash", str(REPO_ROOT / "tests" / "fuzz" / "engine" / "build.sh"),
                        str(out)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out / "fuzzer"


def run_reproducer(path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1")
    return subprocess.run([str(engine_fuzzer()), str(path)], capture_output=True, text=True,
                          timeout=300, env=env)


def regression_files() -> list[Path]:
    return sorted(p for p in ENGINE_REGRESSIONS.iterdir() if p.is_file())


def need_clang() -> None:
    r = subprocess.run(["bash", "-c", "command -v clang && command -v cmake"], capture_output=True)
    if r.returncode != 0:
        skip_or_fail("clang and cmake are needed for the C fuzz targets")


@pytest.mark.parametrize("target", targets())
def test_fuzz_target(target: str, fuzz_runs: dict[str, Future[Run]]) -> None:
    if (REPO_ROOT / "tests" / "fuzz" / target / "harness.py").is_file():
        try:
            import atheris  # noqa: F401
        except ImportError:
            skip_or_fail("atheris is needed for the Python fuzz targets (pip install .[fuzz])")
    else:
        need_clang()
    run = fuzz_runs[target].result()
    assert run.returncode == 0, failure_message(target, run)


def test_fuzz_list_names_every_target() -> None:
    """`fuzz.sh list` prints exactly the folders of tests/fuzz that hold a target."""
    folders = sorted(p.name for p in (REPO_ROOT / "tests" / "fuzz").iterdir()
                     if (p / "build.sh").is_file() or (p / "harness.py").is_file())
    assert sorted(targets()) == folders and "engine" in folders


@pytest.mark.parametrize("name", [p.name for p in regression_files()])
def test_engine_regression(name: str) -> None:
    """pyrt_init (+ pyrt_invoke when accepted) on each reproducer: no sanitizer report."""
    need_clang()
    r = run_reproducer(ENGINE_REGRESSIONS / name)
    summary = "\n".join(line for line in (r.stdout + r.stderr).splitlines()
                        if "SUMMARY" in line or re.match(r"\s+#[0-4] ", line))
    assert r.returncode == 0, f"{name}: exit {r.returncode}\n{summary}"
