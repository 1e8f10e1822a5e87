"""Converter, blob format and memory plan, checked without the C engine."""
from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pyruntime import blob as fmt
from pyruntime import quant
from pyruntime.convert import convert
from pyruntime.errors import BlobFormatError, ConversionError, ModelReadError
from pyruntime.inspect_blob import lifetimes

ALL_MODELS = ("ad_autoencoder", "ic_resnet8", "kws_ds_cnn", "sww_ref_model", "vww_mobilenet")
# TFLM's planned activation bytes (arena head, reference kernels: no scratch) on these models,
# from ../shared/models/README.md, and TFLM + CMSIS-NN's whole arena on Cortex-M4 (head, with
# CMSIS-NN's scratch, + tail) from ../shared/REFERENCE.md section 8.
TFLM_HEAD = {"kws_ds_cnn": 16000, "vww_mobilenet": 73728, "ic_resnet8": 49152,
             "ad_autoencoder": 768}
TFLM_CMSIS_ARENA = {"kws_ds_cnn": 22820, "vww_mobilenet": 100708, "ic_resnet8": 54996,
                    "ad_autoencoder": 2580}
MACS = {"kws_ds_cnn": 2.66e6, "vww_mobilenet": 7.49e6, "ic_resnet8": 12.5e6,
        "ad_autoencoder": 0.26e6}


@pytest.mark.parametrize("name", ALL_MODELS)
def test_mlperf_conversion_summary(name: str, mlperf_model: Callable[[str], Path]) -> None:
    conv = convert(mlperf_model(name), in_place=True)
    s = conv.summary()
    for key in ("arena_bytes", "blob_bytes", "constant_bytes", "macs", "ops"):
        assert key in s
    assert s["blob_bytes"] == len(conv.blob)
    # Overhead target of the format: blob <= constant data + 10%.
    assert s["blob_bytes"] <= 1.10 * s["constant_bytes"], s
    # In-place execution (elementwise always, convolutions in bands when asked) keeps the plan
    # at or below the liveness bound, and at or below TFLM's: for the reference kernels (no scratch)
    # its activation plan, for the portable blob (the scratch of the arm_dsp kernels included)
    # TFLM + CMSIS-NN's whole arena.
    assert s["arena_bytes"] <= s["arena_lower_bound"]
    assert s["arena_bytes"] <= convert(mlperf_model(name), in_place=False).arena_bytes \
        <= s["arena_lower_bound"]
    if name in TFLM_HEAD:
        assert s["arena_bytes"] <= TFLM_CMSIS_ARENA[name]
        assert convert(mlperf_model(name), target="cortex-m3").arena_bytes <= TFLM_HEAD[name]
        assert abs(s["macs"] - MACS[name]) / MACS[name] < 0.02  # figures given to 3 digits


@pytest.mark.parametrize("name", ALL_MODELS)
def test_plan_never_overlaps_live_tensors(name: str, mlperf_model: Callable[[str], Path]) -> None:
    b = fmt.read_blob(convert(mlperf_model(name), in_place=True).blob)
    life = lifetimes(b)
    arena = [(t, r) for t, r in enumerate(b.tensors) if r.storage == fmt.STORAGE_ARENA]
    for t, r in arena:
        assert r.offset % 16 == 0 and r.offset + r.nbytes <= b.arena_bytes
    for i, (t, r) in enumerate(arena):
        for u, s in arena[i + 1:]:
            (f1, l1), (f2, l2) = life[t], life[u]
            live_together = not (l1 < f2 or l2 < f1)
            share = r.offset < s.offset + s.nbytes and s.offset < r.offset + r.nbytes
            aliased = r.offset == s.offset and r.nbytes == s.nbytes  # RESHAPE, elementwise
            if live_together and share and not aliased:
                # only a convolution's output written in bands over its input 0 at the one
                # operator where both are alive (the loader checks the distance)
                assert l1 == f2 or l2 == f1, (t, u)
                op = b.ops[max(f1, f2)]
                assert op.code in (3, 4) and {op.inputs[0], op.outputs[0]} == {t, u}, (t, u)


# RAM (arena + 32-bit engine state) at most 0.7x TFLM + CMSIS-NN's 32-bit arena, on the host
# (reference kernels) and Cortex-M4; AD on Cortex-M4 is the exception (its arm_dsp fully
# connected scratch, 1,280 of its 2,048 bytes, is not overlapped yet).
@pytest.mark.parametrize("target", ["cortex-m3", "cortex-m4"])
@pytest.mark.parametrize("name", sorted(TFLM_CMSIS_ARENA))
def test_ram_below_tflm(name: str, target: str, mlperf_model: Callable[[str], Path]) -> None:
    ram = convert(mlperf_model(name), target=target, in_place=True).ram_bytes
    if (name, target) == ("ad_autoencoder", "cortex-m4"):
        assert ram <= TFLM_CMSIS_ARENA[name]
    else:
        assert ram <= 0.7 * TFLM_CMSIS_ARENA[name], ram


def test_vww_plan_reaches_liveness_bound(mlperf_model: Callable[[str], Path]) -> None:
    conv = convert(mlperf_model("vww_mobilenet"), target="cortex-m3", in_place=False)
    assert conv.arena_bytes == conv.arena_lower_bound == 55296  # no kernel scratch
    conv = convert(mlperf_model("vww_mobilenet"), in_place=False)  # arm_dsp kernels' scratch
    assert conv.arena_bytes == conv.arena_lower_bound
    assert convert(mlperf_model("vww_mobilenet"), target="cortex-m3",
                   in_place=True).arena_bytes < 55296


