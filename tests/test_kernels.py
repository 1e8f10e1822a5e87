"""Every kernel of the engine against the reference kernels, on the emulated core of its ISA.

firmware/apps/kernel_test links the engine as built for a target (the arm_dsp kernels on
Cortex-M4/M7/M33; on Cortex-M55 the mve kernels, arm_dsp where it has none; on Cortex-A53, A55
(SDOT) and Armv7-A the neon kernels, arm_dsp (Armv7-A) or reference where it has none) beside
a second copy of the reference kernels (pyrt_ref_*), generates random cases per kernel from a
seed and compares the two outputs byte for byte (docs/kernels.md). The seed is random per run
unless PYRT_KERNEL_SEED is set; a failure message says how to replay it. PYRT_KERNEL_CASES
overrides the number of cases per kernel, PYRT_KERNEL_ONLY / PYRT_KERNEL_FIRST narrow a run to
one kernel / a first case index.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import struct
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO_ROOT, skip_or_fail
from pyruntime.targets import TargetError

# Builds firmware and runs QEMU: excluded from the sanitizer pass (-m "not slow").
pytestmark = pytest.mark.slow

# Cases per kernel and run (about 1-5 s each here; the builds take longer). M55 (the mve set,
# with arm_dsp and reference fallbacks): 1000 cases of every kernel take about 3 s in QEMU.
TARGET_CASES = {"cortex-m4": 1000, "cortex-m7": 300, "cortex-m33": 300, "cortex-m55": 1000,
                "armv7a": 500, "cortex-a53": 300, "cortex-a55": 300}
TOOLS = ("arm-none-eabi-gcc", "arm-linux-gnueabihf-gcc", "aarch64-linux-gnu-gcc",
         "qemu-system-arm", "qemu-arm", "qemu-aarch64", "cmake")
CONFIG_MAGIC, CONFIG_VERSION, ONLY_MAX = 0x544B5950, 1, 48
INJECT_OUTPUT, INJECT_GUARD, FLAG_TRACE, FLAG_ANY_ALIGN = 1, 2, 1, 2
EXIT_OK, EXIT_MISMATCH = 0, 1
KERNEL_TEST = REPO_ROOT / "firmware" / "apps" / "kernel_test"


def _env_int(name: str) -> int | None:
    v = os.environ.get(name, "").strip()
    return int(v, 0) if v else None


# One seed per session: PYRT_KERNEL_SEED, or random.
SEED: int = _env_int("PYRT_KERNEL_SEED") or random.SystemRandom().randrange(1, 2**32)


def config(seed: int, cases: int, *, first: int = 0, inject: int = 0, flags: int = 0,
           only: str = "") -> bytes:
    """The "PYKT" block of firmware/apps/kernel_test/kernel_test.h."""
    name = only.encode()
    if len(name) >= ONLY_MAX:
        raise ValueError(f"kernel name too long: {only}")
    return (struct.pack("<7I", CONFIG_MAGIC, CONFIG_VERSION, seed, cases, first, inject, flags)
            + name.ljust(ONLY_MAX, b"\0"))


def kernel_list() -> list[str]:
    """The kernels of PYRT_KERNEL_LIST (kernels.h), without the ..._scratch_bytes twins."""
    text = (REPO_ROOT / "runtime_c" / "src" / "kernels" / "kernels.h").read_text()
    body = text[text.index("#define PYRT_KERNEL_LIST(K)"):]
    body = body[:body.index("#define PYRT_DECLARE_KERNEL")]
    names = re.findall(r"\bK\(\s*\w+\s*,\s*(\w+)\s*,", body)
    return [n for n in names if not n.endswith("_scratch_bytes")]


def variant_kernels() -> dict[str, str]:
    """Kernels some variant set replaces (select.h: `#define PYRT_<SET>_<kernel> 1`, SET DSP
    or MVE) -> the sets, comma-separated."""
    text = (REPO_ROOT / "runtime_c" / "src" / "kernels" / "select.h").read_text()
    sets: dict[str, list[str]] = {}
    for m in re.finditer(r"^#define PYRT_([A-Z0-9]+)_([a-z]\w*)\s+1\b", text, re.M):
        sets.setdefault(m[2], []).append(m[1])
    return {k: ",".join(v) for k, v in sets.items()}


@dataclass
class Report:
    returncode: int
    stdout: str
    kernels: dict[str, dict[str, str]]  # KERNEL records by name
    failures: list[str]  # FAIL and CASE lines
    crash: str = ""  # the fault, signal or time limit that ended the run

    @property
    def status(self) -> str:
        return next((ln for ln in self.stdout.splitlines() if ln.startswith("END")), "no END")


def parse(returncode: int, stdout: str, crash: str = "") -> Report:
    kernels: dict[str, dict[str, str]] = {}
    failures: list[str] = []
    for line in stdout.splitlines():
        parts = line.split()
        if not parts:
            continue
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if parts[0] == "KERNEL":
            kernels[fields["name"]] = fields
        elif parts[0] in ("FAIL", "CASE", "UNTESTED", "ERROR"):
            failures.append(line)
    return Report(returncode, stdout, kernels, failures, crash)


Runner = Callable[[bytes], Report]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The build cache of this session (shared with tests/test_targets.py), builds from this
    source tree."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        skip_or_fail(f"missing tools for the kernel tests: {', '.join(missing)} "
                     "(tools/install_system_deps.sh)")
    d = tmp_path_factory.getbasetemp() / "pyrt-cache" / "firmware"
    d.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYRUNTIME_SOURCE_DIR", str(REPO_ROOT))
        yield d


def _board_runner(target: str, cache: Path) -> Runner:
    from pyruntime.targets import get_target, qemu
    fw = qemu.build_firmware(get_target(target).board, "kernel_test", cache_dir=cache, jobs=1)

    def run(cfg: bytes) -> Report:
        r = qemu.run_qemu(fw, inputs=[cfg], timeout=300, count=False, icount=False,
                          cache_dir=cache)
        crash = ""
        if r.timed_out or "FAULT" in r.stdout or r.returncode not in (EXIT_OK, EXIT_MISMATCH):
            try:  # the fault's registers, the time limit, or the exit status
                qemu.check_run(r, f"kernel_test on {target}")
                crash = f"kernel_test on {target}: exit status {r.returncode}"
            except TargetError as e:
                crash = f"{type(e).__name__}: {e}"
        return parse(r.returncode, r.stdout, crash)
    return run


def _linux_runner(target: str, cache: Path) -> Runner:
    from pyruntime.targets import get_target
    from pyruntime.targets.qemu import cached_cmake_build, run_emulator
    t = get_target(target)
    cpu_var = "PYRT_A64_CPU" if t.toolchain.startswith("aarch64") else "PYRT_A32_CPU"
    build = cached_cmake_build(
        f"{t.name}-kernel_test-Release", REPO_ROOT / "cmake" / "engine",
        [f"-DCMAKE_TOOLCHAIN_FILE={REPO_ROOT / 'cmake' / 'toolchains' / t.toolchain}.cmake",
         f"-D{cpu_var}={t.cpu}", "-DCMAKE_BUILD_TYPE=Release", "-DPYRT_KERNEL_TEST=ON"],
        [REPO_ROOT / "runtime_c", REPO_ROOT / "cmake", KERNEL_TEST], cache_dir=cache, jobs=1,
        progress=lambda _m: None)

    def run(cfg: bytes) -> Report:
        with tempfile.TemporaryDirectory(prefix="pyrt-ktest-") as tmp:
            path = Path(tmp) / "config.bin"
            path.write_bytes(cfg)
            cmd = [t.qemu, "-L", t.sysroot, "-cpu", t.qemu_cpu,
                   str(build / "kernel_test_linux"), "--config", str(path)]
            r = run_emulator(cmd, timeout=300, plugin_out=None)
        crash = ""
        if r.timed_out or r.returncode not in (EXIT_OK, EXIT_MISMATCH):
            crash = (f"kernel_test on {target}: " + (
                f"time limit of {r.timeout_s:g} s" if r.timed_out else
                f"killed by {signal.Signals(-r.returncode).name}" if r.returncode < 0 else
                f"exit status {r.returncode}") + f"; stderr: {r.stderr[-500:]!r}")
        return parse(r.returncode, r.stdout, crash)
    return run


class Runners:
    """The test program, built once per target when first needed: runners[target](config)."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._built: dict[str, Runner] = {}

    def __getitem__(self, target: str) -> Runner:
        if target not in self._built:
            from pyruntime.targets import get_target
            build = _linux_runner if get_target(target).kind == "linux" else _board_runner
            self._built[target] = build(target, self.cache)
        return self._built[target]


