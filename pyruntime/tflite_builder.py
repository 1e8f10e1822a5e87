"""Write TFLite flatbuffer models (schema version 3) with the `flatbuffers` Builder.

Meant for tests and demo models: single-operator and small multi-operator int8 graphs, one
subgraph. No TensorFlow involved. Table slot numbers below follow the field order of the TFLite
schema (slot n = vtable offset 4 + 2n).

Typical use::

    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 8], "int8", scale=0.1, zero_point=-3)
    y = mb.add_tensor("y", [1, 8], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x]); mb.set_outputs([y])
    tflite_bytes = mb.build()
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import ClassVar, Protocol, Sequence, Union

import flatbuffers
import numpy as np

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"
BUFFER_ALIGNMENT = 16  # the converter aligns Buffer.data to 16 bytes (force_align)


class TensorType(IntEnum):
    """tflite.TensorType values used here."""

    FLOAT32 = 0
    FLOAT16 = 1
    INT32 = 2
    UINT8 = 3
    INT64 = 4
    BOOL = 6
    INT16 = 7
    INT8 = 9


class Padding(IntEnum):
    SAME = 0
    VALID = 1


class Activation(IntEnum):
    """tflite.ActivationFunctionType."""

    NONE = 0
    RELU = 1
    RELU_N1_TO_1 = 2
    RELU6 = 3
    TANH = 4
    SIGN_BIT = 5


class BuiltinOp(IntEnum):
    """A subset of tflite.BuiltinOperator. Any other code can be passed as a plain int."""

    ADD = 0
    AVERAGE_POOL_2D = 1
    CONCATENATION = 2
    CONV_2D = 3
    DEPTHWISE_CONV_2D = 4
    DEQUANTIZE = 6
    FULLY_CONNECTED = 9
    L2_POOL_2D = 12
    LOGISTIC = 14
    MAX_POOL_2D = 17
    MUL = 18
    RELU = 19
    RELU6 = 21
    RESHAPE = 22
    SOFTMAX = 25
    TANH = 28
    PAD = 34
    TRANSPOSE = 39
    MEAN = 40
    SUB = 41
    SQUEEZE = 43
    STRIDED_SLICE = 45
    LOG_SOFTMAX = 50
    PRELU = 54
    MAXIMUM = 55
    ARG_MAX = 56
    MINIMUM = 57
    PADV2 = 60
    EXPAND_DIMS = 70
    ABS = 101
    LEAKY_RELU = 98
    SQUARED_DIFFERENCE = 99
    QUANTIZE = 114
    HARD_SWISH = 117
    BATCH_MATMUL = 126
    CUMSUM = 128
    DEPTH_TO_SPACE = 5
    RESIZE_BILINEAR = 23
    SPACE_TO_DEPTH = 26
    SPLIT = 49
    SLICE = 65
    TRANSPOSE_CONV = 67
    ARG_MIN = 79
    PACK = 83
    UNPACK = 88
    RESIZE_NEAREST_NEIGHBOR = 97
    SPLIT_V = 102


_NUMPY_DTYPES: dict[TensorType, type] = {
    TensorType.FLOAT32: np.float32,
    TensorType.FLOAT16: np.float16,
    TensorType.INT32: np.int32,
    TensorType.UINT8: np.uint8,
    TensorType.INT64: np.int64,
    TensorType.BOOL: np.bool_,
    TensorType.INT16: np.int16,
    TensorType.INT8: np.int8,
}

DTypeLike = Union[TensorType, str, type, np.dtype]


def to_tensor_type(dtype: DTypeLike) -> TensorType:
    """Accept TensorType, a name ("int8") or a numpy dtype (np.int8)."""
    if isinstance(dtype, TensorType):
        return dtype
    if isinstance(dtype, str) and dtype.upper() in TensorType.__members__:
        return TensorType[dtype.upper()]
    np_dtype = np.dtype(dtype)
    for ttype, candidate in _NUMPY_DTYPES.items():
        if np.dtype(candidate) == np_dtype:
            return ttype
    raise ValueError(f"unsupported tensor dtype {dtype!r}")


# --------------------------------------------------------------------------------------------
# Builtin options tables
# --------------------------------------------------------------------------------------------


class BuiltinOptions(Protocol):
    OPTIONS_TYPE: ClassVar[int]  # tflite.BuiltinOptions union tag

    def write(self, fb: flatbuffers.Builder) -> int: ...


@dataclass(frozen=True)
class Conv2DOptions:
    padding: Padding = Padding.SAME
    stride_w: int = 1
    stride_h: int = 1
    activation: Activation = Activation.NONE
    dilation_w: int = 1
    dilation_h: int = 1
    quantized_bias_type: int = 0  # TensorType of a missing bias (int16: INT32 or INT64)
    OPTIONS_TYPE: ClassVar[int] = 1

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(7)
        fb.PrependInt8Slot(0, int(self.padding), 0)
        fb.PrependInt32Slot(1, self.stride_w, 0)
        fb.PrependInt32Slot(2, self.stride_h, 0)
        fb.PrependInt8Slot(3, int(self.activation), 0)
        fb.PrependInt32Slot(4, self.dilation_w, 1)
        fb.PrependInt32Slot(5, self.dilation_h, 1)
        fb.PrependInt8Slot(6, int(self.quantized_bias_type), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class DepthwiseConv2DOptions:
    padding: Padding = Padding.SAME
    stride_w: int = 1
    stride_h: int = 1
    depth_multiplier: int = 1
    activation: Activation = Activation.NONE
    dilation_w: int = 1
    dilation_h: int = 1
    OPTIONS_TYPE: ClassVar[int] = 2

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(7)
        fb.PrependInt8Slot(0, int(self.padding), 0)
        fb.PrependInt32Slot(1, self.stride_w, 0)
        fb.PrependInt32Slot(2, self.stride_h, 0)
        fb.PrependInt32Slot(3, self.depth_multiplier, 0)
        fb.PrependInt8Slot(4, int(self.activation), 0)
        fb.PrependInt32Slot(5, self.dilation_w, 1)
        fb.PrependInt32Slot(6, self.dilation_h, 1)
        return fb.EndObject()


@dataclass(frozen=True)
class Pool2DOptions:
    """AVERAGE_POOL_2D / MAX_POOL_2D / L2_POOL_2D."""

    padding: Padding = Padding.VALID
    stride_w: int = 1
    stride_h: int = 1
    filter_w: int = 1
    filter_h: int = 1
    activation: Activation = Activation.NONE
    OPTIONS_TYPE: ClassVar[int] = 5

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(6)
        fb.PrependInt8Slot(0, int(self.padding), 0)
        fb.PrependInt32Slot(1, self.stride_w, 0)
        fb.PrependInt32Slot(2, self.stride_h, 0)
        fb.PrependInt32Slot(3, self.filter_w, 0)
        fb.PrependInt32Slot(4, self.filter_h, 0)
        fb.PrependInt8Slot(5, int(self.activation), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class FullyConnectedOptions:
    activation: Activation = Activation.NONE
    keep_num_dims: bool = False
    quantized_bias_type: int = 0  # TensorType of a missing bias (int16: INT32 or INT64)
    OPTIONS_TYPE: ClassVar[int] = 8

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(5)
        fb.PrependInt8Slot(0, int(self.activation), 0)
        # slot 1 weights_format: DEFAULT (0) only
        fb.PrependBoolSlot(2, bool(self.keep_num_dims), False)
        fb.PrependInt8Slot(4, int(self.quantized_bias_type), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class SoftmaxOptions:
    beta: float = 1.0
    OPTIONS_TYPE: ClassVar[int] = 9

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(1)
        fb.PrependFloat32Slot(0, float(self.beta), 0.0)
        return fb.EndObject()


@dataclass(frozen=True)
class ConcatenationOptions:
    axis: int = 0
    activation: Activation = Activation.NONE
    OPTIONS_TYPE: ClassVar[int] = 10

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(2)
        fb.PrependInt32Slot(0, self.axis, 0)
        fb.PrependInt8Slot(1, int(self.activation), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class _ActivationOnlyOptions:
    """Tables whose only field we write is fused_activation_function (slot 0)."""

    activation: Activation = Activation.NONE
    OPTIONS_TYPE: ClassVar[int] = 0
    NUM_FIELDS: ClassVar[int] = 1

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(self.NUM_FIELDS)
        fb.PrependInt8Slot(0, int(self.activation), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class AddOptions(_ActivationOnlyOptions):
    OPTIONS_TYPE: ClassVar[int] = 11
    NUM_FIELDS: ClassVar[int] = 2  # fused_activation_function, pot_scale_int16


@dataclass(frozen=True)
class MulOptions(_ActivationOnlyOptions):
    OPTIONS_TYPE: ClassVar[int] = 21


@dataclass(frozen=True)
class SubOptions(_ActivationOnlyOptions):
    OPTIONS_TYPE: ClassVar[int] = 28
    NUM_FIELDS: ClassVar[int] = 2  # fused_activation_function, pot_scale_int16


@dataclass(frozen=True)
class LeakyReluOptions:
    alpha: float = 0.2
    OPTIONS_TYPE: ClassVar[int] = 75

    def write(self, fb: flatbuffers.Builder) -> int:
        fb.StartObject(1)
        fb.PrependFloat32Slot(0, float(self.alpha), 0.0)
        return fb.EndObject()


@dataclass(frozen=True)
class ReshapeOptions:
    new_shape: tuple[int, ...] = ()
    OPTIONS_TYPE: ClassVar[int] = 17

    def write(self, fb: flatbuffers.Builder) -> int:
        shape_vec = _int32_vector(fb, self.new_shape)
        fb.StartObject(1)
        fb.PrependUOffsetTRelativeSlot(0, shape_vec, 0)
        return fb.EndObject()


@dataclass(frozen=True)
class _ScalarFieldsOptions:
    """Tables of scalar fields written in declaration order; FIELD_KINDS gives each slot's
    width: 'i' int32, 'b' bool, 'B' uint8/enum byte."""

    OPTIONS_TYPE: ClassVar[int] = 0
    FIELD_KINDS: ClassVar[str] = ""

    def write(self, fb: flatbuffers.Builder) -> int:
        names = [f.name for f in fields(self)]  # declaration order
        fb.StartObject(len(names))
        for slot, (name, kind) in enumerate(zip(names, self.FIELD_KINDS)):
            value = getattr(self, name)
            if kind == "b":
                fb.PrependBoolSlot(slot, bool(value), False)
            elif kind == "B":
                fb.PrependUint8Slot(slot, int(value), 0)
            else:
                fb.PrependInt32Slot(slot, int(value), 0)
        return fb.EndObject()


@dataclass(frozen=True)
class StridedSliceOptions(_ScalarFieldsOptions):
    begin_mask: int = 0
    end_mask: int = 0
    ellipsis_mask: int = 0
    new_axis_mask: int = 0
    shrink_axis_mask: int = 0
    offset: bool = False
    OPTIONS_TYPE: ClassVar[int] = 32
    FIELD_KINDS: ClassVar[str] = "iiiiib"


@dataclass(frozen=True)
class SplitOptions(_ScalarFieldsOptions):
    num_splits: int = 1
    OPTIONS_TYPE: ClassVar[int] = 35
    FIELD_KINDS: ClassVar[str] = "i"


@dataclass(frozen=True)
class SplitVOptions(_ScalarFieldsOptions):
    num_splits: int = 1
    OPTIONS_TYPE: ClassVar[int] = 79
    FIELD_KINDS: ClassVar[str] = "i"


@dataclass(frozen=True)
class PackOptions(_ScalarFieldsOptions):
    values_count: int = 1
    axis: int = 0
    OPTIONS_TYPE: ClassVar[int] = 59
    FIELD_KINDS: ClassVar[str] = "ii"


@dataclass(frozen=True)
class UnpackOptions(_ScalarFieldsOptions):
    num: int = 1
    axis: int = 0
    OPTIONS_TYPE: ClassVar[int] = 64
    FIELD_KINDS: ClassVar[str] = "ii"


@dataclass(frozen=True)
class ResizeNearestNeighborOptions(_ScalarFieldsOptions):
    align_corners: bool = False
    half_pixel_centers: bool = False
    OPTIONS_TYPE: ClassVar[int] = 74
    FIELD_KINDS: ClassVar[str] = "bb"


@dataclass(frozen=True)
class ResizeBilinearOptions(_ScalarFieldsOptions):
    new_height: int = 0  # deprecated slots 0 and 1
    new_width: int = 0
    align_corners: bool = False
    half_pixel_centers: bool = False
    OPTIONS_TYPE: ClassVar[int] = 15
    FIELD_KINDS: ClassVar[str] = "iibb"


@dataclass(frozen=True)
class TransposeConvOptions(_ScalarFieldsOptions):
    padding: Padding = Padding.SAME
    stride_w: int = 1
    stride_h: int = 1
    fused_activation_function: Activation = Activation.NONE
    quantized_bias_type: int = 0
    OPTIONS_TYPE: ClassVar[int] = 49
    FIELD_KINDS: ClassVar[str] = "BiiBB"


@dataclass(frozen=True)
class BatchMatMulOptions(_ScalarFieldsOptions):
    adj_x: bool = False
    adj_y: bool = False
    asymmetric_quantize_inputs: bool = False
    OPTIONS_TYPE: ClassVar[int] = 101
    FIELD_KINDS: ClassVar[str] = "bbb"


@dataclass(frozen=True)
class SpaceToDepthOptions(_ScalarFieldsOptions):
    block_size: int = 2
    OPTIONS_TYPE: ClassVar[int] = 19
    FIELD_KINDS: ClassVar[str] = "i"


@dataclass(frozen=True)
class DepthToSpaceOptions(_ScalarFieldsOptions):
    block_size: int = 2
    OPTIONS_TYPE: ClassVar[int] = 94
    FIELD_KINDS: ClassVar[str] = "i"


@dataclass(frozen=True)
class ArgMaxOptions(_ScalarFieldsOptions):
    output_type: int = 2  # TensorType.INT32
    OPTIONS_TYPE: ClassVar[int] = 40
    FIELD_KINDS: ClassVar[str] = "B"


@dataclass(frozen=True)
class ArgMinOptions(_ScalarFieldsOptions):
    output_type: int = 2  # TensorType.INT32
    OPTIONS_TYPE: ClassVar[int] = 57
    FIELD_KINDS: ClassVar[str] = "B"


@dataclass(frozen=True)
class ReducerOptions(_ScalarFieldsOptions):
    keep_dims: bool = False
    OPTIONS_TYPE: ClassVar[int] = 27
    FIELD_KINDS: ClassVar[str] = "b"


@dataclass(frozen=True)
class SqueezeOptions:
    squeeze_dims: tuple[int, ...] = ()
    OPTIONS_TYPE: ClassVar[int] = 30

    def write(self, fb: flatbuffers.Builder) -> int:
        dims = _int32_vector(fb, self.squeeze_dims)
        fb.StartObject(1)
        fb.PrependUOffsetTRelativeSlot(0, dims, 0)
        return fb.EndObject()


# Which options table each builtin operator takes (only the ones with typed helpers).
_OPTIONS_FOR_OP: dict[int, type] = {
    BuiltinOp.CONV_2D: Conv2DOptions,
    BuiltinOp.DEPTHWISE_CONV_2D: DepthwiseConv2DOptions,
    BuiltinOp.AVERAGE_POOL_2D: Pool2DOptions,
    BuiltinOp.MAX_POOL_2D: Pool2DOptions,
    BuiltinOp.L2_POOL_2D: Pool2DOptions,
    BuiltinOp.FULLY_CONNECTED: FullyConnectedOptions,
    BuiltinOp.SOFTMAX: SoftmaxOptions,
    BuiltinOp.CONCATENATION: ConcatenationOptions,
    BuiltinOp.ADD: AddOptions,
    BuiltinOp.MUL: MulOptions,
    BuiltinOp.SUB: SubOptions,
    BuiltinOp.LEAKY_RELU: LeakyReluOptions,
    BuiltinOp.RESHAPE: ReshapeOptions,
    BuiltinOp.STRIDED_SLICE: StridedSliceOptions,
    BuiltinOp.SPLIT: SplitOptions,
    BuiltinOp.SPLIT_V: SplitVOptions,
    BuiltinOp.PACK: PackOptions,
    BuiltinOp.UNPACK: UnpackOptions,
    BuiltinOp.RESIZE_NEAREST_NEIGHBOR: ResizeNearestNeighborOptions,
    BuiltinOp.RESIZE_BILINEAR: ResizeBilinearOptions,
    BuiltinOp.SPACE_TO_DEPTH: SpaceToDepthOptions,
    BuiltinOp.DEPTH_TO_SPACE: DepthToSpaceOptions,
    BuiltinOp.ARG_MAX: ArgMaxOptions,
    BuiltinOp.ARG_MIN: ArgMinOptions,
    BuiltinOp.MEAN: ReducerOptions,
    BuiltinOp.SQUEEZE: SqueezeOptions,
    BuiltinOp.TRANSPOSE_CONV: TransposeConvOptions,
    BuiltinOp.BATCH_MATMUL: BatchMatMulOptions,
}

# Operator version the TF converter gives when the first input is int8 (op_version.cc).
_INT8_VERSIONS: dict[int, int] = {
    BuiltinOp.CONV_2D: 3,
    BuiltinOp.DEPTHWISE_CONV_2D: 3,
    BuiltinOp.FULLY_CONNECTED: 4,
    BuiltinOp.AVERAGE_POOL_2D: 2,
    BuiltinOp.MAX_POOL_2D: 2,
    BuiltinOp.ADD: 2,
    BuiltinOp.SUB: 2,
    BuiltinOp.MUL: 2,
    BuiltinOp.SOFTMAX: 2,
    BuiltinOp.CONCATENATION: 2,
    BuiltinOp.TANH: 2,
    BuiltinOp.LOGISTIC: 2,
    BuiltinOp.SQUARED_DIFFERENCE: 2,
    BuiltinOp.RELU: 2,
    BuiltinOp.RELU6: 2,
    BuiltinOp.MEAN: 2,
    BuiltinOp.PAD: 2,
    BuiltinOp.PADV2: 2,
    BuiltinOp.TRANSPOSE: 2,
    BuiltinOp.DEQUANTIZE: 2,
    BuiltinOp.MAXIMUM: 2,
    BuiltinOp.MINIMUM: 2,
    BuiltinOp.ARG_MAX: 2,
    BuiltinOp.STRIDED_SLICE: 2,
    BuiltinOp.ABS: 2,
}


def _int32_vector(fb: flatbuffers.Builder, values: Sequence[int]) -> int:
    return fb.CreateNumpyVector(np.asarray(values, dtype=np.int32).reshape(-1))


def _offset_vector(fb: flatbuffers.Builder, offsets: Sequence[int]) -> int:
    fb.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        fb.PrependUOffsetTRelative(off)
    return fb.EndVector()


def _aligned_bytes(fb: flatbuffers.Builder, data: bytes) -> int:
    """A [ubyte] vector whose first element is BUFFER_ALIGNMENT-aligned in the final file."""
    fb.Prep(BUFFER_ALIGNMENT, len(data))
    return fb.CreateByteVector(data)


# --------------------------------------------------------------------------------------------
# Model builder
# --------------------------------------------------------------------------------------------


@dataclass
class _Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: TensorType
    buffer: int
    scale: tuple[float, ...] | None
    zero_point: tuple[int, ...] | None
    quantized_dimension: int


@dataclass
class _Operator:
    opcode_index: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: BuiltinOptions | None


@dataclass
class ModelBuilder:
    """Collects tensors, buffers and operators of one subgraph, then serializes them."""

    description: str = "pyruntime tflite_builder"
    subgraph_name: str = "main"
    _buffers: list[bytes] = field(default_factory=lambda: [b""])  # buffer 0: empty sentinel
    _tensors: list[_Tensor] = field(default_factory=list)
    _opcodes: list[tuple[int, int]] = field(default_factory=list)  # (builtin code, version)
    _operators: list[_Operator] = field(default_factory=list)
    _inputs: list[int] = field(default_factory=list)
    _outputs: list[int] = field(default_factory=list)

    # ---- tensors --------------------------------------------------------------------------

    def add_buffer(self, data: bytes) -> int:
        """Append a raw buffer; returns its index (>= 1)."""
        self._buffers.append(bytes(data))
        return len(self._buffers) - 1

    def add_tensor(
        self,
        name: str,
        shape: Sequence[int],
        dtype: DTypeLike,
        data: np.ndarray | Sequence[float] | None = None,
        scale: float | Sequence[float] | np.ndarray | None = None,
        zero_point: int | Sequence[int] | np.ndarray | None = None,
        quantized_dimension: int = 0,
    ) -> int:
        """Add a tensor; returns its index.

        `data` makes it a constant (stored in its own buffer, cast to `dtype`, size checked).
        `scale` alone or with `zero_point` (scalar: per-tensor; sequence: per-channel along
        `quantized_dimension`); zero points default to 0.
        """
        ttype = to_tensor_type(dtype)
        shape_t = tuple(int(d) for d in shape)
        buffer_index = 0
        if data is not None:
            arr: np.ndarray = np.asarray(data).astype(_NUMPY_DTYPES[ttype], copy=False)
            expected = int(np.prod(shape_t)) if shape_t else 1
            if arr.size != expected:
                raise ValueError(
                    f"tensor {name!r}: data has {arr.size} elements, shape {shape_t} needs {expected}"
                )
            little_endian = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"))
            buffer_index = self.add_buffer(little_endian.tobytes())
        scales: tuple[float, ...] | None = None
        zps: tuple[int, ...] | None = None
        if scale is not None:
            scales = tuple(float(s) for s in np.atleast_1d(np.asarray(scale, dtype=np.float64)))
            if zero_point is None:
                zps = (0,) * len(scales)
            else:
                zps = tuple(int(z) for z in np.atleast_1d(np.asarray(zero_point)))
            if len(zps) != len(scales):
                raise ValueError(f"tensor {name!r}: {len(scales)} scales but {len(zps)} zero points")
            if len(scales) > 1:
                axis_ok = 0 <= quantized_dimension < len(shape_t)
                if not axis_ok or shape_t[quantized_dimension] != len(scales):
                    raise ValueError(
                        f"tensor {name!r}: {len(scales)} scales do not match dimension "
                        f"{quantized_dimension} of shape {shape_t}"
                    )
        elif zero_point is not None:
            raise ValueError(f"tensor {name!r}: zero_point given without scale")
        tensor = _Tensor(name, shape_t, ttype, buffer_index, scales, zps, quantized_dimension)
        self._tensors.append(tensor)
        return len(self._tensors) - 1

    def tensor_shape(self, index: int) -> tuple[int, ...]:
        return self._tensors[index].shape

    def tensor_type(self, index: int) -> TensorType:
        return self._tensors[index].dtype

    def tensor_quantization(self, index: int) -> tuple[tuple[float, ...], tuple[int, ...]] | None:
        t = self._tensors[index]
        if t.scale is None or t.zero_point is None:
            return None
        return t.scale, t.zero_point

    # ---- operators ------------------------------------------------------------------------

    def add_operator(
        self,
        op: BuiltinOp | int,
        inputs: Sequence[int],
        outputs: Sequence[int],
        options: BuiltinOptions | None = None,
        version: int | None = None,
    ) -> int:
        """Add an operator; returns its index. Input -1 marks an omitted optional input.

        Operators with a typed options table require it (a default one is used when None).
        Any other builtin code is accepted without options (the generic escape hatch).
        `version` defaults to what the TF converter would write for int8 inputs.
        """
        code = int(op)
        if not 0 <= code <= 1000:
            raise ValueError(f"builtin operator code {code} out of range")
        expected_cls = _OPTIONS_FOR_OP.get(code)
        if options is None and expected_cls is not None:
            options = expected_cls()
        if options is not None and (expected_cls is None or not isinstance(options, expected_cls)):
            want = expected_cls.__name__ if expected_cls else "no options"
            raise TypeError(f"operator {_op_name(code)} takes {want}, got {type(options).__name__}")
        for idx in list(inputs) + list(outputs):
            if idx != -1 and not 0 <= idx < len(self._tensors):
                raise IndexError(f"operator {_op_name(code)}: tensor index {idx} does not exist")
        if version is None:
            version = self._default_version(code, inputs, options)
        key = (code, int(version))
        if key not in self._opcodes:
            self._opcodes.append(key)
        operator = _Operator(self._opcodes.index(key), tuple(inputs), tuple(outputs), options)
        self._operators.append(operator)
        return len(self._operators) - 1

    def _default_version(self, code: int, inputs: Sequence[int], options: BuiltinOptions | None) -> int:
        first = inputs[0] if inputs else -1
        first_is_int8 = first >= 0 and self._tensors[first].dtype == TensorType.INT8
        if code == BuiltinOp.FULLY_CONNECTED:
            if len(inputs) == 2 or (len(inputs) >= 3 and inputs[2] == -1):
                return 6
            if isinstance(options, FullyConnectedOptions) and options.keep_num_dims:
                return 5
        if first_is_int8:
            return _INT8_VERSIONS.get(code, 1)
        return 1

    def set_inputs(self, tensors: Sequence[int]) -> None:
        self._inputs = list(tensors)

    def set_outputs(self, tensors: Sequence[int]) -> None:
        self._outputs = list(tensors)

    # ---- serialization --------------------------------------------------------------------

    def build(self) -> bytes:
        """Serialize to .tflite bytes (deterministic for the same sequence of calls)."""
        if not self._inputs or not self._outputs:
            raise ValueError("set_inputs() and set_outputs() must be called before build()")
        fb = flatbuffers.Builder(1024)
        buffers = [self._write_buffer(fb, data) for data in self._buffers]
        tensors = [self._write_tensor(fb, t) for t in self._tensors]
        operators = [self._write_operator(fb, o) for o in self._operators]
        subgraph = self._write_subgraph(fb, tensors, operators)
        opcodes = [self._write_opcode(fb, code, version) for code, version in self._opcodes]
        description = fb.CreateString(self.description)
        opcodes_vec = _offset_vector(fb, opcodes)
        subgraphs_vec = _offset_vector(fb, [subgraph])
        buffers_vec = _offset_vector(fb, buffers)
        fb.StartObject(8)
        fb.PrependUint32Slot(0, SCHEMA_VERSION, 0)
        fb.PrependUOffsetTRelativeSlot(1, opcodes_vec, 0)
        fb.PrependUOffsetTRelativeSlot(2, subgraphs_vec, 0)
        fb.PrependUOffsetTRelativeSlot(3, description, 0)
        fb.PrependUOffsetTRelativeSlot(4, buffers_vec, 0)
        model = fb.EndObject()
        fb.Finish(model, file_identifier=FILE_IDENTIFIER)
        return bytes(fb.Output())

    @staticmethod
    def _write_buffer(fb: flatbuffers.Builder, data: bytes) -> int:
        data_vec = _aligned_bytes(fb, data) if data else None
        fb.StartObject(3)
        if data_vec is not None:
            fb.PrependUOffsetTRelativeSlot(0, data_vec, 0)
        return fb.EndObject()

    @staticmethod
    def _write_quantization(fb: flatbuffers.Builder, t: _Tensor) -> int | None:
        if t.scale is None or t.zero_point is None:
            return None
        scale_vec = fb.CreateNumpyVector(np.asarray(t.scale, dtype=np.float32))
        zp_vec = fb.CreateNumpyVector(np.asarray(t.zero_point, dtype=np.int64))
        fb.StartObject(7)
        fb.PrependUOffsetTRelativeSlot(2, scale_vec, 0)
        fb.PrependUOffsetTRelativeSlot(3, zp_vec, 0)
        fb.PrependInt32Slot(6, t.quantized_dimension, 0)
        return fb.EndObject()

    def _write_tensor(self, fb: flatbuffers.Builder, t: _Tensor) -> int:
        quant = self._write_quantization(fb, t)
        name = fb.CreateString(t.name)
        shape = _int32_vector(fb, t.shape)
        fb.StartObject(10)
        fb.PrependUOffsetTRelativeSlot(0, shape, 0)
        fb.PrependInt8Slot(1, int(t.dtype), 0)
        fb.PrependUint32Slot(2, t.buffer, 0)
        fb.PrependUOffsetTRelativeSlot(3, name, 0)
        if quant is not None:
            fb.PrependUOffsetTRelativeSlot(4, quant, 0)
        return fb.EndObject()

    @staticmethod
    def _write_operator(fb: flatbuffers.Builder, o: _Operator) -> int:
        options = o.options.write(fb) if o.options is not None else None
        inputs = _int32_vector(fb, o.inputs)
        outputs = _int32_vector(fb, o.outputs)
        fb.StartObject(9)
        fb.PrependUint32Slot(0, o.opcode_index, 0)
        fb.PrependUOffsetTRelativeSlot(1, inputs, 0)
        fb.PrependUOffsetTRelativeSlot(2, outputs, 0)
        if options is not None and o.options is not None:
            fb.PrependUint8Slot(3, o.options.OPTIONS_TYPE, 0)
            fb.PrependUOffsetTRelativeSlot(4, options, 0)
        return fb.EndObject()

    def _write_subgraph(self, fb: flatbuffers.Builder, tensors: list[int], operators: list[int]) -> int:
        tensors_vec = _offset_vector(fb, tensors)
        inputs_vec = _int32_vector(fb, self._inputs)
        outputs_vec = _int32_vector(fb, self._outputs)
        operators_vec = _offset_vector(fb, operators)
        name = fb.CreateString(self.subgraph_name)
        fb.StartObject(5)
        fb.PrependUOffsetTRelativeSlot(0, tensors_vec, 0)
        fb.PrependUOffsetTRelativeSlot(1, inputs_vec, 0)
        fb.PrependUOffsetTRelativeSlot(2, outputs_vec, 0)
        fb.PrependUOffsetTRelativeSlot(3, operators_vec, 0)
        fb.PrependUOffsetTRelativeSlot(4, name, 0)
        return fb.EndObject()

    @staticmethod
    def _write_opcode(fb: flatbuffers.Builder, code: int, version: int) -> int:
        fb.StartObject(4)
        fb.PrependInt8Slot(0, min(code, 127), 0)  # deprecated_builtin_code
        fb.PrependInt32Slot(2, version, 1)
        fb.PrependInt32Slot(3, code, 0)  # builtin_code
        return fb.EndObject()


def _op_name(code: int) -> str:
    try:
        return BuiltinOp(code).name
    except ValueError:
        return f"builtin #{code}"


# --------------------------------------------------------------------------------------------
# Quantization helpers (TFLite int8 conventions)
# --------------------------------------------------------------------------------------------


def quantize_per_channel_symmetric(weights: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 weights in [-127, 127], one scale per index of `axis`.

    Returns (int8 weights, float32 scales). An all-zero channel gets scale 1.0 (as the
    converter does, avoiding division by zero).
    """
    w = np.asarray(weights, dtype=np.float64)
    axis = axis % w.ndim
    reduce_axes = tuple(i for i in range(w.ndim) if i != axis)
    max_abs = np.max(np.abs(w), axis=reduce_axes)
    scales = np.where(max_abs > 0, max_abs / 127.0, 1.0).astype(np.float32)
    bshape = [1] * w.ndim
    bshape[axis] = -1
    q = round_half_away(w / scales.astype(np.float64).reshape(bshape))
    return np.clip(q, -127, 127).astype(np.int8), scales


