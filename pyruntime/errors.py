"""Exceptions raised by pyruntime. Each says what went wrong and where."""
from __future__ import annotations


class PyruntimeError(Exception):
    """Base class of every pyruntime error."""


class ModelReadError(PyruntimeError):
    """The input model file cannot be parsed (not a .tflite, truncated, corrupt)."""


class ConversionError(PyruntimeError):
    """The model uses something the engine does not support.

    `op_index` and `op_name` locate the offending operator (None for model-level problems).
    """

    def __init__(self, reason: str, op_index: int | None = None, op_name: str | None = None):
        self.reason = reason
        self.op_index = op_index
        self.op_name = op_name
        where = f"operator {op_index} ({op_name}): " if op_index is not None else ""
        super().__init__(f"{where}{reason}")


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
    """An input array does not match the model input (shape, dtype or count)."""
