"""Shared pytest fixtures.

`shared_dir` is the project's shared folder, checked out beside the repository (`../shared`).
Locally, tests that need it are skipped when it is absent; under CI (CI=true) they fail, since
CI must have it.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
MLPERF_MODELS = ("ad_autoencoder", "ic_resnet8", "kws_ds_cnn", "vww_mobilenet")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CI, where every prerequisite must be present."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


def require_module(name: str) -> ModuleType:
    """Import a project module that may not be written yet; skip (fail under CI) if absent."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        skip_or_fail(f"{name} is not importable: {exc}")
        raise  # unreachable: skip_or_fail raises


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        if in_ci():
            pytest.fail(
                f"../shared is missing; CI must have it beside the clone (looked for {SHARED_DIR})",
                pytrace=False,
            )
        pytest.skip(f"../shared is missing (looked for {SHARED_DIR})")
    return SHARED_DIR


@pytest.fixture(scope="session")
def mlperf_model(shared_dir: Path) -> Callable[[str], Path]:
    """`mlperf_model("kws_ds_cnn")` -> path of that MLPerf Tiny reference model."""

    def get(name: str) -> Path:
        path = shared_dir / "models" / "mlperf_tiny" / f"{name}.tflite"
        if not path.is_file():
            skip_or_fail(f"reference model {path} is missing")
        return path

    return get


@pytest.fixture(scope="session")
def converted_blob(mlperf_model: Callable[[str], Path]) -> Callable[[str], bytes]:
    """`converted_blob("kws_ds_cnn")` -> blob bytes, converted once per session."""
    cache: dict[str, bytes] = {}

    def get(name: str) -> bytes:
        if name not in cache:
            convert = require_module("pyruntime.convert")
            cache[name] = convert.convert(mlperf_model(name)).blob
        return cache[name]

    return get
