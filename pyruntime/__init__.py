"""pyruntime: int8 neural-network inference for microcontrollers.

    from pyruntime.convert import convert
    from pyruntime import Engine

    blob = convert("model.tflite").blob
    outputs = Engine(blob).invoke(x)

Submodules are imported on first use, so that the converter works without the compiled
engine extension (and importing the package stays cheap).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyruntime.errors import (
    ArenaTooSmallError,
    BlobFormatError,
    ConversionError,
    EngineError,
    InputError,
    ModelReadError,
    PyruntimeError,
    ResourceLimitError,
)

if TYPE_CHECKING:
    from pyruntime.runtime import Engine, TensorInfo

__version__ = "0.1.0"

__all__ = [
    "ArenaTooSmallError",
    "BlobFormatError",
    "ConversionError",
    "Engine",
    "EngineError",
    "InputError",
    "ModelReadError",
    "PyruntimeError",
    "ResourceLimitError",
    "TensorInfo",
    "__version__",
]

_LAZY = {"Engine": "pyruntime.runtime", "TensorInfo": "pyruntime.runtime"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pyruntime' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
