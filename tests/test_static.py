"""The Python package type-checks (mypy) and has no unused or undefined names (ruff F rules)."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT, require_module


def test_mypy_clean() -> None:
    require_module("mypy")
    r = subprocess.run([sys.executable, "-m", "mypy", "pyruntime", "--ignore-missing-imports",
                        "--no-error-summary", "--cache-dir", "/dev/null"], cwd=REPO_ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_clean() -> None:
    require_module("ruff")
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "F,E9",
                        "pyruntime", "tests", "tools"], cwd=REPO_ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