@pytest.fixture(scope="module")
def runners(cache: Path) -> Runners:
    return Runners(cache)


def _replay(test: str, seed: int, **env: object) -> str:
    """The command that runs the same cases again (with the given overrides)."""
    set_env = "".join(f" PYRT_KERNEL_{k.upper()}={v}" for k, v in env.items())
    return f"PYRT_KERNEL_SEED={seed}{set_env} pytest tests/test_kernels.py -k '{test}'"


def run_and_check(runners: Runners, target: str, test: str, cases: int, *, first: int = 0,
                  only: str = "", flags: int = 0,
                  overrides: Mapping[str, object] | None = None) -> Report:
    """Run the cases; fail with every FAIL / CASE record and the replay commands unless every
    expected kernel ran all its cases equal to the reference. A crash (fault, signal, time
    limit) is rerun traced to name the kernel and case."""
    run = runners[target]
    env = overrides or {}
    rep = run(config(SEED, cases, first=first, only=only, flags=flags))
    if rep.crash:
        traced = run(config(SEED, cases, first=first, only=only, flags=flags | FLAG_TRACE))
        last = [ln for ln in traced.stdout.splitlines() if ln.startswith(("RUN", "CASE"))][-1:]
        raise AssertionError(f"{rep.crash}\nseed {SEED}, flags {flags}; running when a traced "
                             f"rerun crashed too: {last[0] if last and traced.crash else 'none'}"
                             f"\nreplay: {_replay(test, SEED, **env)}")
    expected = [only] if only else kernel_list()
    bad = [n for n in expected if rep.kernels.get(n, {}).get("failures") != "0"]
    short = [n for n in expected if rep.kernels.get(n, {}).get("cases") != str(cases)]
    if rep.returncode != EXIT_OK or bad or short or rep.failures:
        lines = [f"kernel_test on {target}, seed {SEED}, flags {flags}: mismatching kernels "
                 f"{bad}, kernels without all {cases} cases {short}; {rep.status}",
                 *rep.failures, f"replay: {_replay(test, SEED, **env)}"]
        m = re.search(r"^FAIL kernel=(\w+) case=(\d+)", "\n".join(rep.failures), re.M)
        if m:
            lines.append("  only that case: " + _replay(test, SEED, **{**env, "only": m[1],
                                                                     "first": m[2],
                                                                     "cases": 1}))
        raise AssertionError("\n".join(lines))
    return rep


