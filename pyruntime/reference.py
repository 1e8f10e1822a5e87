"""Golden reference: TensorFlow Lite Micro's Python interpreter (package `tflite-micro`).

    ref = TflmReference("model.tflite")
    for x in samples:
        y, = ref.invoke([x])

`tflm_arena_usage` reports TFLM's arena use (recording allocator), measured in a subprocess
because TFLM can take the whole process down on some models and arena sizes.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyruntime.errors import InputError, ModelReadError

DEFAULT_ARENA_SIZE = 4 * 1024 * 1024
# With every tensor preserved there is no buffer reuse: much more arena is needed.
PRESERVE_ARENA_SIZE = 64 * 1024 * 1024

ModelSource = str | Path | bytes | bytearray | memoryview


@dataclass(frozen=True)
class RefTensor:
    """A model input or output as TFLM describes it."""

    index: int
    dtype: np.dtype[Any]
    shape: tuple[int, ...]
    scale: float
    zero_point: int


def _model_bytes(model: ModelSource) -> bytes:
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    try:
        return Path(model).read_bytes()
    except OSError as exc:
        raise ModelReadError(f"cannot read model {model}: {exc}") from exc


def _io_counts(model_data: bytes) -> tuple[int, int]:
    """Number of inputs and outputs of the model's main subgraph."""
    import tflite  # flatbuffer reader of the .tflite schema

    try:
        model = tflite.Model.GetRootAsModel(model_data, 0)
        graph = model.Subgraphs(0)
        return int(graph.InputsLength()), int(graph.OutputsLength())
    except Exception as exc:  # flatbuffers raises assorted errors on garbage
        raise ModelReadError(f"not a readable .tflite model: {exc}") from exc


def _details(d: dict[str, Any], index: int) -> RefTensor:
    q = d.get("quantization_parameters", {})
    scales = np.asarray(q.get("scales", []))
    zero_points = np.asarray(q.get("zero_points", []))
    return RefTensor(
        index=index,
        dtype=np.dtype(d["dtype"]),
        shape=tuple(int(s) for s in d["shape"]),
        scale=float(scales[0]) if scales.size == 1 else 0.0,
        zero_point=int(zero_points[0]) if zero_points.size == 1 else 0,
    )


class TflmReference:
    """One TFLM interpreter, reused across many invocations (creating one is the slow part)."""

    def __init__(
        self,
        model: ModelSource,
        arena_size: int | None = None,
        *,
        preserve_all_tensors: bool = False,
    ) -> None:
        from tflite_micro import runtime as tflm

        self.model_data = _model_bytes(model)
        n_in, n_out = _io_counts(self.model_data)
        if arena_size is None:
            arena_size = PRESERVE_ARENA_SIZE if preserve_all_tensors else DEFAULT_ARENA_SIZE
        config = (
            tflm.InterpreterConfig.kPreserveAllTensors
            if preserve_all_tensors
            else tflm.InterpreterConfig.kAllocationRecording
        )
        self.preserve_all_tensors = preserve_all_tensors
        # The keyword is misspelt in tflite-micro itself.
        self._interp = tflm.Interpreter.from_bytes(
            self.model_data, arena_size=arena_size, intrepreter_config=config
        )
        self.inputs = [_details(self._interp.get_input_details(i), i) for i in range(n_in)]
        self.outputs = [_details(self._interp.get_output_details(i), i) for i in range(n_out)]

    def _check(self, i: int, value: Any) -> np.ndarray:
        spec = self.inputs[i]
        arr = np.asarray(value)
        if arr.dtype != spec.dtype:
            raise InputError(f"input {i}: expected dtype {spec.dtype}, got {arr.dtype}")
        if tuple(arr.shape) != spec.shape:
            if spec.shape[:1] == (1,) and tuple(arr.shape) == spec.shape[1:]:
                arr = arr.reshape(spec.shape)
            else:
                raise InputError(f"input {i}: expected shape {spec.shape}, got {tuple(arr.shape)}")
        return np.ascontiguousarray(arr)

    def invoke(self, inputs: Sequence[Any]) -> list[np.ndarray]:
        """Run one inference; returns copies of the outputs."""
        if len(inputs) != len(self.inputs):
            raise InputError(f"model has {len(self.inputs)} input(s), got {len(inputs)}")
        for i, value in enumerate(inputs):
            self._interp.set_input(self._check(i, value), i)
        self._interp.invoke()
        return [np.array(self._interp.get_output(i), copy=True) for i in range(len(self.outputs))]

    def tensor(self, index: int) -> np.ndarray:
        """Value of tensor `index` (TFLite numbering) after the last invoke.

        Only meaningful with preserve_all_tensors=True (otherwise buffers are reused).
        """
        if not self.preserve_all_tensors:
            raise ValueError("intermediate tensors need TflmReference(..., preserve_all_tensors=True)")
        found = self._interp.GetTensor(index, 0)
        data = np.array(found["tensor_data"], dtype=np.dtype(found["dtype"]), copy=True)
        return data.reshape([int(s) for s in found["shape"]])

    def reset(self) -> None:
        """Reset stateful operators (variables) to their initial values."""
        self._interp.reset()


def tflm_invoke(
    model: ModelSource, inputs: Sequence[Any], arena_size: int = DEFAULT_ARENA_SIZE
) -> list[np.ndarray]:
    """One-shot TFLM inference. For many inputs, keep a TflmReference instead."""
    return TflmReference(model, arena_size).invoke(inputs)


_ALLOC_RE = re.compile(r"Arena allocation (total|head|tail) (\d+) bytes")

_USAGE_SCRIPT = """
import sys
import numpy as np
from tflite_micro import runtime
interp = runtime.Interpreter.from_file(sys.argv[1], arena_size=int(sys.argv[2]))
for i in range(int(sys.argv[3])):
    d = interp.get_input_details(i)
    interp.set_input(np.zeros([int(s) for s in d["shape"]], dtype=d["dtype"]), i)
interp.invoke()
sys.stderr.flush()
interp.print_allocations()
"""


def tflm_arena_usage(
    model: ModelSource, arena_size: int = DEFAULT_ARENA_SIZE, timeout: float = 120.0
) -> dict[str, int]:
    """TFLM's arena use on this host: {"total", "head", "tail"} in bytes.

    Runs TFLM in a child process (it can crash) and parses `print_allocations()`, which TFLM
    writes to the C-level stderr. Note: host figures (64-bit pointers) exceed a 32-bit MCU's.
    """
    data = _model_bytes(model)
    n_inputs, _ = _io_counts(data)
    tmp: str | None = None
    if isinstance(model, (bytes, bytearray, memoryview)):
        fd, tmp = tempfile.mkstemp(suffix=".tflite")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        path = tmp
    else:
        path = str(model)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _USAGE_SCRIPT, path, str(arena_size), str(n_inputs)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        if tmp is not None:
            os.unlink(tmp)
    found = {m.group(1): int(m.group(2)) for m in _ALLOC_RE.finditer(proc.stderr + proc.stdout)}
    if proc.returncode != 0 or set(found) != {"total", "head", "tail"}:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RuntimeError(
            f"TFLM could not report arena usage for {path} (exit {proc.returncode}): "
            + " | ".join(tail)
        )
    return found
