"""Hardening of the Python side: every converter, blob-reader, inspect and CLI failure is a
documented error (one line on the command line), resource limits hold, and every reproducer
found by the mutation campaigns and the fuzzers (tests/hardening_cases/) stays fixed."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from pyruntime import cli
from pyruntime.blob import read_blob
from pyruntime.convert import DEFAULT_MAX_ARENA_BYTES, convert
from pyruntime.errors import (
    DOCUMENTED_ERRORS,
    BlobFormatError,
    ConversionError,
    EngineError,
    InputError,
    ModelReadError,
    PyruntimeError,
    ResourceLimitError,
)
from pyruntime.inspect_blob import describe
from pyruntime.runtime import Engine, check_blob
from pyruntime.tflite_builder import (
    BuiltinOp,
    FullyConnectedOptions,
    ModelBuilder,
    SoftmaxOptions,
)

CASES = Path(__file__).parent / "hardening_cases"


def fc_model(*, x_scale: float = 0.05, x_zp: int = 3, w_scale: float | list[float] = 0.02,
             y_scale: float = 0.1, y_zp: int = -5, x_shape: tuple[int, ...] = (1, 4),
             inputs: list[int] | None = None, outputs: list[int] | None = None,
             no_ops: bool = False) -> bytes:
    """x int8 -> FULLY_CONNECTED (3 outputs) -> y int8, with the given quantization."""
    mb = ModelBuilder()
    x = mb.add_tensor("x", list(x_shape), "int8", scale=x_scale, zero_point=x_zp)
    per_channel = isinstance(w_scale, list)
    w = mb.add_tensor("w", [3, 4], "int8", data=np.arange(12).reshape(3, 4) - 6, scale=w_scale,
                      zero_point=[0, 0, 0] if per_channel else 0)
    y = mb.add_tensor("y", [1, 3], "int8", scale=y_scale, zero_point=y_zp)
    if not no_ops:
        mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, w, -1], [y], FullyConnectedOptions())
    mb.set_inputs(inputs if inputs is not None else [x])
    mb.set_outputs(outputs if outputs is not None else [y])
    return mb.build()


def softmax_model(shape: list[int]) -> bytes:
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, "int8", scale=0.1, zero_point=0)
    y = mb.add_tensor("y", shape, "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def refused(model: bytes, *words: str, **kw: int) -> ConversionError:
    with pytest.raises(ConversionError) as info:
        convert(model, **kw)
    exc = info.value
    assert not exc.internal, exc
    for w in words:
        assert w in str(exc), (w, str(exc))
    assert "\n" not in str(exc)
    return exc


# ---- converter ---------------------------------------------------------------------------

def test_fc_model_converts() -> None:
    conv = convert(fc_model())
    assert Engine(conv.blob).outputs[0].shape == (1, 3)


def test_model_read_error_is_a_conversion_error() -> None:
    assert issubclass(ModelReadError, ConversionError)
    with pytest.raises(ConversionError):
        convert(b"\0" * 64)


@pytest.mark.parametrize("scale, word", [
    (float("inf"), "scale inf"), (float("nan"), "scale nan"), (0.0, "scale 0.0"),
    (-0.5, "scale -0.5"), (1e-45, "scale 1.4"),
])
def test_bad_scales_refused_naming_the_tensor(scale: float, word: str) -> None:
    refused(fc_model(y_scale=scale), "tensor 2 'y'", word)
    refused(fc_model(x_scale=scale), "tensor 0 'x'", word)
    refused(fc_model(w_scale=[0.01, scale, 0.02]), "tensor 1 'w'", word)


@pytest.mark.parametrize("zp", [128, -129, 1 << 31, -(1 << 40)])
def test_zero_points_outside_the_type_refused(zp: int) -> None:
    refused(fc_model(x_zp=zp), "tensor 0 'x'", f"zero point {zp}", "[-128, 127]")


def test_io_indices_out_of_range_refused() -> None:
    refused(fc_model(inputs=[7]), "model input list", "tensor 7")
    refused(fc_model(outputs=[-5]), "model output list")


def test_model_without_operators_refused() -> None:
    refused(fc_model(no_ops=True), "no operators")


def test_activation_bound_overflow_refused() -> None:
    """Found by the tflite fuzzer: RELU6 with a tiny (normal) output scale made 6 / scale
    overflow float32 and the converter raised OverflowError."""
    from pyruntime import quant
    with pytest.raises(ValueError, match="does not fit int32"):
        quant.activation_range("RELU6", 1.2e-38, 0)
    assert quant.activation_range("RELU6", 0.05, -128) == (-128, -8)


def test_huge_dims_refused_by_the_tensor_limit() -> None:
    # a few hundred bytes asking for a 2 GiB tensor (and arena)
    model = softmax_model([1, 32768, 32768, 2])
    assert len(model) < 600
    refused(model, "tensor 0 'x'", "above the limit of 67108864 bytes for one tensor")


def test_dims_product_overflowing_int64_refused() -> None:
    refused(softmax_model([65535] * 6), "tensor 0 'x'", "above the limit")


def test_arena_limit_and_keyword(tmp_path: Path) -> None:
    model = softmax_model([1, 64, 64, 4])  # 16 KiB in, 16 KiB out: 32 KiB arena
    assert convert(model).arena_bytes == 32768
    refused(model, "arena", "limit of 16384 bytes", "--max-arena", max_arena_bytes=16384)
    big = softmax_model([1, 4096, 4096, 3])  # 48 MiB each: 96 MiB arena
    refused(big, "arena", f"limit of {DEFAULT_MAX_ARENA_BYTES}")
    assert convert(big, max_arena_bytes=96 << 20).arena_bytes == 96 << 20
    # the CLI flag, with units; nothing written on refusal
    out = tmp_path / "m.blob"
    (tmp_path / "m.tflite").write_bytes(model)
    assert cli.main(["convert", str(tmp_path / "m.tflite"), "-o", str(out), "--max-arena",
                     "16K"]) == 2
    assert not out.exists()
    assert cli.main(["convert", str(tmp_path / "m.tflite"), "-o", str(out), "--max-arena",
                     "1MiB"]) == 0
    assert out.stat().st_size > 0


def test_constant_limit() -> None:
    refused(fc_model(), "constant data of 12 bytes", max_constant_bytes=8)


def test_internal_errors_are_marked_and_name_the_operator(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from pyruntime import ops

    def broken(graph: object, op: object, pool: object) -> None:
        raise KeyError("boom")

    d = ops.OPS[9]
    monkeypatch.setitem(ops.OPS, 9, type(d)(**{**d.__dict__, "lower": broken}))
    with pytest.raises(ConversionError) as info:
        convert(fc_model())
    assert info.value.internal and info.value.op_index == 0
    assert "operator 0 (FULLY_CONNECTED): internal converter error (KeyError" in str(info.value)


def test_engine_gate_names_the_source_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blob the engine's loader refuses never leaves convert(): the refusal names the
    operator of the source model (the gate behind the converter's own checks)."""
    import pyruntime.runtime as rt

    def refuse(blob: bytes, max_arena_bytes: int | None = None) -> None:
        ops_off = read_blob(blob).sections[2][0]
        raise rt._engine_error(14, blob=blob, index=0, offset=ops_off)

    monkeypatch.setattr(rt, "check_blob", refuse)
    with pytest.raises(ConversionError) as info:
        convert(fc_model())
    exc = info.value
    assert exc.engine_status == "PYRT_E_OP_PARAMS" and exc.op_index == 0
    assert str(exc).startswith("operator 0 (FULLY_CONNECTED): the engine refuses")
    assert convert(fc_model(), engine_check=False).blob  # the gate can be switched off


