"""Run a pyruntime blob on the host through the C engine (the cffi module `pyruntime._engine`).

    engine = Engine(blob)                  # validates the blob (pyrt_init)
    y, = engine.invoke(x)                  # one inference
    ys = engine.run_batch(xs)              # many, along a new leading axis
    prof = engine.profile(x)               # per-operator wall-clock time
"""
from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from pyruntime.errors import ArenaTooSmallError, EngineError, InputError, ResourceLimitError

try:
    from pyruntime._engine import ffi, lib  # type: ignore[import-not-found]
except ImportError as exc:  # pragma: no cover - only without a built extension
    raise ImportError(
        "pyruntime._engine (the compiled C engine) is not available: install the package "
        "with `pip install .` (or `pip install -e .` while developing) and do not run Python "
        f"from a directory that shadows the installed package ({exc})"
    ) from exc

ALIGN = int(lib.PYRT_ALIGN)

# The largest arena Engine allocates unless told otherwise: a blob's header can ask for up to
# 4 GiB, and a host-side run must not take the machine down on a corrupt or hostile blob.
# Override per engine with Engine(blob, max_arena_bytes=N) or for the process with the
# environment variable PYRT_MAX_ARENA_BYTES (bytes). Same default as the converter's limit.
DEFAULT_MAX_ARENA_BYTES = 64 << 20
MAX_ARENA_ENV = "PYRT_MAX_ARENA_BYTES"


