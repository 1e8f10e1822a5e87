"""The measurements behind docs/benchmarks.md: which (model, target, -O) benchmarks to run,
running them (optionally two at a time) and collecting the results.

    jobs = job_matrix(models=None, targets=None)          # the document's default set
    m = measure(Path("../shared/models/mlperf_tiny"), Path("build/bench"), jobs, workers=2)
    m.run("kws_ds_cnn", "cortex-m4")                     # a pyruntime.bench.bench result

Each blob is converted for its target (`convert(..., target=...)`: the arena is that target's
exact figure) and kept in the blob directory, so every row can be reproduced by hand.
"""
from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bench import DEFAULT_TIMEOUT_S, Progress, all_ops_code_bytes, bench
from ..targets import TargetError, get_target

MODELS = ("kws_ds_cnn", "vww_mobilenet", "ic_resnet8", "ad_autoencoder", "sww_ref_model")
MCU_TARGETS = ("cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55")
LINUX_TARGETS = ("cortex-a53", "cortex-a55", "armv7a")
TARGETS = MCU_TARGETS + LINUX_TARGETS
# Models each Cortex-A target runs unless models are named: the AArch64 ones (neon kernels, SDOT
# on the A55) the four MLPerf Tiny models, Armv7-A KWS.
LINUX_MODELS: dict[str, tuple[str, ...]] = {
    "cortex-a53": MODELS[:4], "cortex-a55": MODELS[:4], "armv7a": ("kws_ds_cnn",)}
OPTS = ("O2", "Os")
CODE_TARGET = "cortex-m4"  # where the all-operator engine code is measured


@dataclass(frozen=True)
class Job:
    model: str
    target: str
    opt: str

    def __str__(self) -> str:
        return f"{self.model} on {self.target} -{self.opt}"


def job_matrix(models: Sequence[str] | None = None, targets: Sequence[str] | None = None,
               opts: Sequence[str] = OPTS) -> list[Job]:
    """Every (model, target, opt) to run. Default: every model on every Cortex-M target and
    LINUX_MODELS on the Cortex-A targets; naming models runs them on every chosen target."""
    chosen = [get_target(t).name for t in targets] if targets else list(TARGETS)
    jobs = []
    for target in chosen:
        names = models or LINUX_MODELS.get(target, MODELS)
        jobs += [Job(m, target, o) for m in names for o in opts]
    return jobs


@dataclass
class Measurements:
    """Bench results by (model, target, opt), the failures, and the engine code built with
    every operator by (target, opt)."""

    runs: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    errors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    all_ops_code: dict[tuple[str, str], int] = field(default_factory=dict)
    source: str = ""  # the measured tree (git describe), when known

    def run(self, model: str, target: str, opt: str = "O2") -> dict[str, Any] | None:
        return self.runs.get((model, target, opt))

    @property
    def models(self) -> list[str]:
        seen = {k[0] for k in self.runs}
        return [m for m in MODELS if m in seen] + sorted(seen - set(MODELS))

    @property
    def targets(self) -> list[str]:
        seen = {k[1] for k in self.runs}
        return [t for t in TARGETS if t in seen] + sorted(seen - set(TARGETS))


def source_description(root: Path) -> str:
    """`git describe --always --dirty` of the measured tree, or "" outside a checkout."""
    try:
        out = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def convert_blobs(models_dir: Path, blob_dir: Path, jobs: Sequence[Job]) -> dict[tuple[str, str],
                                                                                   Path]:
    """Convert each (model, target) of the jobs once, into blob_dir/<model>.<target>.blob."""
    from ..convert import convert
    blob_dir.mkdir(parents=True, exist_ok=True)
    blobs = {}
    for job in jobs:
        key = (job.model, job.target)
        if key not in blobs:
            src = models_dir / f"{job.model}.tflite"
            if not src.is_file():
                raise TargetError(f"{src}: no such model (use --models-dir)")
            blobs[key] = blob_dir / f"{job.model}.{job.target}.blob"
            blobs[key].write_bytes(convert(src, target=job.target).blob)
    return blobs


def brief_error(msg: str, limit: int = 300) -> str:
    """One line of a failure: its first line and, from a build log, the first compiler error."""
    lines = [x.strip() for x in msg.splitlines() if x.strip()]
    if not lines:
        return "(no message)"
    first = lines[0].rstrip(":")
    cause = next((x for x in lines[1:] if "error" in x.lower()), "")
    text = f"{first}: {cause}" if cause else first
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _summary(r: dict[str, Any]) -> str:
    exact = "bit-exact" if r["outputs_match"] else "OUTPUTS DIFFER from the host"
    return (f"{r['instructions']:,} instructions, {r['macs_per_instruction']:.3f} MAC/instr, "
            f"code {r['code_bytes']:,} B, {exact}")


def measure(models_dir: Path, blob_dir: Path, jobs: Sequence[Job], *, workers: int = 1,
            cache_dir: Path | None = None, timeout: float = DEFAULT_TIMEOUT_S,
            progress: Progress, detail: Progress) -> Measurements:
    """Run the jobs, `workers` at a time; one `progress` line per finished job, build and run
    steps to `detail`. A failed job is recorded in `errors`, the others still run."""
    from ..targets import source_root
    m = Measurements(source=source_description(source_root()))
    blobs = convert_blobs(models_dir, blob_dir, jobs)
    n = len(jobs)
    progress(f"{n} benchmark{'s' if n != 1 else ''}, {workers} at a time (firmware builds are "
             "cached)")

    def one(job: Job) -> dict[str, Any]:
        return bench(blobs[job.model, job.target].read_bytes(), job.target, opt=job.opt,
                     cache_dir=cache_dir, timeout=timeout, progress=detail)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(one, job): job for job in jobs}
        for done, fut in enumerate(as_completed(futures), 1):
            job = futures[fut]
            key = (job.model, job.target, job.opt)
            head = f"{done}/{n} {job}"
            try:
                m.runs[key] = fut.result()
            except TargetError as exc:
                m.errors[key] = str(exc)
                progress(f"{head}: FAILED: {brief_error(str(exc))}")
                detail(str(exc))
                continue
            progress(f"{head}: {_summary(m.runs[key])} ({m.runs[key]['elapsed_s']:.1f} s; "
                     f"{time.monotonic() - start:.0f} s in all)")
    for opt in sorted({j.opt for j in jobs if j.target == CODE_TARGET}):
        try:
            code = all_ops_code_bytes(CODE_TARGET, opt, cache_dir, detail)
        except TargetError as exc:
            progress(f"{CODE_TARGET} -{opt} engine with every operator: FAILED: "
                     f"{brief_error(str(exc))}")
            continue
        m.all_ops_code[CODE_TARGET, opt] = code
        progress(f"{CODE_TARGET} -{opt} engine with every operator: {code:,} B code")
    return m
