"""Read a `.tflite` flatbuffer into the IR (`pyruntime.ir.Graph`), without TensorFlow."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import tflite

from .errors import ModelReadError
from .ir import Graph, Op, Tensor

BUILTIN_NAMES: dict[int, str] = {
    v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")
}
BUILTIN_CODES: dict[str, int] = {v: k for k, v in BUILTIN_NAMES.items()}
_TENSOR_TYPES: dict[int, str] = {
    v: k.lower() for k, v in vars(tflite.TensorType).items() if not k.startswith("_")
}
_OPTION_CLASSES: dict[int, str] = {
    v: k for k, v in vars(tflite.BuiltinOptions).items() if not k.startswith("_")
}
_NUMPY_TYPES: dict[str, str] = {
    "int8": "i1", "uint8": "u1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
    "float32": "<f4", "float16": "<f2", "float64": "<f8", "bool": "?", "uint16": "<u2",
    "uint32": "<u4", "uint64": "<u8",
}
_ENUM_OPTIONS = {
    "Padding": {v: k for k, v in vars(tflite.Padding).items() if not k.startswith("_")},
    "FusedActivationFunction": {
        v: k for k, v in vars(tflite.ActivationFunctionType).items() if not k.startswith("_")
    },
}


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _read_options(op: Any) -> dict[str, Any]:
    """All fields of an operator's builtin options table, as a snake_case dict."""
    kind = op.BuiltinOptionsType()
    if kind == 0 or op.BuiltinOptions() is None:
        return {}
    cls_name = _OPTION_CLASSES.get(kind)
    cls = getattr(tflite, cls_name, None) if cls_name else None
    if cls is None:
        return {}
    table = op.BuiltinOptions()
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    out: dict[str, Any] = {}
    for attr in dir(cls):
        if attr.startswith("_") or attr in ("Init",) or attr.startswith("GetRootAs"):
            continue
        if attr.endswith(("IsNone", "Length", "AsNumpy")) or "BufferHasIdentifier" in attr:
            continue
        fn = getattr(opts, attr)
        if not callable(fn):
            continue
        if hasattr(opts, attr + "AsNumpy"):
            value: Any = [int(v) for v in np.atleast_1d(getattr(opts, attr + "AsNumpy")())] \
                if getattr(opts, attr + "Length")() else []
        else:
            try:
                value = fn()
            except TypeError:
                continue
        if attr in _ENUM_OPTIONS:
            value = _ENUM_OPTIONS[attr].get(value, value)
        out[_snake(attr)] = value
    return out


def _buffer_bytes(model: Any, buf_index: int, raw: bytes) -> bytes | None:
    if buf_index <= 0 or buf_index >= model.BuffersLength():
        return None
    buf = model.Buffers(buf_index)
    if buf is None:
        return None
    offset = buf.Offset() if hasattr(buf, "Offset") else 0
    if offset > 1:  # data stored after the flatbuffer (large models)
        size = buf.Size()
        if offset + size > len(raw):
            raise ModelReadError(f"buffer {buf_index} lies outside the file ({offset}+{size} > {len(raw)})")
        return raw[offset:offset + size]
    if buf.DataLength() == 0:
        return None
    return buf.DataAsNumpy().tobytes()


def read_tflite(model: str | Path | bytes) -> Graph:
    """Parse a TFLite model (path or bytes) into a Graph. Raises ModelReadError."""
    raw = Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model)
    if len(raw) < 8:
        raise ModelReadError(f"model is {len(raw)} bytes: too short to be a .tflite file")
    if raw[4:8] != b"TFL3":
        raise ModelReadError("not a TFLite model (file identifier is not 'TFL3')")
    try:
        m = tflite.Model.GetRootAsModel(raw, 0)
        return _read_graph(m, raw)
    except ModelReadError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # the generated reader raises on corrupt offsets
        raise ModelReadError(f"corrupt TFLite flatbuffer: {type(exc).__name__}: {exc}") from exc


def _count(n: int, what: str, raw: bytes, elem_bytes: int = 4) -> int:
    """A vector length read from the file, checked against the file size: each element takes at
    least `elem_bytes` bytes, so a corrupt length cannot make the reader loop for hours."""
    if n < 0 or n * elem_bytes > len(raw):
        raise ModelReadError(f"corrupt TFLite flatbuffer: {what} claims {n} entries in a "
                             f"{len(raw)}-byte file")
    return n


def _indices(values: Any, n_tensors: int, what: str) -> list[int]:
    out = [int(x) for x in values]
    for t in out:
        if not -1 <= t < n_tensors:
            raise ModelReadError(f"{what} refers to tensor {t}; the model has {n_tensors} tensors")
    return out