def quantize_per_tensor_symmetric(weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Symmetric int8 weights in [-127, 127] with one scale."""
    w = np.asarray(weights, dtype=np.float64)
    max_abs = float(np.max(np.abs(w))) if w.size else 0.0
    scale = float(np.float32(max_abs / 127.0 if max_abs > 0 else 1.0))
    return np.clip(round_half_away(w / scale), -127, 127).astype(np.int8), scale


def quantize_bias(
    bias: np.ndarray, input_scale: float, weight_scales: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """int32 bias with scale input_scale * weight_scale (per channel). Returns (q, scales)."""
    b = np.asarray(bias, dtype=np.float64)
    w_scales = np.asarray(weight_scales, dtype=np.float32).astype(np.float64)
    scales = np.float64(np.float32(input_scale)) * w_scales
    scales = np.broadcast_to(scales, b.shape)
    q = round_half_away(b / scales)
    info = np.iinfo(np.int32)
    return np.clip(q, info.min, info.max).astype(np.int32), scales.astype(np.float32)


def activation_qparams(rmin: float, rmax: float, qmin: int = -128, qmax: int = 127) -> tuple[float, int]:
    """Asymmetric (scale, zero_point) covering [rmin, rmax] (widened to include 0), with the
    zero point nudged to an integer as TF's quantizer does."""
    rmin = min(float(rmin), 0.0)
    rmax = max(float(rmax), 0.0)
    if rmax == rmin:
        return 1.0, 0
    scale = float(np.float32((rmax - rmin) / (qmax - qmin)))
    zp_from_min = qmin - rmin / scale
    zero_point = int(np.clip(round_half_away(np.float64(zp_from_min)), qmin, qmax))
    return scale, zero_point


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype: DTypeLike = np.int8) -> np.ndarray:
    """q = clamp(round(x / scale) + zero_point) (rounding half away from zero)."""
    np_dtype = np.dtype(_NUMPY_DTYPES[to_tensor_type(dtype)])
    info = np.iinfo(np_dtype)  # type: ignore[type-var]  # integer types only (checked by iinfo)
    q = round_half_away(np.asarray(x, dtype=np.float64) / np.float64(np.float32(scale))) + zero_point
    return np.clip(q, info.min, info.max).astype(np_dtype)


