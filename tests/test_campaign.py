"""The mutation campaign script (tools/mutate_campaign.py) and the atheris harnesses
(tests/fuzz/{tflite,blob_py}/harness.py) keep working: a few dozen mutants per kind, every seed
and reproducer through each harness's TestOneInput. The full campaigns and fuzz runs are in
docs/fuzzing.md ("Python targets and campaigns")."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO_ROOT

TOOLS = REPO_ROOT / "tools"
sys.path.insert(0, str(TOOLS))

import mutate_campaign  # noqa: E402


@pytest.mark.parametrize("kind, count", [("tflite", 40), ("blob", 60)])
def test_campaign_runs_clean(kind: str, count: int, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(TOOLS / "mutate_campaign.py"), kind, "--count",
                        str(count), "--no-mlperf", "--jobs", "2", "--quiet", "--out",
                        str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    s = json.loads((tmp_path / f"summary-{kind}.json").read_text())
    assert s["mutants"] == count == sum(s["outcomes"].values())
    assert s["unexpected"] == 0 and s["findings"] == []
    ran = "converted+ran" if kind == "tflite" else "accepted+ran"
    assert s["outcomes"].get(ran, 0) > 0 and s["outcomes"].get("refused", 0) > 0


def test_mutants_are_reproducible() -> None:
    seeds = mutate_campaign.load_seeds("blob", mlperf=False)
    a = mutate_campaign.Mutator("blob", 7, seeds)
    b = mutate_campaign.Mutator("blob", 7, seeds)
    assert [a.mutant(i) for i in range(20)] == [b.mutant(i) for i in range(20)]
    assert a.mutant(3) != mutate_campaign.Mutator("blob", 8, seeds).mutant(3)


def test_tflite_fields_cover_the_structure() -> None:
    model = mutate_campaign.load_seeds("tflite", mlperf=False)["conv_chain"]
    labels = {name for f in mutate_campaign.tflite_fields(model)
              for name in re.findall(r"\.([a-z_]+)", f.label)}
    for want in ("shape", "type", "buffer", "scale", "zero_point", "quantized_dimension",
                 "opcode_index", "inputs", "outputs", "builtin_options_type", "version",
                 "builtin_code", "length"):
        assert want in labels, want
    assert any("options+" in f.label for f in mutate_campaign.tflite_fields(model))


def _harness(name: str) -> ModuleType:
    pytest.importorskip("atheris")
    path = REPO_ROOT / "tests" / "fuzz" / name / "harness.py"
    spec = importlib.util.spec_from_file_location(f"harness_{name}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name, pattern", [("tflite", "*.tflite"), ("blob_py", "*.blob")])
def test_harness_accepts_its_corpus_and_reproducers(name: str, pattern: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    h = _harness(name)
    # atheris.Mutate only works inside atheris.Fuzz(): stand in libFuzzer's byte mutation
    monkeypatch.setattr(h.atheris, "Mutate", lambda data, max_size: data[:max_size // 2])
    files = sorted((REPO_ROOT / "tests" / "fuzz" / name / "corpus").iterdir())
    files += sorted((REPO_ROOT / "tests" / "hardening_cases").glob(pattern))
    assert files
    total = sum(f.stat().st_size for f in (REPO_ROOT / "tests" / "fuzz" / name / "corpus")
                .iterdir())
    assert total < 1 << 20  # checked-in corpora stay small
    for f in files:
        data = f.read_bytes()
        h.TestOneInput(data)
        for seed in range(5):  # the custom mutator never raises, whatever it is given
            h.TestOneInput(h.CustomMutator(data, len(data) + 64, seed))