def test_blob_roundtrip_and_header(mlperf_model: Callable[[str], Path]) -> None:
    conv = convert(mlperf_model("kws_ds_cnn"), keep_names=True)
    data = conv.blob
    assert data[:4] == b"PYRT"
    magic, major, minor, total, crc = struct.unpack_from("<4sHHII", data)
    assert (major, minor, total) == (fmt.FORMAT_MAJOR, fmt.FORMAT_MINOR, len(data))
    assert crc == zlib.crc32(data[16:]) & 0xFFFFFFFF
    b = fmt.read_blob(data)
    assert fmt.write_blob(b, keep_names=True) == data
    assert b.tensors[b.inputs[0]].name == "input_1"
    # Constant data is 16-byte aligned in the blob, so it can be used in place from flash.
    assert b.sections[fmt.SEC_CONST][0] % 16 == 0
    # Names are stripped by default.
    plain = fmt.read_blob(convert(mlperf_model("kws_ds_cnn")).blob)
    assert fmt.SEC_NAMES not in plain.sections and all(t.name == "" for t in plain.tensors)


def test_reader_rejects_damage(mlperf_model: Callable[[str], Path]) -> None:
    data = bytearray(convert(mlperf_model("ad_autoencoder")).blob)
    with pytest.raises(BlobFormatError, match="CRC"):
        fmt.read_blob(bytes(data[:16]) + bytes([data[16] ^ 1]) + bytes(data[17:]))
    with pytest.raises(BlobFormatError, match="declares"):
        fmt.read_blob(bytes(data[:-1]))
    bad = bytearray(data)
    struct.pack_into("<H", bad, 4, fmt.FORMAT_MAJOR + 1)
    with pytest.raises(BlobFormatError, match="version"):
        fmt.read_blob(bytes(bad))


def test_reshape_is_aliased_not_copied(mlperf_model: Callable[[str], Path]) -> None:
    conv = convert(mlperf_model("kws_ds_cnn"))
    assert "RESHAPE" not in conv.summary()["op_counts"]
    b = fmt.read_blob(conv.blob)
    fc = next(op for op in b.ops if op.code == 9)
    pool = next(op for op in b.ops if op.code == 1)
    assert b.tensors[fc.inputs[0]].offset == b.tensors[pool.outputs[0]].offset
    assert b.tensors[fc.inputs[0]].dims == (1, 64)


def test_unsupported_operator_is_named() -> None:
    from pyruntime.tflite_builder import unsupported_op_model

    with pytest.raises(ConversionError) as err:
        convert(unsupported_op_model())
    assert err.value.op_index is not None
    assert err.value.op_name == "CUMSUM"
    assert f"operator {err.value.op_index} (CUMSUM)" in str(err.value)
    from pyruntime.reference import TflmReference  # a valid model: TFLM runs it

    x = np.arange(-8, 8, dtype=np.int8).reshape(1, 16)
    assert TflmReference(unsupported_op_model()).invoke([x])[0].shape == (1, 16)


def test_not_a_model() -> None:
    with pytest.raises(ModelReadError):
        convert(b"\0" * 64)
    with pytest.raises(ModelReadError):
        convert(b"abc")


def test_round_half_away_from_zero() -> None:
    assert [quant.round_half_away(x) for x in (0.5, 1.5, 2.5, -0.5, -2.5, 2.4999)] == \
        [1, 2, 3, -1, -3, 2]


def test_quantize_multiplier_reconstructs_the_real_value() -> None:
    rng = np.random.default_rng(1)
    for real in np.exp(rng.uniform(-20, 5, 500)):
        m, s = quant.quantize_multiplier(float(real))
        assert (1 << 30) <= m < (1 << 31)
        assert abs(m * 2.0 ** (s - 31) - real) <= real * 2.0 ** -30
    assert quant.quantize_multiplier(0.0) == (0, 0)
    assert quant.quantize_multiplier(2.0 ** -40) == (0, 0)  # flushed, as TFLite does
    assert quant.quantize_multiplier(1.0) == (1 << 30, 1)
    # Just below a power of two the fraction rounds up to 1.0: halve and bump the exponent.
    assert quant.quantize_multiplier(1.0 - 2.0 ** -40) == (1 << 30, 1)


def test_activation_ranges() -> None:
    assert quant.activation_range("NONE", 0.1, 5) == (-128, 127)
    assert quant.activation_range("RELU", 0.1, 5) == (5, 127)
    assert quant.activation_range("RELU6", 0.1, -128) == (-128, -68)
    assert quant.activation_range("RELU_N1_TO_1", 0.5, 0) == (-2, 2)
    with pytest.raises(ValueError):
        quant.activation_range("TANH", 0.1, 0)


def test_operator_docs_are_generated_from_the_table() -> None:
    from pyruntime.opdocs import operators_markdown

    docs = Path(__file__).resolve().parents[1] / "docs" / "operators.md"
    assert docs.read_text() == operators_markdown(), \
        "docs/operators.md is stale: python -m pyruntime ops --markdown > docs/operators.md"


def test_engine_and_converter_tables_agree() -> None:
    """Every operator the converter emits has an entry in the C engine's op table."""
    import re

    from pyruntime.ops import OPS

    root = Path(__file__).resolve().parents[1] / "runtime_c" / "src"
    table = (root / "op_table.c").read_text()
    c_ops = set(re.findall(r"\{PYRT_OP_(\w+),", table))
    assert {d.name for d in OPS.values()} == c_ops


def test_engine_reports_every_converter_operator() -> None:
    from pyruntime.ops import OPS
    from pyruntime.runtime import lib

    for d in OPS.values():
        assert any(lib.pyrt_op_supported(d.code, v) for v in (1, 2, 3)), d.name
    assert not lib.pyrt_op_supported(128, 1)  # CUMSUM: not in the engine
    assert not lib.pyrt_op_supported(3, 200)  # unknown parameter layout
