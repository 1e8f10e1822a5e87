"""Tests of pyruntime.runtime.Engine: loading, error mapping, input checks, batching, profiling.

The small blobs here are built by hand from docs/blob_format.md (no converter needed), so these
tests also check the C loader against the spec. End-to-end tests on the MLPerf Tiny models need
the converter and ../shared.
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest

from pyruntime.errors import ArenaTooSmallError, EngineError, InputError, PyruntimeError
from pyruntime.runtime import STATUS_MEANINGS, Engine, TensorInfo, ffi, status_name


# --- a minimal blob writer, straight from docs/blob_format.md -------------------------------
HEADER = struct.Struct("<4sHHIIIIHHBBH")
SECTION = struct.Struct("<III")
TENSOR = struct.Struct("<BBBBIIfi6H")
OP_HEAD = struct.Struct("<HBBBBHII")
SEC_TENSORS, SEC_OPS, SEC_IO, SEC_CONST = 1, 2, 3, 4
INT8, INT32 = 1, 4
OP_ADD, OP_RESHAPE = 0, 22


@dataclass
class T:
    dims: tuple[int, ...]
    offset: int = 0
    type: int = INT8
    storage: int = 0
    scale: float = 0.0
    zero_point: int = 0
    nbytes: int | None = None  # default: product(dims) * element size

    def record(self) -> bytes:
        size = {1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1}[self.type]
        nbytes = self.nbytes if self.nbytes is not None else int(np.prod(self.dims)) * size
        dims = list(self.dims) + [0] * (6 - len(self.dims))
        flags = 1 if self.scale != 0.0 else 0
        return TENSOR.pack(
            self.type, len(self.dims), self.storage, flags, self.offset, nbytes,
            self.scale, self.zero_point, *dims,
        )


@dataclass
class Op:
    code: int
    inputs: Sequence[int]
    outputs: Sequence[int]
    params: Sequence[int] = ()
    version: int = 1

    def record(self) -> bytes:
        head = OP_HEAD.pack(
            self.code, self.version, len(self.inputs), len(self.outputs), 0, len(self.params), 0, 0
        )
        idx = struct.pack(f"<{len(self.inputs) + len(self.outputs)}h", *self.inputs, *self.outputs)
        idx += b"\0" * (-len(idx) % 4)
        return head + idx + struct.pack(f"<{len(self.params)}i", *self.params)


@dataclass
class Built:
    blob: bytes
    sections: dict[int, int]  # section id -> offset
    op_offsets: list[int] = field(default_factory=list)

    def tensor_record(self, i: int) -> int:
        return self.sections[SEC_TENSORS] + 32 * i


def _pad(data: bytes, align: int) -> bytes:
    return data + b"\0" * (-len(data) % align)


def build_blob(
    tensors: Sequence[T],
    ops: Sequence[Op],
    inputs: Sequence[int],
    outputs: Sequence[int],
    arena_bytes: int,
    const: bytes = bytes(16),
    major: int = 2,
) -> Built:
    records = [op.record() for op in ops]
    io = _pad(struct.pack(f"<{len(inputs) + len(outputs)}H", *inputs, *outputs), 4)
    bodies = [
        (SEC_TENSORS, b"".join(t.record() for t in tensors), 4),
        (SEC_OPS, b"".join(records), 4),
        (SEC_IO, io, 4),
        (SEC_CONST, const, 16),
    ]
    pos = HEADER.size + SECTION.size * len(bodies)
    table, payload, sections = b"", b"", {}
    for sec_id, body, align in bodies:
        pad = -pos % align
        payload += b"\0" * pad
        pos += pad
        sections[sec_id] = pos
        table += SECTION.pack(sec_id, pos, len(body))
        payload += body
        pos += len(body)
    op_offsets, p = [], sections[SEC_OPS]
    for r in records:
        op_offsets.append(p)
        p += len(r)
    head = HEADER.pack(
        b"PYRT", major, 0, pos, 0, 0, arena_bytes, len(tensors), len(ops), len(inputs),
        len(outputs), len(bodies),
    )
    return Built(fix_crc(head + table + payload), sections, op_offsets)


def fix_crc(blob: bytes) -> bytes:
    crc = zlib.crc32(blob[16:]) & 0xFFFFFFFF
    return blob[:12] + struct.pack("<I", crc) + blob[16:]


def patch(blob: bytes, offset: int, fmt: str, *values: object) -> bytes:
    """Overwrite a field and recompute the CRC, so that only the field is wrong."""
    b = bytearray(blob)
    struct.pack_into(fmt, b, offset, *values)
    return fix_crc(bytes(b))


# Model 1: RESHAPE int8 [1,2,2,1] -> [1,4], copied (output not aliased onto the input).
def reshape_model(**overrides: object) -> Built:
    x = T((1, 2, 2, 1), offset=0, scale=0.5, zero_point=-3)
    y = T((1, 4), offset=16, scale=0.5, zero_point=-3)
    args: dict[str, object] = dict(
        tensors=[x, y], ops=[Op(OP_RESHAPE, [0], [1])], inputs=[0], outputs=[1], arena_bytes=32
    )
    args.update(overrides)
    return build_blob(**args)  # type: ignore[arg-type]


# Model 2: ADD int8 [1,4] + [1,4] -> [1,4], all scales 1 and zero points 0: y = clamp(a + b).
def add_model() -> Built:
    a, b, y = (T((1, 4), offset=16 * i, scale=1.0) for i in range(3))
    # TFLite int8 ADD parameters for these scales: inputs x 0.5 (2^30, shift 0) after a left
    # shift of 20, output x 2^-19 (2^30, shift -18).
    params = [0, 0, 0, 20, 1 << 30, 0, 1 << 30, 0, 1 << 30, -18, -128, 127]
    return build_blob([a, b, y], [Op(OP_ADD, [0, 1], [2], params)], [0, 1], [2], arena_bytes=48)


def sample(shape: Sequence[int], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, size=shape, dtype=np.int8)


# --- loading and description --------------------------------------------------------------
def test_reshape_model_runs_and_describes_itself() -> None:
    built = reshape_model()
    engine = Engine(built.blob)
    assert engine.inputs == [TensorInfo(0, np.dtype(np.int8), (1, 2, 2, 1), 0.5, -3, 4)]
    assert engine.outputs == [TensorInfo(0, np.dtype(np.int8), (1, 4), 0.5, -3, 4)]
    assert engine.num_ops == 1
    assert engine.op_codes == [OP_RESHAPE]
    assert engine.arena_bytes == engine.planned_arena_bytes == 32
    assert engine.state_bytes > 0
    assert engine.blob_bytes == len(built.blob)
    x = sample((1, 2, 2, 1))
    (y,) = engine.invoke(x)
    assert y.dtype == np.int8 and y.shape == (1, 4)
    np.testing.assert_array_equal(y, x.reshape(1, 4))
    assert "Engine(ops=1" in repr(engine)


def test_add_model_two_inputs() -> None:
    engine = Engine(add_model().blob)
    a = np.array([[1, -5, 100, -100]], dtype=np.int8)
    b = np.array([[2, 7, 100, -100]], dtype=np.int8)
    (y,) = engine.invoke(a, b)
    np.testing.assert_array_equal(y, [[3, 2, 127, -128]])


def test_outputs_are_fresh_copies_and_not_stale() -> None:
    engine = Engine(reshape_model().blob)
    x1, x2 = sample((1, 2, 2, 1), 1), sample((1, 2, 2, 1), 2)
    (y1,) = engine.invoke(x1)
    y1_saved = y1.copy()
    (y2,) = engine.invoke(x2)
    np.testing.assert_array_equal(y1, y1_saved)
    np.testing.assert_array_equal(y2, x2.reshape(1, 4))
    y2[...] = 0
    (y3,) = engine.invoke(x2)
    np.testing.assert_array_equal(y3, x2.reshape(1, 4))


def test_engine_keeps_its_own_copy_of_the_blob() -> None:
    blob = bytearray(reshape_model().blob)
    engine = Engine(memoryview(blob))
    blob[:] = b"\0" * len(blob)
    x = sample((1, 2, 2, 1))
    np.testing.assert_array_equal(engine.invoke(x)[0], x.reshape(1, 4))


def test_larger_arena_is_accepted() -> None:
    engine = Engine(reshape_model().blob, arena_bytes=1000)
    assert engine.arena_bytes == 1000 and engine.planned_arena_bytes == 32
    x = sample((1, 2, 2, 1))
    np.testing.assert_array_equal(engine.invoke(x)[0], x.reshape(1, 4))


def test_several_engines_coexist() -> None:
    engines = [Engine(reshape_model().blob) for _ in range(3)]
    xs = [sample((1, 2, 2, 1), seed) for seed in range(3)]
    for engine, x in zip(engines, xs):
        engine.invoke(x)
    for engine, x in zip(engines, xs):
        np.testing.assert_array_equal(engine.invoke(x)[0], x.reshape(1, 4))


# --- status names and error mapping -------------------------------------------------------
def test_every_status_has_its_c_name_and_a_meaning() -> None:
    elements = ffi.typeof("pyrt_status").elements
    assert len(elements) == 21
    for code, name in elements.items():
        assert status_name(code) == name
        assert code in STATUS_MEANINGS


def _load_error(blob: bytes, status: str, **kwargs: int) -> EngineError:
    with pytest.raises(EngineError) as info:
        Engine(blob, **kwargs)
    err = info.value
    assert err.status == status, str(err)
    assert str(err).startswith(f"{status}: "), str(err)
    assert isinstance(err, PyruntimeError)
    return err


def test_bad_magic() -> None:
    blob = reshape_model().blob
    _load_error(b"XXXX" + blob[4:], "PYRT_E_MAGIC")


def test_unsupported_major_version() -> None:
    _load_error(reshape_model(major=3).blob, "PYRT_E_VERSION")


def test_truncated_blob() -> None:
    _load_error(reshape_model().blob[:-4], "PYRT_E_TRUNCATED")
    _load_error(reshape_model().blob[:20], "PYRT_E_TRUNCATED")


def test_corrupted_byte_fails_crc() -> None:
    built = reshape_model()
    b = bytearray(built.blob)
    b[built.tensor_record(1) + 12] ^= 0x40  # a bit of tensor 1's scale, CRC left stale
    err = _load_error(bytes(b), "PYRT_E_CRC")
    assert "corrupted" in str(err)


def test_arena_too_small() -> None:
    with pytest.raises(ArenaTooSmallError) as info:
        Engine(reshape_model().blob, arena_bytes=31)
    err = info.value
    assert isinstance(err, EngineError)
    assert err.status == "PYRT_E_ARENA_SMALL" and err.code == 16
    assert "31" in str(err) and "32" in str(err)


def test_bad_tensor_byte_size_names_tensor_and_record() -> None:
    built = reshape_model()
    record = built.tensor_record(1)
    err = _load_error(patch(built.blob, record + 8, "<I", 5), "PYRT_E_TENSOR")
    assert err.index == 1
    assert err.offset == record
    assert f"tensor 1 (record at byte {record})" in str(err)


def test_tensor_outside_arena() -> None:
    built = reshape_model()
    record = built.tensor_record(1)
    err = _load_error(patch(built.blob, record + 4, "<I", 32), "PYRT_E_TENSOR_RANGE")
    assert err.index == 1
    assert "tensor 1" in str(err)


def test_unknown_operator() -> None:
    built = reshape_model()
    op = built.op_offsets[0]
    err = _load_error(patch(built.blob, op, "<H", 200), "PYRT_E_OP")
    assert err.index == 0
    assert "operator 0" in str(err)


def test_operator_with_wrong_arity() -> None:
    built = reshape_model(ops=[Op(OP_RESHAPE, [0], [1, 1])])
    err = _load_error(built.blob, "PYRT_E_OP_ARITY")
    assert err.index == 0 and "operator 0" in str(err)


def test_io_index_out_of_range() -> None:
    _load_error(reshape_model(outputs=[7]).blob, "PYRT_E_IO")


# --- input validation ---------------------------------------------------------------------
def test_wrong_number_of_inputs() -> None:
    engine = Engine(add_model().blob)
    a = sample((1, 4))
    with pytest.raises(InputError, match=r"2 input\(s\), got 1"):
        engine.invoke(a)
    with pytest.raises(InputError, match=r"2 input\(s\), got 3"):
        engine.invoke(a, a, a)


def test_wrong_dtype_names_input_and_types() -> None:
    engine = Engine(add_model().blob)
    a = sample((1, 4))
    with pytest.raises(InputError) as info:
        engine.invoke(a, a.astype(np.float32))
    msg = str(info.value)
    assert "input 1" in msg and "int8" in msg and "float32" in msg and "quantize" in msg
    with pytest.raises(InputError, match="input 0"):
        engine.invoke(a.astype(np.uint8), a)


def test_wrong_shape_names_input_and_shapes() -> None:
    engine = Engine(reshape_model().blob)
    for bad in [(1, 4), (4,), (1, 2, 2), (2, 2, 2, 1), (1, 1, 2, 2, 1)]:
        with pytest.raises(InputError) as info:
            engine.invoke(np.zeros(bad, np.int8))
        msg = str(info.value)
        assert "input 0" in msg and "(1, 2, 2, 1)" in msg and str(bad) in msg


def test_missing_batch_dim_is_accepted() -> None:
    engine = Engine(reshape_model().blob)
    x = sample((2, 2, 1))
    np.testing.assert_array_equal(engine.invoke(x)[0], x.reshape(1, 4))


def test_non_contiguous_input() -> None:
    engine = Engine(reshape_model().blob)
    base = sample((1, 2, 4, 1))
    x = base[:, :, ::2, :]  # shape (1, 2, 2, 1), strided
    assert not x.flags.c_contiguous
    np.testing.assert_array_equal(engine.invoke(x)[0], np.ascontiguousarray(x).reshape(1, 4))


# --- batches and profiling ----------------------------------------------------------------
def test_run_batch_without_batch_dim_replaces_it() -> None:
    engine = Engine(reshape_model().blob)
    xs = sample((5, 2, 2, 1))
    ys = engine.run_batch(xs)
    assert ys.shape == (5, 4)
    np.testing.assert_array_equal(ys, xs.reshape(5, 4))


def test_run_batch_with_batch_dim_keeps_it() -> None:
    engine = Engine(reshape_model().blob)
    xs = sample((3, 1, 2, 2, 1))
    ys = engine.run_batch(xs)
    assert ys.shape == (3, 1, 4)
    np.testing.assert_array_equal(ys, xs.reshape(3, 1, 4))


def test_run_batch_rejects_multi_input_models_and_bad_samples() -> None:
    with pytest.raises(InputError, match="single-input"):
        Engine(add_model().blob).run_batch(sample((2, 1, 4)))
    with pytest.raises(InputError, match="input 0"):
        Engine(reshape_model().blob).run_batch(sample((3, 4)))


def test_profile_reports_every_operator() -> None:
    engine = Engine(add_model().blob)
    a, b = sample((1, 4), 1), sample((1, 4), 2)
    prof = engine.profile(a, b, repeat=3)
    assert [op.op_code for op in prof.ops] == [OP_ADD]
    assert [op.index for op in prof.ops] == [0]
    assert prof.ops[0].ns > 0
    assert prof.total_ns >= prof.ops[0].ns
    np.testing.assert_array_equal(prof.outputs[0], engine.invoke(a, b)[0])
    # The hook is removed afterwards: plain invocations still work and change nothing.
    np.testing.assert_array_equal(engine.invoke(a, b)[0], prof.outputs[0])


# --- a real model (needs the converter and ../shared) ---------------------------------------
@pytest.mark.needs_convert
def test_profile_real_model(converted_blob: Callable[[str], bytes]) -> None:
    engine = Engine(converted_blob("kws_ds_cnn"))
    x = sample(engine.inputs[0].shape)
    prof = engine.profile(x, repeat=2)
    assert len(prof.ops) == engine.num_ops > 5
    assert [op.op_code for op in prof.ops] == engine.op_codes
    assert all(op.ns > 0 for op in prof.ops)
    assert sum(op.ns for op in prof.ops) <= prof.total_ns
    np.testing.assert_array_equal(prof.outputs[0], engine.invoke(x)[0])
