"""Malformed blobs against the C engine built with AddressSanitizer + UndefinedBehaviorSanitizer.

`tests/c/blob_check --mutate` loads each mutant into a buffer of exactly its length (so any
over-read is an ASan error), with an arena of exactly the planned size, and invokes every mutant
the loader accepts. Mutations: truncation at every length (with and without the CRC fixed up, so
the structural checks are reached), an unknown major version, every header, section-table,
tensor, I/O and operator byte flipped, and offsets pointed outside the blob and the arena.
`tests/c/mutate_campaign` (docs/fuzzing.md) adds structure-aware mutants: every field at its
boundary values, sentinels, huge dimensions, tensor tables past 32,767 records.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT, skip_or_fail

pytestmark = pytest.mark.slow  # the sanitizer pass of .ci/run skips it (this binary is ASan already)

FAST = ("kws_ds_cnn", "sww_ref_model", "ic_resnet8")
SLOW = ("ad_autoencoder", "vww_mobilenet")


@pytest.fixture(scope="session")
def blob_check() -> Path:
    if shutil.which("gcc") is None or shutil.which("make") is None:
        skip_or_fail("gcc and make are needed to build the sanitizer checker")
    r = subprocess.run(["make", "-C", str(REPO_ROOT / "tests" / "c")], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return REPO_ROOT / "tests" / "c" / "build" / "blob_check"


def classes(output: str) -> dict[str, dict[str, int]]:
    """{'truncate': {'n': 2522, 'PYRT_E_TRUNCATED': 2522, 'violations': 0, ...}, ...}"""
    out: dict[str, dict[str, int]] = {}
    for line in output.splitlines():
        m = re.match(r"^(\S+)\s+n=(\d+)\s+(.*)$", line)
        if m:
            counts = {"n": int(m.group(2))}
            counts.update({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(3))})
            out[m.group(1)] = counts
    return out


def run_campaign(blob_check: Path, blob: bytes, tmp_path: Path) -> None:
    path = tmp_path / "model.blob"
    path.write_bytes(blob)
    r = subprocess.run([str(blob_check), str(path), "--mutate"], capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    assert "mutate: PASS" in r.stdout
    c = classes(r.stdout)
    for name in ("truncate", "truncate+crc", "version", "header", "section_table", "tensors", "io",
                 "ops", "no_crc_fix", "offsets_outside"):
        assert name in c, f"mutation class {name} missing from: {r.stdout[-2000:]}"
        assert c[name]["violations"] == 0
    assert c["truncate"]["n"] > 0 and c["truncate"].get("PYRT_OK", 0) == 0
    assert c["truncate+crc"].get("PYRT_OK", 0) == 0
    assert c["version"]["n"] == c["version"].get("PYRT_E_VERSION", 0)
    assert c["no_crc_fix"]["n"] == c["no_crc_fix"].get("PYRT_E_CRC", 0)
    assert c["offsets_outside"].get("PYRT_OK", 0) == 0


@pytest.mark.parametrize("name", FAST)
def test_mutations_never_crash(name: str, blob_check: Path, tmp_path: Path,
                               converted_blob: Callable[[str], bytes]) -> None:
    run_campaign(blob_check, converted_blob(name), tmp_path)


@pytest.mark.long  # 1-2 min each: `bash tools/test.sh -m long`
@pytest.mark.parametrize("name", SLOW)
def test_mutations_never_crash_large(name: str, blob_check: Path, tmp_path: Path,
                                     converted_blob: Callable[[str], bytes]) -> None:
    run_campaign(blob_check, converted_blob(name), tmp_path)


def test_kernels_clean_under_sanitizers(blob_check: Path, tmp_path: Path,
                                        converted_blob: Callable[[str], bytes]) -> None:
    """Valid blobs, random inputs: every kernel's memory accesses stay in bounds."""
    for name in FAST + SLOW:
        path = tmp_path / f"{name}.blob"
        path.write_bytes(converted_blob(name))
        r = subprocess.run([str(blob_check), str(path), "--invoke", "3"], capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 0, (name, r.stdout[-2000:], r.stderr[-2000:])
        assert r.stdout.count("invoke ") >= 3


# CI's campaign: three MLPerf Tiny models and digits (about 27,000 mutants); the two largest
# (ic_resnet8, vww_mobilenet: 36,000 more mutants, about 3 minutes) in the long run
CAMPAIGN_BLOBS = ("kws_ds_cnn", "sww_ref_model", "ad_autoencoder")


def _campaign(blob_check: Path, tmp_path: Path, converted_blob: Callable[[str], bytes],
              names: tuple[str, ...], digits: bool) -> None:
    """tests/c/mutate_campaign on the named blobs: each structured field at its boundary values,
    0xFFFF sentinels, huge dimensions, tensor tables past 32,767 records with operator indices at
    0x7FFF/0x8000/0xFFFE/0xFFFF; no sanitizer report, hang, wrong acceptance or changed output,
    no child above 1 GiB."""
    from pyruntime.convert import convert

    paths = []
    for name in names:
        paths.append(tmp_path / f"{name}.blob")
        paths[-1].write_bytes(converted_blob(name))
    if digits:
        paths.append(tmp_path / "digits_int8.blob")
        paths[-1].write_bytes(convert(REPO_ROOT / "examples" / "digits_int8.tflite").blob)
    findings = tmp_path / "findings"
    findings.mkdir()
    campaign = blob_check.parent / "mutate_campaign"
    # invokes (0.3-0.5 s each for ic_resnet8 and vww_mobilenet under the sanitizers) are capped
    # per blob and class unless PYRT_CAMPAIGN_MAX_INVOKES=0 (all); after 10 crashes in a blob's
    # class (a sanitizer report costs a child and a symbolized stack) its other mutants are
    # skipped
    max_invokes = os.environ.get("PYRT_CAMPAIGN_MAX_INVOKES", "40")
    r = subprocess.run([str(campaign), "--save", str(findings), "--max-rss-mb", "1024",
                        "--max-invokes", max_invokes, "--max-crashes", "10", *map(str, paths)],
                       capture_output=True, text=True, timeout=3600)
    total = re.search(r"^campaign: mutants=(\d+) .* hangs=(\d+) peak_rss_mb=(\d+)$", r.stdout, re.M)
    assert total, (r.stdout[-3000:], r.stderr[-3000:])
    assert int(total.group(1)) >= 2_000 * len(paths)
    assert int(total.group(2)) == 0, r.stderr[-3000:]
    assert int(total.group(3)) < 1024
    bad: dict[str, int] = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\S+) (\S+)\s+n=\d+ .* violations=(\d+) crashes=(\d+) hangs=(\d+)$", line)
        if m and sum(map(int, m.group(3, 4, 5))):
            bad[f"{m.group(1)} {m.group(2)}"] = sum(map(int, m.group(3, 4, 5)))
    report = "\n".join(l for l in r.stdout.splitlines() if l.startswith("distinct crash"))
    report += "\n" + "\n".join(r.stderr.splitlines()[:40])
    assert not bad, f"{bad}\n{report}"
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])


def test_structured_campaign(blob_check: Path, tmp_path: Path,
                             converted_blob: Callable[[str], bytes]) -> None:
    _campaign(blob_check, tmp_path, converted_blob, CAMPAIGN_BLOBS, digits=True)


@pytest.mark.long
def test_structured_campaign_large(blob_check: Path, tmp_path: Path,
                                   converted_blob: Callable[[str], bytes]) -> None:
    _campaign(blob_check, tmp_path, converted_blob, ("ic_resnet8", "vww_mobilenet"), digits=False)
