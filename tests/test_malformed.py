"""Malformed blobs against the C engine built with AddressSanitizer + UndefinedBehaviorSanitizer.

`tests/c/blob_check --mutate` loads each mutant into a buffer of exactly its length (so any
over-read is an ASan error), with an arena of exactly the planned size, and invokes every mutant
the loader accepts. Mutations: truncation at every length (with and without the CRC fixed up, so
the structural checks are reached), an unknown major version, every header, section-table,
tensor, I/O and operator byte flipped, and offsets pointed outside the blob and the arena.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO_ROOT, skip_or_fail

pytestmark = pytest.mark.slow  # ~1.5 min; the sanitizer pass of .ci/run skips it (this binary is ASan already)

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


@pytest.mark.slow
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