def max_arena_bytes() -> int:
    """The arena limit in force: $PYRT_MAX_ARENA_BYTES if set, else DEFAULT_MAX_ARENA_BYTES."""
    value = os.environ.get(MAX_ARENA_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_ARENA_BYTES
    try:
        n = int(value, 0)
    except ValueError:
        raise ResourceLimitError(f"{MAX_ARENA_ENV}={value!r} is not a number of bytes") from None
    if n < 0:
        raise ResourceLimitError(f"{MAX_ARENA_ENV}={value!r} is negative")
    return n

# What each status means (mirrors the comments in pyruntime.h).
STATUS_MEANINGS: dict[int, str] = {
    0: "success",
    1: "NULL pointer or invalid argument",
    2: "blob shorter than its header or its declared length",
    3: "not a pyruntime blob (bad magic)",
    4: "blob format major version not supported by this engine",
    5: "CRC32 mismatch: blob corrupted",
    6: "section table: missing, duplicate, overlapping or out-of-range section",
    7: "blob, arena or state pointer, or a section, misaligned",
    8: "tensor record invalid: type, rank, dims or byte size",
    9: "tensor or scratch data outside the constant section or the arena",
    10: "unknown operator code or operator version",
    11: "wrong number of operator inputs/outputs, or bad tensor index",
    12: "operator tensor types not supported",
    13: "operator tensor shapes inconsistent",
    14: "operator parameters invalid (range, length, offsets)",
    15: "model input/output table invalid",
    16: "arena smaller than the blob's planned arena size",
    17: "state buffer smaller than the engine needs",
    18: "model not (successfully) initialised",
    19: "input/output/operator index out of range",
    20: "an operator's planned scratch is smaller than this engine build's kernels need "
        "(convert the model for this target: convert --target)",
}

_DTYPES: dict[int, np.dtype[Any]] = {
    int(lib.PYRT_INT8): np.dtype(np.int8),
    int(lib.PYRT_UINT8): np.dtype(np.uint8),
    int(lib.PYRT_INT16): np.dtype(np.int16),
    int(lib.PYRT_INT32): np.dtype(np.int32),
    int(lib.PYRT_FLOAT32): np.dtype(np.float32),
    int(lib.PYRT_INT64): np.dtype(np.int64),
    int(lib.PYRT_BOOL): np.dtype(np.bool_),
}

# Blob section ids (docs/blob_format.md) and what a record inside each one is called.
_SECTION_RECORDS: dict[int, str] = {
    1: "tensor",
    2: "operator",
    3: "I/O entry",
    4: "constant data",
    5: "name",
}
_HEADER_BYTES = 32
_SECTION_ENTRY_BYTES = 12


def status_name(code: int) -> str:
    """The C name of a status code, e.g. 'PYRT_E_CRC'."""
    name = lib.pyrt_status_name(code)
    return ffi.string(name).decode() if name != ffi.NULL else f"status {code}"


def section_of(blob: bytes, offset: int) -> int | None:
    """Id of the section of `blob` containing byte `offset`; 0 for the section table itself.

    Reads the (possibly corrupt) section table defensively; None when it cannot tell.
    """
    if len(blob) < _HEADER_BYTES:
        return None
    (n_sections,) = struct.unpack_from("<H", blob, 30)
    table_end = _HEADER_BYTES + _SECTION_ENTRY_BYTES * n_sections
    if _HEADER_BYTES <= offset < table_end:
        return 0
    for i in range(n_sections):
        pos = _HEADER_BYTES + _SECTION_ENTRY_BYTES * i
        if pos + _SECTION_ENTRY_BYTES > len(blob):
            break
        sec_id, sec_off, sec_len = struct.unpack_from("<III", blob, pos)
        if sec_off <= offset < sec_off + sec_len:
            return int(sec_id)
    return None


_STATUS_RECORDS: dict[int, str] = {
    int(lib.PYRT_E_SECTION): "section",
    int(lib.PYRT_E_TENSOR): "tensor",
    int(lib.PYRT_E_TENSOR_RANGE): "tensor",
    int(lib.PYRT_E_OP): "operator",
    int(lib.PYRT_E_OP_ARITY): "operator",
    int(lib.PYRT_E_OP_TYPE): "operator",
    int(lib.PYRT_E_OP_SHAPE): "operator",
    int(lib.PYRT_E_OP_PARAMS): "operator",
    int(lib.PYRT_E_IO): "I/O entry",
}


def _location(blob: bytes, code: int, index: int, offset: int) -> str:
    """Human-readable place of a diagnostic: 'tensor 12 (record at byte 416)'."""
    if index < 0 and offset == 0:
        return ""
    what = _STATUS_RECORDS.get(code, "item")
    if offset > 0:
        section = section_of(blob, offset)
        if section == 0:
            what = "section"
        elif section is not None and section in _SECTION_RECORDS:
            what = _SECTION_RECORDS[section]
    if index >= 0 and offset > 0:
        return f"{what} {index} (record at byte {offset})"
    if index >= 0:
        return f"{what} {index}"
    return f"at byte {offset}"


def _engine_error(
    code: int,
    *,
    blob: bytes = b"",
    index: int = -1,
    offset: int = 0,
    context: str = "",
) -> EngineError:
    name = status_name(code)
    meaning = STATUS_MEANINGS.get(code, "unknown status")
    parts = [f"{name}: "]
    where = _location(blob, code, index, offset)
    if where:
        parts.append(f"{where}: ")
    parts.append(meaning)
    if context:
        parts.append(f" ({context})")
    cls = ArenaTooSmallError if code == int(lib.PYRT_E_ARENA_SMALL) else EngineError
    return cls("".join(parts), status=name, code=code, index=index, offset=offset)


@dataclass(frozen=True)
class TensorInfo:
    """A model input or output as the engine sees it."""

    index: int
    dtype: np.dtype[Any]
    shape: tuple[int, ...]
    scale: float
    zero_point: int
    bytes: int

    @property
    def quantized(self) -> bool:
        return self.scale != 0.0


@dataclass(frozen=True)
class OpTiming:
    """Wall-clock time of one operator in one profiled invocation (includes hook overhead)."""

    index: int
    op_code: int
    ns: int


@dataclass(frozen=True)
class Profile:
    """Result of Engine.profile: outputs of the last run and per-operator best times."""

    outputs: list[np.ndarray]
    ops: list[OpTiming]
    total_ns: int


_new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)


class _AlignedBuffer:
    """A byte buffer from ffi.new whose usable start is `align`-byte aligned (zeroed unless
    `clear` is False)."""

    def __init__(self, nbytes: int, align: int = ALIGN, clear: bool = True) -> None:
        self.nbytes = nbytes
        self._owner = (ffi.new if clear else _new_uncleared)("uint8_t[]", nbytes + align)
        pad = (-int(ffi.cast("uintptr_t", self._owner))) % align
        self.ptr = self._owner + pad


def _check_arena_limit(requested: int, limit: int | None, what: str) -> None:
    limit = max_arena_bytes() if limit is None else limit
    if requested > limit:
        raise ResourceLimitError(
            f"{what} asks for an arena of {requested} bytes, above the limit of {limit} bytes "
            f"(Engine(max_arena_bytes=...) or ${MAX_ARENA_ENV} raise it)", requested, limit)


def _diag_error(status: int, blob: bytes, diag: Any, context: str = "") -> EngineError:
    return _engine_error(status, blob=blob, index=int(diag.index), offset=int(diag.offset),
                         context=context)