def _read_graph(m: Any, raw: bytes) -> Graph:
    n_sub = _count(m.SubgraphsLength(), "the subgraph list", raw)
    if n_sub < 1:
        raise ModelReadError("model has no subgraph")
    if n_sub > 1:
        raise ModelReadError(
            f"model has {n_sub} subgraphs; only single-subgraph models are supported "
            "(control flow such as WHILE/IF is not)")
    sg = m.Subgraphs(0)
    n_codes = _count(m.OperatorCodesLength(), "the operator code list", raw)
    _count(m.BuffersLength(), "the buffer list", raw)
    tensors: list[Tensor] = []
    for i in range(_count(sg.TensorsLength(), "the tensor list", raw)):
        t = sg.Tensors(i)
        dtype = _TENSOR_TYPES.get(t.Type(), f"type{t.Type()}")
        name = t.Name().decode("utf-8", "replace") if t.Name() else f"t{i}"
        where = f"tensor {i} '{name}'"
        rank = _count(t.ShapeLength(), f"{where}: the shape", raw)
        shape = tuple(int(d) for d in t.ShapeAsNumpy()) if rank else ()
        if t.Sparsity() is not None:
            raise ModelReadError(f"{where} is sparse; sparse tensors are not supported")
        data = None
        payload = _buffer_bytes(m, t.Buffer(), raw)
        if payload is not None:
            npt = _NUMPY_TYPES.get(dtype)
            if npt is None:
                raise ModelReadError(f"{where}: constant of unsupported type {dtype}")
            if any(d < 0 for d in shape):
                raise ModelReadError(f"{where}: constant with a negative dimension {list(shape)}")
            itemsize = np.dtype(npt).itemsize
            if len(payload) % itemsize:
                raise ModelReadError(f"{where}: buffer of {len(payload)} bytes is not a whole "
                                     f"number of {dtype} elements")
            arr = np.frombuffer(payload, dtype=npt)
            count = 1
            for d in shape:  # Python ints: a corrupt shape cannot wrap around like int64
                count *= d
            if arr.size != count:
                raise ModelReadError(
                    f"{where}: buffer holds {arr.size} elements, shape {list(shape)} needs {count}")
            data = arr.reshape(shape).copy()
        scales = zps = None
        qdim = 0
        q = t.Quantization()
        if q is not None and _count(q.ScaleLength(), f"{where}: the scale list", raw) > 0:
            scales = np.asarray(q.ScaleAsNumpy(), dtype=np.float32).copy()
            n_zp = _count(q.ZeroPointLength(), f"{where}: the zero point list", raw, 8)
            zps = (np.asarray(q.ZeroPointAsNumpy(), dtype=np.int64).copy() if n_zp
                   else np.zeros(len(scales), dtype=np.int64))
            if len(zps) != len(scales):
                raise ModelReadError(f"{where}: {len(scales)} scales but {len(zps)} zero points")
            qdim = int(q.QuantizedDimension())
            if len(scales) == 1:
                qdim = 0  # quirk of real files: a per-tensor scale with a stray quantized_dimension
            elif not 0 <= qdim < len(shape) or shape[qdim] != len(scales):
                raise ModelReadError(
                    f"{where}: {len(scales)} per-channel scales along dimension {qdim} of shape "
                    f"{list(shape)}")
        tensors.append(Tensor(i, name, dtype, shape, data, scales, zps, qdim))

    ops: list[Op] = []
    for i in range(_count(sg.OperatorsLength(), "the operator list", raw)):
        op = sg.Operators(i)
        code_index = op.OpcodeIndex()
        if not 0 <= code_index < n_codes:
            raise ModelReadError(f"operator {i} uses operator code {code_index}; the model has "
                                 f"{n_codes}")
        oc = m.OperatorCodes(code_index)
        code = max(int(oc.BuiltinCode()), int(oc.DeprecatedBuiltinCode()))
        name = BUILTIN_NAMES.get(code, f"BUILTIN_{code}")
        if name == "CUSTOM":
            custom = oc.CustomCode()
            name = f"CUSTOM:{custom.decode('utf-8', 'replace') if custom else '?'}"
        what = f"operator {i} ({name})"
        n_in = _count(op.InputsLength(), f"{what}: the input list", raw)
        n_out = _count(op.OutputsLength(), f"{what}: the output list", raw)
        inputs = _indices(op.InputsAsNumpy(), len(tensors), what) if n_in else []
        outputs = _indices(op.OutputsAsNumpy(), len(tensors), what) if n_out else []
        if -1 in outputs:
            raise ModelReadError(f"{what} has an absent (-1) output")
        ops.append(Op(i, name, code, int(oc.Version()), inputs, outputs, _read_options(op)))

    n_gin = _count(sg.InputsLength(), "the model input list", raw)
    n_gout = _count(sg.OutputsLength(), "the model output list", raw)
    g_in = _indices(sg.InputsAsNumpy(), len(tensors), "model input list") if n_gin else []
    g_out = _indices(sg.OutputsAsNumpy(), len(tensors), "model output list") if n_gout else []
    if -1 in g_in or -1 in g_out:
        raise ModelReadError("the model input/output list holds -1")
    desc = m.Description().decode("utf-8", "replace") if m.Description() else ""
    return Graph(tensors, ops, g_in, g_out, desc)