@pytest.mark.parametrize("path", sorted(CASES.glob("*.tflite")), ids=lambda p: p.stem)
def test_campaign_tflite_reproducers(path: Path) -> None:
    """Mutants on which the converter used to raise IndexError, OverflowError, ValueError,
    ZeroDivisionError, struct.error, or produce a blob the engine refused; and mutants only the
    engine gate caught (*_engine_gate): the converter's own checks refuse them all first."""
    with pytest.raises(ConversionError) as info:
        convert(path.read_bytes())
    assert not info.value.internal, info.value
    assert info.value.engine_status is None, info.value


# ---- blob reader, inspect, Engine ----------------------------------------------------------

def _fix_crc(b: bytearray) -> bytes:
    struct.pack_into("<I", b, 12, zlib.crc32(bytes(b[16:])) & 0xFFFFFFFF)
    return bytes(b)


def _tensor_record(blob: bytes, i: int) -> int:
    return read_blob(blob).sections[1][0] + 32 * i


def test_tensor_offset_outside_arena_refused_before_describe() -> None:
    """The 241-byte kind of blob that made inspect build a multi-gigabyte string."""
    blob = bytearray(convert(fc_model()).blob)
    struct.pack_into("<I", blob, _tensor_record(bytes(blob), 0) + 4, 0xFFFFFF00)
    with pytest.raises(BlobFormatError, match=r"tensor 0 \(record at byte \d+\): data"):
        read_blob(_fix_crc(blob))


@pytest.mark.parametrize("path", sorted(CASES.glob("*.blob")), ids=lambda p: p.stem)
def test_campaign_blob_reproducers(path: Path) -> None:
    """Mutants on which read_blob/inspect raised IndexError, struct.error or ran out of
    memory: each is a one-line BlobFormatError, and the engine refuses them too."""
    data = path.read_bytes()
    with pytest.raises(BlobFormatError) as info:
        describe(read_blob(data))
    assert "\n" not in str(info.value)
    with pytest.raises(EngineError):
        Engine(data)


