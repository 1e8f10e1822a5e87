"""The C operator table, parameter names, adapter declarations and CMake list are generated from
the Python operator definitions (pyruntime.codegen): the committed files must be up to date, and
the generator must refuse inconsistent definitions."""
from __future__ import annotations

import dataclasses

import pytest

from conftest import REPO_ROOT
from pyruntime import codegen
from pyruntime.ops import OPS


def test_generated_files_are_up_to_date() -> None:
    assert codegen.main(["--check", "--root", str(REPO_ROOT)]) == 0


def test_every_operator_and_layout_is_in_the_table() -> None:
    table = (REPO_ROOT / "runtime_c" / "src" / "op_table.c").read_text()
    for d in OPS.values():
        for lay in d.layouts:
            assert f"{{PYRT_OP_{d.name}, {lay.version}," in table
            assert lay.check in table and lay.eval in table


def test_check_mode_names_a_stale_file(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    for path, text in codegen.generated_files(tmp_path).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    stale = tmp_path / "runtime_c" / "src" / "op_params.h"
    stale.write_text(stale.read_text().replace("#define PYRT_OP_CONV_2D 3", "#define PYRT_OP_CONV_2D 4"))
    assert codegen.main(["--check", "--root", str(tmp_path)]) == 1
    assert "op_params.h" in capsys.readouterr().err


def test_duplicate_layout_versions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    d = OPS[3]  # CONV_2D
    bad = dataclasses.replace(d, layouts=(d.layouts[0], d.layouts[0]))
    monkeypatch.setitem(OPS, 3, bad)
    with pytest.raises(ValueError, match="layout versions repeated"):
        codegen.generated_files(REPO_ROOT)