def blob_info(blob: bytes | bytearray | memoryview) -> dict[str, int]:
    """What pyrt_query reads from a blob's header (no allocation beyond a copy of the blob):
    format_major/minor, blob_bytes, arena_bytes, state_bytes (this host), n_tensors, n_ops,
    n_inputs, n_outputs. EngineError if the header is unusable."""
    data = bytes(blob)
    buf = _AlignedBuffer(len(data))
    ffi.memmove(buf.ptr, data, len(data))
    info = ffi.new("pyrt_info *")
    status = int(lib.pyrt_query(buf.ptr, len(data), info))
    if status != int(lib.PYRT_OK):
        raise _engine_error(status, blob=data, context="reading the blob header")
    return {k: int(getattr(info, k)) for k in (
        "format_major", "format_minor", "blob_bytes", "arena_bytes", "state_bytes", "n_tensors",
        "n_ops", "n_inputs", "n_outputs")}


def check_blob(blob: bytes | bytearray | memoryview, max_arena_bytes: int | None = None) -> None:
    """Validate `blob` with the engine's loader (pyrt_init) without running it: EngineError
    naming the status and record if the engine refuses it, ResourceLimitError if its arena is
    above the limit (as for Engine). The arena is reserved but never touched."""
    data = bytes(blob)
    n = len(data)
    buf = _AlignedBuffer(n)
    ffi.memmove(buf.ptr, data, n)
    info = ffi.new("pyrt_info *")
    status = int(lib.pyrt_query(buf.ptr, n, info))
    if status != int(lib.PYRT_OK):
        raise _engine_error(status, blob=data, context="reading the blob header")
    _check_arena_limit(int(info.arena_bytes), max_arena_bytes, "the blob")
    arena = _AlignedBuffer(int(info.arena_bytes), clear=False)
    state = _AlignedBuffer(int(info.state_bytes))
    model_pp = ffi.new("pyrt_model **")
    diag = ffi.new("pyrt_diag *")
    diag.index = -1
    status = int(lib.pyrt_init(model_pp, state.ptr, int(info.state_bytes), buf.ptr, n, arena.ptr,
                               int(info.arena_bytes), diag))
    if status != int(lib.PYRT_OK):
        raise _diag_error(status, data, diag)


def _tensor_info(tensor: Any, index: int) -> TensorInfo:
    code = int(tensor.type)
    if code not in _DTYPES:
        raise EngineError(
            f"engine reports tensor type {code} for I/O {index}, unknown to pyruntime",
            status="PYRT_E_TENSOR",
            code=int(lib.PYRT_E_TENSOR),
            index=index,
        )
    shape = tuple(int(tensor.dims[d]) for d in range(int(tensor.rank)))
    return TensorInfo(
        index=index,
        dtype=_DTYPES[code],
        shape=shape,
        scale=float(tensor.scale),
        zero_point=int(tensor.zero_point),
        bytes=int(tensor.bytes),
    )


@ffi.def_extern()  # type: ignore[untyped-decorator]
def pyrt_py_hook(user: Any, op_index: int, op_code: int, end: int) -> None:
    """Profiling hook called by the engine around every operator."""
    now = time.perf_counter_ns()
    engine: Engine = ffi.from_handle(user)
    engine._on_hook(int(op_index), int(end), now)


