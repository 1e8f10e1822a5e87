"""The small graph IR between importers and the blob writer.

Importers (`tflite_reader`) produce a `Graph`; passes (`passes`) rewrite it; `lower` turns each
operator into engine parameters; `planner` places arena tensors; `blob` writes the result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Engine tensor type codes (docs/blob_format.md) and their numpy dtypes.
DTYPES: dict[str, tuple[int, np.dtype]] = {
    "int8": (1, np.dtype(np.int8)),
    "uint8": (2, np.dtype(np.uint8)),
    "int16": (3, np.dtype("<i2")),
    "int32": (4, np.dtype("<i4")),
    "float32": (5, np.dtype("<f4")),
    "int64": (6, np.dtype("<i8")),
    "bool": (7, np.dtype(np.bool_)),
}
TYPE_NAMES: dict[int, str] = {code: name for name, (code, _) in DTYPES.items()}


def dtype_of(name: str) -> np.dtype:
    return DTYPES[name][1]


@dataclass
class Tensor:
    index: int
    name: str
    dtype: str  # a key of DTYPES
    shape: tuple[int, ...]
    data: np.ndarray | None = None  # constant data (None for activations)
    scales: np.ndarray | None = None  # float32 [n] or None when not quantized
    zero_points: np.ndarray | None = None  # int64 [n]
    quantized_dimension: int = 0

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def quantized(self) -> bool:
        return self.scales is not None and len(self.scales) > 0

    @property
    def per_channel(self) -> bool:
        return self.scales is not None and len(self.scales) > 1

    @property
    def scale(self) -> float:
        """Per-tensor scale as float32 (first entry; 0.0 when not quantized)."""
        return float(np.float32(self.scales[0])) if self.quantized else 0.0  # type: ignore[index]

    @property
    def zero_point(self) -> int:
        return int(self.zero_points[0]) if self.zero_points is not None and len(self.zero_points) else 0

    @property
    def elements(self) -> int:
        n = 1
        for d in self.shape:  # Python ints: no int64 wrap-around on corrupt shapes
            n *= int(d)
        return n

    @property
    def nbytes(self) -> int:
        return self.elements * dtype_of(self.dtype).itemsize


@dataclass
class Op:
    index: int  # index in the source model's operator list (for error messages)
    name: str  # TFLite builtin name, e.g. "CONV_2D"
    code: int  # TFLite BuiltinOperator number
    version: int  # operator version in the source model
    inputs: list[int]  # tensor indices, -1 for an absent optional input
    outputs: list[int]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Graph:
    tensors: list[Tensor]
    ops: list[Op]
    inputs: list[int]
    outputs: list[int]
    description: str = ""

    def consumers(self, tensor: int) -> list[Op]:
        return [op for op in self.ops if tensor in op.inputs]

    def producer(self, tensor: int) -> Op | None:
        for op in self.ops:
            if tensor in op.outputs:
                return op
        return None