@dataclass
class Selection:
    """The cases a test runs: its default, or PYRT_KERNEL_CASES / _FIRST / _ONLY."""
    cases: int
    first: int
    only: str
    overrides: Mapping[str, object]


def selection(default_cases: int) -> Selection:
    cases, first = _env_int("PYRT_KERNEL_CASES"), _env_int("PYRT_KERNEL_FIRST") or 0
    only = os.environ.get("PYRT_KERNEL_ONLY", "")
    overrides = {k: v for k, v in (("cases", cases), ("first", first), ("only", only)) if v}
    return Selection(cases or default_cases, first, only, overrides)


@pytest.mark.parametrize("target", list(TARGET_CASES))
def test_kernels_match_reference(target: str, runners: Runners) -> None:
    sel = selection(TARGET_CASES[target])
    rep = run_and_check(runners, target, f"test_kernels_match_reference and {target}",
                        sel.cases, first=sel.first, only=sel.only, overrides=sel.overrides)
    if not sel.only:  # a variant nobody compares with the reference would go unnoticed
        untested = {k: v for k, v in variant_kernels().items() if k not in rep.kernels}
        assert not untested, (f"kernels with a variant that kernel_test does not cover: "
                              f"{untested} (firmware/apps/kernel_test/kernel_test.c)")


@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m55", "armv7a", "cortex-a53",
                                    "cortex-a55"])
def test_kernels_at_any_legal_alignment(target: str, runners: Runners) -> None:
    """Every buffer at any address the blob format allows (int8 tensors at any byte), not only
    where the converter puts them: no kernel may fault (LDRD and LDM need word alignment even
    where LDR does not) or differ from the reference."""
    sel = selection(100)
    run_and_check(runners, target, "test_kernels_at_any_legal_alignment", sel.cases,
                  first=sel.first, only=sel.only, flags=FLAG_ANY_ALIGN, overrides=sel.overrides)


def test_comparison_reports_a_wrong_reference_output(runners: Runners) -> None:
    """One bit of the reference output flipped in case 7 of every kernel: each kernel reports
    exactly that case as its one failure, and the run fails."""
    rep = runners["cortex-m4"](config(SEED, 3, first=7, inject=INJECT_OUTPUT))
    assert rep.returncode == EXIT_MISMATCH, rep.stdout
    for name in kernel_list():
        assert rep.kernels[name]["failures"] == "1", rep.stdout
        assert any(ln.startswith(f"FAIL kernel={name} case=7 what=output ") for ln in
                   rep.failures), rep.stdout
        assert any(ln.startswith(f"CASE kernel={name} case=7 seed={SEED} ") for ln in
                   rep.failures), rep.stdout


def test_guard_reports_a_write_past_the_output(runners: Runners) -> None:
    rep = runners["cortex-m4"](config(SEED, 2, first=4, inject=INJECT_GUARD, only="conv_s8"))
    assert rep.returncode == EXIT_MISMATCH, rep.stdout
    assert rep.kernels["conv_s8"]["failures"] == "1", rep.stdout
    assert any(ln.startswith("FAIL kernel=conv_s8 case=4 what=guard_after buf=y_fast ")
               for ln in rep.failures), rep.stdout


def test_same_seed_same_cases(runners: Runners) -> None:
    """A case depends on (seed, kernel, index) only: traced alone it prints the same record as
    inside a longer run, so a printed seed and case replay exactly."""
    run = runners["cortex-m4"]
    whole = run(config(SEED, 4, flags=FLAG_TRACE, only="dw_conv_s8")).stdout
    alone = run(config(SEED, 1, first=3, flags=FLAG_TRACE, only="dw_conv_s8")).stdout
    case3 = [ln for ln in whole.splitlines() if ln.startswith("CASE kernel=dw_conv_s8 case=3 ")]
    assert case3 and case3 == [ln for ln in alone.splitlines() if ln.startswith("CASE")]