class Engine:
    """One model loaded into the C engine, with its own arena and state.

    `blob` is copied into a 16-byte aligned buffer. `arena_bytes` defaults to the size the
    blob's memory plan needs; a smaller one raises ArenaTooSmallError. Before allocating
    anything, an arena above `max_arena_bytes` (default: $PYRT_MAX_ARENA_BYTES, else
    DEFAULT_MAX_ARENA_BYTES = 64 MiB) raises ResourceLimitError.
    """

    def __init__(self, blob: bytes | bytearray | memoryview, arena_bytes: int | None = None,
                 *, max_arena_bytes: int | None = None) -> None:
        self._blob_bytes = bytes(blob)
        n = len(self._blob_bytes)
        self._blob = _AlignedBuffer(n)
        ffi.memmove(self._blob.ptr, self._blob_bytes, n)

        info = ffi.new("pyrt_info *")
        status = int(lib.pyrt_query(self._blob.ptr, n, info))
        if status != int(lib.PYRT_OK):
            raise _engine_error(status, blob=self._blob_bytes, context="reading the blob header")
        self._planned_arena = int(info.arena_bytes)
        self._state_bytes = int(info.state_bytes)
        if arena_bytes is None:
            arena_bytes = self._planned_arena
        if arena_bytes < 0:
            raise ValueError(f"arena_bytes must be >= 0, got {arena_bytes}")
        _check_arena_limit(arena_bytes, max_arena_bytes,
                           "the blob" if arena_bytes == self._planned_arena else "arena_bytes")
        self._arena = _AlignedBuffer(arena_bytes)
        self._state = _AlignedBuffer(self._state_bytes)

        model_pp = ffi.new("pyrt_model **")
        diag = ffi.new("pyrt_diag *")
        diag.index = -1
        status = int(
            lib.pyrt_init(
                model_pp,
                self._state.ptr,
                self._state_bytes,
                self._blob.ptr,
                n,
                self._arena.ptr,
                arena_bytes,
                diag,
            )
        )
        if status != int(lib.PYRT_OK):
            context = ""
            if status == int(lib.PYRT_E_ARENA_SMALL):
                context = f"arena of {arena_bytes} bytes, plan needs {self._planned_arena}"
            raise _engine_error(
                status,
                blob=self._blob_bytes,
                index=int(diag.index),
                offset=int(diag.offset),
                context=context,
            )
        self._model = model_pp[0]
        self._arena_bytes = arena_bytes

        self._in_tensors = [self._io_tensor(lib.pyrt_input, i) for i in range(int(info.n_inputs))]
        self._out_tensors = [self._io_tensor(lib.pyrt_output, i) for i in range(int(info.n_outputs))]
        self._inputs = [_tensor_info(t, i) for i, t in enumerate(self._in_tensors)]
        self._outputs = [_tensor_info(t, i) for i, t in enumerate(self._out_tensors)]
        self._num_ops = int(lib.pyrt_num_ops(self._model))
        self._op_codes = [int(lib.pyrt_op_code(self._model, i)) for i in range(self._num_ops)]

        # Profiling state, filled by pyrt_py_hook.
        self._handle = ffi.new_handle(self)
        self._op_start = [0] * self._num_ops
        self._op_ns = [0] * self._num_ops

    def _io_tensor(self, getter: Any, index: int) -> Any:
        tensor = ffi.new("pyrt_tensor *")
        status = int(getter(self._model, index, tensor))
        if status != int(lib.PYRT_OK):
            raise _engine_error(status, index=index, context=f"reading I/O tensor {index}")
        return tensor

    # --- description -------------------------------------------------------------------------
    @property
    def inputs(self) -> list[TensorInfo]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[TensorInfo]:
        return list(self._outputs)

    @property
    def arena_bytes(self) -> int:
        """Size of the arena given to the engine."""
        return self._arena_bytes

    @property
    def planned_arena_bytes(self) -> int:
        """Arena size the blob's memory plan needs."""
        return self._planned_arena

    @property
    def state_bytes(self) -> int:
        return self._state_bytes

    @property
    def blob_bytes(self) -> int:
        return len(self._blob_bytes)

    @property
    def num_ops(self) -> int:
        return self._num_ops

    @property
    def op_codes(self) -> list[int]:
        """TFLite builtin operator code of every operator, in execution order."""
        return list(self._op_codes)

    def __repr__(self) -> str:
        ins = ", ".join(f"{t.dtype}{list(t.shape)}" for t in self._inputs)
        outs = ", ".join(f"{t.dtype}{list(t.shape)}" for t in self._outputs)
        return (
            f"Engine(ops={self._num_ops}, inputs=[{ins}], outputs=[{outs}], "
            f"arena={self._arena_bytes} B, state={self._state_bytes} B, blob={self.blob_bytes} B)"
        )

    # --- running -----------------------------------------------------------------------------
    def _check_input(self, i: int, value: Any) -> np.ndarray:
        spec = self._inputs[i]
        arr = np.asarray(value)
        if arr.dtype != spec.dtype:
            hint = ""
            if spec.quantized and arr.dtype.kind == "f":
                hint = (
                    f"; quantize it first: q = round(x / {spec.scale:g}) + {spec.zero_point}, "
                    f"clipped to the {spec.dtype} range"
                )
            raise InputError(f"input {i}: expected dtype {spec.dtype}, got {arr.dtype}{hint}")
        shape = tuple(arr.shape)
        batchless = len(spec.shape) >= 1 and spec.shape[0] == 1 and shape == spec.shape[1:]
        if shape != spec.shape and not batchless:
            raise InputError(f"input {i}: expected shape {spec.shape}, got {shape}")
        return np.ascontiguousarray(arr)

    def _check_inputs(self, arrays: tuple[Any, ...]) -> list[np.ndarray]:
        if len(arrays) != len(self._inputs):
            raise InputError(f"model has {len(self._inputs)} input(s), got {len(arrays)}")
        return [self._check_input(i, a) for i, a in enumerate(arrays)]

    def _copy_in(self, checked: list[np.ndarray]) -> None:
        # Before every run: the memory plan may reuse input bytes for later activations.
        for tensor, arr in zip(self._in_tensors, checked):
            ffi.memmove(tensor.data, ffi.from_buffer(arr), int(tensor.bytes))

    def _run(self) -> None:
        status = int(lib.pyrt_invoke(self._model))
        if status != int(lib.PYRT_OK):
            raise _engine_error(status, context="pyrt_invoke")

    def _get_outputs(self) -> list[np.ndarray]:
        result = []
        for spec, tensor in zip(self._outputs, self._out_tensors):
            raw = ffi.buffer(tensor.data, spec.bytes)
            result.append(np.frombuffer(raw, dtype=spec.dtype).reshape(spec.shape).copy())
        return result

    def invoke(self, *arrays: Any) -> list[np.ndarray]:
        """Run one inference. Each array must match its input's dtype and shape exactly
        (a missing leading batch dimension of 1 is accepted). Returns fresh output arrays."""
        self._copy_in(self._check_inputs(arrays))
        self._run()
        return self._get_outputs()

    def run_batch_all(self, x: Any) -> list[np.ndarray]:
        """Run a single-input model on every x[i]; returns each output stacked along axis 0.

        When x[i] omits the model's leading batch dimension of 1, the outputs' leading
        batch dimension of 1 is dropped too, so that the batch axis replaces it.
        """
        if len(self._inputs) != 1:
            raise InputError(
                f"run_batch needs a single-input model; this one has {len(self._inputs)}: "
                "call invoke() per sample"
            )
        arr = np.asarray(x)
        spec = self._inputs[0]
        if arr.ndim == 0:
            raise InputError("input 0: expected a batch of shape (N, ...), got a scalar")
        drop_batch = len(spec.shape) >= 1 and spec.shape[0] == 1 and arr.shape[1:] == spec.shape[1:]
        per_output: list[list[np.ndarray]] = [[] for _ in self._outputs]
        for sample in arr:
            for j, y in enumerate(self.invoke(sample)):
                if drop_batch and y.ndim >= 1 and y.shape[0] == 1:
                    y = y[0]
                per_output[j].append(y)
        stacked = []
        for j, spec_out in enumerate(self._outputs):
            if per_output[j]:
                stacked.append(np.stack(per_output[j]))
            else:
                shape = spec_out.shape[1:] if drop_batch and spec_out.shape[:1] == (1,) else spec_out.shape
                stacked.append(np.zeros((0, *shape), dtype=spec_out.dtype))
        return stacked

    def run_batch(self, x: Any) -> np.ndarray:
        """As run_batch_all for a single-output model; returns the stacked output."""
        if len(self._outputs) != 1:
            raise InputError(
                f"run_batch returns one array but the model has {len(self._outputs)} outputs: "
                "use run_batch_all"
            )
        return self.run_batch_all(x)[0]

    # --- profiling ---------------------------------------------------------------------------
    def _on_hook(self, op_index: int, end: int, now_ns: int) -> None:
        if not 0 <= op_index < self._num_ops:
            return
        if end:
            self._op_ns[op_index] = now_ns - self._op_start[op_index]
        else:
            self._op_start[op_index] = now_ns

    def profile(self, *arrays: Any, repeat: int = 1) -> Profile:
        """Run `repeat` inferences with a per-operator timing hook; keeps each operator's
        fastest time. Times are host wall-clock and include the hook's own overhead
        (about a microsecond per operator)."""
        if repeat < 1:
            raise ValueError(f"repeat must be >= 1, got {repeat}")
        checked = self._check_inputs(arrays)
        best = [-1] * self._num_ops
        best_total = -1
        lib.pyrt_set_hook(self._model, lib.pyrt_py_hook, self._handle)
        try:
            for _ in range(repeat):
                self._copy_in(checked)
                self._op_ns = [0] * self._num_ops
                t0 = time.perf_counter_ns()
                self._run()
                total = time.perf_counter_ns() - t0
                best_total = total if best_total < 0 else min(best_total, total)
                for k, ns in enumerate(self._op_ns):
                    best[k] = ns if best[k] < 0 else min(best[k], ns)
        finally:
            lib.pyrt_set_hook(self._model, ffi.NULL, ffi.NULL)
        ops = [OpTiming(k, self._op_codes[k], max(best[k], 0)) for k in range(self._num_ops)]
        return Profile(outputs=self._get_outputs(), ops=ops, total_ns=best_total)
