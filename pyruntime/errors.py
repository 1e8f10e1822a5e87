"""Exceptions raised by pyruntime. Each says what went wrong and where."""
from __future__ import annotations


class PyruntimeError(Exception):
    """Base class of every pyruntime error."""


class ConversionError(PyruntimeError):
    """The model cannot be converted: it uses something the engine does not support, breaks a
    rule the engine enforces (zero points, scales, shapes, ...) or exceeds a resource limit.

    `op_index` and `op_name` locate the offending operator (None for model-level problems).
    `engine_status` is set when the engine's own loader (the last check of `convert`) refused
    the blob: the C status name, e.g. "PYRT_E_OP_PARAMS". `internal` is True when the converter
    failed in an unexpected way (a bug to report; the message carries the Python exception).
    """

    def __init__(self, reason: str, op_index: int | None = None, op_name: str | None = None,
                 *, engine_status: str | None = None, internal: bool = False):
        self.reason = reason
        self.op_index = op_index
        self.op_name = op_name
        self.engine_status = engine_status
        self.internal = internal
        where = f"operator {op_index} ({op_name}): " if op_index is not None else ""
        super().__init__(f"{where}{reason}")


class ModelReadError(ConversionError):
    """The input model file cannot be parsed (not a .tflite, truncated, corrupt)."""


class BlobFormatError(PyruntimeError):
    """A blob cannot be parsed by the Python reader."""


class EngineError(PyruntimeError):
    """The C engine returned a non-OK status.

    `status` is the C status name (e.g. "PYRT_E_CRC"), `code` its number, `index` the tensor,
    operator or section concerned (or -1), `offset` the byte offset of the offending record.
    """

    def __init__(self, message: str, status: str, code: int, index: int = -1, offset: int = 0):
        self.status = status
        self.code = code
        self.index = index
        self.offset = offset
        super().__init__(message)


class ArenaTooSmallError(EngineError):
    """The arena given to the engine is smaller than the blob's planned arena size."""


class InputError(PyruntimeError):
    """An input array does not match the model input (shape, dtype or count), or an input file
    (.npy) cannot be used."""


class ResourceLimitError(PyruntimeError):
    """A blob asks for more memory than the configured limit (`Engine(max_arena_bytes=...)`,
    `PYRT_MAX_ARENA_BYTES`). `requested` and `limit` are in bytes."""

    def __init__(self, message: str, requested: int = 0, limit: int = 0):
        self.requested = requested
        self.limit = limit
        super().__init__(message)


# The documented error classes: anything else escaping pyruntime is a bug (the fuzz harnesses
# and tools/mutate_campaign.py count it as a finding).
DOCUMENTED_ERRORS: tuple[type[PyruntimeError], ...] = (
    ConversionError, ModelReadError, BlobFormatError, EngineError, ArenaTooSmallError,
    InputError, ResourceLimitError)