def test_describe_stays_small_for_an_operator_with_many_inputs() -> None:
    from pyruntime.inspect_blob import MAX_CELL, _cell
    assert len(_cell("x" * 100000)) == MAX_CELL


def test_inspect_shows_a_blob_the_engine_refuses(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    blob = bytearray(convert(fc_model()).blob)
    b = read_blob(bytes(blob))
    ops_off = b.sections[2][0]
    # FULLY_CONNECTED's act_min/act_max (params 2, 3) swapped: structurally fine, semantically not
    idx_len = (2 * 4 + 3) // 4 * 4
    struct.pack_into("<ii", blob, ops_off + 16 + idx_len + 8, 100, -100)
    path = tmp_path / "bad.blob"
    path.write_bytes(_fix_crc(blob))
    assert cli.main(["inspect", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FULLY_CONNECTED" in out
    assert "engine: REFUSED by pyrt_init: PYRT_E_OP_PARAMS: operator 0" in out
    path.write_bytes(convert(fc_model()).blob)
    assert cli.main(["inspect", str(path)]) == 0
    assert "engine: accepted by pyrt_init" in capsys.readouterr().out


def _with_arena(blob: bytes, arena: int) -> bytes:
    b = bytearray(blob)
    struct.pack_into("<I", b, 20, arena)
    return _fix_crc(b)


def test_engine_refuses_huge_arena_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    blob = _with_arena(convert(fc_model()).blob, 0xFFFFFFF0)
    with pytest.raises(ResourceLimitError, match="arena of 4294967280 bytes, above the limit "
                                                 "of 67108864") as info:
        Engine(blob)
    assert info.value.requested == 0xFFFFFFF0 and info.value.limit == 64 << 20
    with pytest.raises(ResourceLimitError):
        check_blob(blob)
    # keyword and environment variable
    ok = _with_arena(convert(fc_model()).blob, 1 << 20)
    assert Engine(ok).arena_bytes == 1 << 20
    with pytest.raises(ResourceLimitError, match="limit of 4096"):
        Engine(ok, max_arena_bytes=4096)
    monkeypatch.setenv("PYRT_MAX_ARENA_BYTES", "4096")
    with pytest.raises(ResourceLimitError, match="limit of 4096"):
        Engine(ok)
    assert Engine(ok, max_arena_bytes=2 << 20).arena_bytes == 1 << 20
    monkeypatch.setenv("PYRT_MAX_ARENA_BYTES", "lots")
    with pytest.raises(ResourceLimitError, match="not a number"):
        Engine(ok)


def test_documented_errors_list() -> None:
    assert all(issubclass(c, PyruntimeError) for c in DOCUMENTED_ERRORS)
    assert {ConversionError, BlobFormatError, EngineError, InputError,
            ResourceLimitError} <= set(DOCUMENTED_ERRORS)


# ---- command line ----------------------------------------------------------------------------

def one_line_error(capsys: pytest.CaptureFixture[str], code: int, *words: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, (w, err)
    return err


@pytest.fixture
def model_files(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "fc.tflite"
    model.write_bytes(fc_model())
    blob = tmp_path / "fc.blob"
    blob.write_bytes(convert(model).blob)
    return model, blob


def test_cli_directory_as_model_or_blob(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    one_line_error(capsys, cli.main(["convert", str(tmp_path)]), "is a directory")
    one_line_error(capsys, cli.main(["inspect", str(tmp_path)]), "is a directory")
    one_line_error(capsys, cli.main(["run", str(tmp_path), "-i", "x.npy"]), "is a directory")
    one_line_error(capsys, cli.main(["verify", str(tmp_path)]), "is a directory")
    one_line_error(capsys, cli.main(["export-c", str(tmp_path), "-o", str(tmp_path / "o")]),
                   "is a directory")


def test_cli_missing_and_corrupt_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       model_files: tuple[Path, Path]) -> None:
    one_line_error(capsys, cli.main(["convert", str(tmp_path / "nope.tflite")]), "nope.tflite")
    junk = tmp_path / "junk.blob"
    junk.write_bytes(b"PYRT" + b"\0" * 40)
    one_line_error(capsys, cli.main(["inspect", str(junk)]))
    one_line_error(capsys, cli.main(["run", str(junk), "-i", "x.npy"]), "PYRT_E_")
    for case in sorted(CASES.glob("*.tflite")):
        out = tmp_path / "case.blob"
        one_line_error(capsys, cli.main(["convert", str(case), "-o", str(out)]))
        assert not out.exists()


def test_convert_leaves_no_file_on_failure(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(fc_model(y_scale=float("nan")))
    one_line_error(capsys, cli.main(["convert", str(bad)]), "scale nan")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tflite"]


def npy_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases: dict[str, tuple[Path, str]] = {}
    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")
    cases["empty"] = (empty, "empty file")
    npz = tmp_path / "x.npz"
    np.savez(npz, x=np.zeros((1, 4), np.int8))
    cases["npz"] = (npz, ".npz archive")
    huge = tmp_path / "huge.npy"
    header = "{'descr': '|i1', 'fortran_order': False, 'shape': (1000000, 1000000, 1000), }"
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    huge.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
                     + b"\0" * 16)
    cases["huge"] = (huge, "header claims")
    text = tmp_path / "text.npy"
    text.write_text("1 2 3 4")
    cases["not npy"] = (text, "not a .npy file")
    obj = tmp_path / "obj.npy"
    np.save(obj, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    cases["objects"] = (obj, "Python objects")
    cases["directory"] = (tmp_path, "is a directory")
    return cases


def test_load_npy_refuses_bad_files(tmp_path: Path) -> None:
    for name, (path, word) in npy_cases(tmp_path).items():
        with pytest.raises(InputError) as info:
            cli.load_npy(str(path))
        assert str(path) in str(info.value) and word in str(info.value), (name, info.value)


def test_cli_run_and_verify_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       model_files: tuple[Path, Path]) -> None:
    model, blob = model_files
    for name, (path, word) in npy_cases(tmp_path).items():
        one_line_error(capsys, cli.main(["run", str(blob), "-i", str(path)]), word)
        one_line_error(capsys, cli.main(["verify", str(model), "--inputs", str(path)]), word)
    wrong_shape = tmp_path / "shape.npy"
    np.save(wrong_shape, np.zeros((2, 5), np.int8))
    one_line_error(capsys, cli.main(["run", str(blob), "-i", str(wrong_shape)]),
                   "shape.npy", "[2, 5]", "expects [1, 4]")
    one_line_error(capsys, cli.main(["verify", str(model), "--inputs", str(wrong_shape)]),
                   "shape.npy", "[2, 5]", "int8[1, 4]")
    wrong_dtype = tmp_path / "dtype.npy"
    np.save(wrong_dtype, np.zeros((1, 4), np.float32))
    one_line_error(capsys, cli.main(["run", str(blob), "-i", str(wrong_dtype)]),
                   "dtype.npy", "float32", "expects int8")
    one_line_error(capsys, cli.main(["verify", str(model), "--inputs", str(wrong_dtype)]),
                   "dtype.npy", "float32")
    out_of_range = tmp_path / "range.npy"
    np.save(out_of_range, np.full((1, 4), 300, np.int64))
    one_line_error(capsys, cli.main(["verify", str(model), "--inputs", str(out_of_range)]),
                   "range.npy", "outside the int8 range")


def test_cli_verify_count_below_one(model_files: tuple[Path, Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    model, _ = model_files
    for n in ("0", "-3"):
        with pytest.raises(SystemExit) as info:
            cli.main(["verify", str(model), "--count", n])
        assert info.value.code == 2
        assert "must be at least 1" in capsys.readouterr().err


def test_cli_bad_max_arena(model_files: tuple[Path, Path],
                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["convert", str(model_files[0]), "--max-arena", "lots"])
    assert "not a byte count" in capsys.readouterr().err
    assert cli.byte_size("64K") == 65536 and cli.byte_size("2MiB") == 2 << 20
    assert cli.byte_size("0x100") == 256 and cli.byte_size("1g") == 1 << 30


def test_bench_cli_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             model_files: tuple[Path, Path]) -> None:
    from pyruntime import bench
    one_line_error(capsys, bench.main([str(tmp_path)]), "is a directory")
    empty = tmp_path / "e.npy"
    empty.write_bytes(b"")
    one_line_error(capsys, bench.main([str(model_files[1]), "-i", str(empty)]), "empty file")


def test_long_operator_chain_plans_quickly() -> None:
    """A 1,500-operator chain (a ~150 KB .tflite): the planner used to try 300 orderings at
    O(buffers^2) each, minutes of work; now linear per ordering, with a bounded search."""
    import time

    mb = ModelBuilder()
    t = x = mb.add_tensor("x", [1, 8], "int8", scale=0.1, zero_point=0)
    for i in range(1500):
        y = mb.add_tensor(f"y{i}", [1, 8], "int8", scale=0.1, zero_point=0)
        mb.add_operator(BuiltinOp.MAXIMUM, [t, t], [y])
        t = y
    mb.set_inputs([x])
    mb.set_outputs([t])
    model = mb.build()
    start = time.monotonic()
    a = convert(model)
    assert time.monotonic() - start < 60
    assert a.arena_bytes <= 32 and convert(model).blob == a.blob  # deterministic