def dequantize(q: np.ndarray, scale: float | np.ndarray, zero_point: int | np.ndarray) -> np.ndarray:
    centered = np.asarray(q, dtype=np.float64) - np.asarray(zero_point, dtype=np.float64)
    return centered * np.asarray(scale, dtype=np.float64)


def round_half_away(x: np.ndarray | float) -> np.ndarray:
    """Round half away from zero (TFLite's rounding), unlike numpy's half-to-even."""
    a = np.asarray(x, dtype=np.float64)
    return np.sign(a) * np.floor(np.abs(a) + 0.5)


def conv_output_size(
    in_size: int, filter_size: int, stride: int, dilation: int, padding: Padding
) -> int:
    """Spatial output size as TFLite computes it."""
    effective = (filter_size - 1) * dilation + 1
    if padding == Padding.SAME:
        return (in_size + stride - 1) // stride
    return (in_size - effective + stride) // stride


# --------------------------------------------------------------------------------------------
# Ready-made models
# --------------------------------------------------------------------------------------------


def unsupported_op_model(op: BuiltinOp = BuiltinOp.CUMSUM) -> bytes:
    """A valid int8 model built around one operator (all run in TFLM).

    op=CUMSUM (default; the engine does not support it): x int8 [1,16], axis int32 const [1]
    -> CUMSUM -> y (same quantization as x).
    op=TANH: x int8 [1,16] -> TANH -> y (scale 1/128, zp 0, as TFLite requires).
    op=SQUARED_DIFFERENCE: (a, b) int8 [1,16] -> SQUARED_DIFFERENCE -> y.
    TANH and SQUARED_DIFFERENCE were unsupported by the engine's first version; they are now.
    """
    mb = ModelBuilder(description=f"pyruntime test model: {BuiltinOp(op).name}")
    a = mb.add_tensor("a", [1, 16], np.int8, scale=0.05, zero_point=3)
    if op == BuiltinOp.CUMSUM:
        axis = mb.add_tensor("axis", [1], np.int32, data=np.array([1], dtype=np.int32))
        y = mb.add_tensor("y", [1, 16], np.int8, scale=0.05, zero_point=3)
        mb.add_operator(BuiltinOp.CUMSUM, [a, axis], [y])
        mb.set_inputs([a])
    elif op == BuiltinOp.TANH:
        y = mb.add_tensor("y", [1, 16], np.int8, scale=1.0 / 128, zero_point=0)
        mb.add_operator(BuiltinOp.TANH, [a], [y])
        mb.set_inputs([a])
    elif op == BuiltinOp.SQUARED_DIFFERENCE:
        b = mb.add_tensor("b", [1, 16], np.int8, scale=0.04, zero_point=-5)
        y = mb.add_tensor("y", [1, 16], np.int8, scale=0.2, zero_point=-128)
        mb.add_operator(BuiltinOp.SQUARED_DIFFERENCE, [a, b], [y])
        mb.set_inputs([a, b])
    else:
        raise ValueError(f"no ready-made model for {op!r}")
    mb.set_outputs([y])
    return mb.build()
