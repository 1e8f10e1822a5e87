"""Property tests of the elementwise binary operators against TFLM, bit for bit: ADD (int16),
SUB, MUL, SQUARED_DIFFERENCE, MINIMUM, MAXIMUM with broadcasting up to 6-D, fused activations,
extreme zero points, scales over several orders of magnitude, int8 and int16."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from opcheck import Case, check_case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.tflite_builder import (
    Activation,
    AddOptions,
    BuiltinOp,
    ModelBuilder,
    MulOptions,
    SubOptions,
)

ACTS = [Activation.NONE, Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1]


def qparams(rng: np.random.Generator, dtype: type = np.int8) -> tuple[float, int]:
    """A scale spanning several orders of magnitude; int8 zero points often at the extremes,
    int16 zero point 0 (TFLite's symmetric int16 scheme)."""
    scale = float(np.float32(10.0 ** rng.uniform(-3.5, 0.5)))
    if dtype == np.int16:
        return scale * float(rng.choice([1.0, 1 / 256])), 0
    return scale, int(rng.choice([-128, 127, 0, int(rng.integers(-128, 128))]))


def random_ints(rng: np.random.Generator, shape: list[int], dtype: type) -> np.ndarray:
    info = np.iinfo(dtype)
    return rng.integers(info.min, int(info.max) + 1, size=tuple(shape), dtype=dtype)


def broadcast_shapes(rng: np.random.Generator) -> tuple[list[int], list[int], list[int]]:
    rank = int(rng.integers(1, 7))
    full = [int(rng.integers(1, 5 if rank > 4 else 7)) for _ in range(rank)]
    a = [d if rng.random() < 0.7 else 1 for d in full]
    b = [d if rng.random() < 0.7 else 1 for d in full]
    if rng.random() < 0.3:
        b = b[int(rng.integers(0, rank)):]  # lower rank (possibly a scalar), right-aligned
    if rng.random() < 0.3:
        a, b = b, a
    ra, rb = len(a), len(b)
    r = max(ra, rb)
    pa, pb = [1] * (r - ra) + a, [1] * (r - rb) + b
    if rng.random() < 0.4:
        a = b = [max(x, y) for x, y in zip(pa, pb)]
        pa = pb = a
    return a, b, [max(x, y) for x, y in zip(pa, pb)]


def binary_case(op: BuiltinOp, options: Callable[[Activation], object] | None,
                dtypes: tuple[type, ...]) -> Callable[[np.random.Generator], Case]:
    def make(rng: np.random.Generator) -> Case:
        dtype = dtypes[int(rng.integers(0, len(dtypes)))]
        a_shape, b_shape, out = broadcast_shapes(rng)
        mb = ModelBuilder()
        (as_, az), (bs, bz), (ys, yz) = qparams(rng, dtype), qparams(rng, dtype), \
            qparams(rng, dtype)
        if op in (BuiltinOp.ADD, BuiltinOp.SUB):
            # TFLM aborts unless 2 * max input scale < 2^left_shift * output scale
            ys = max(ys, 4 * max(as_, bs) / (1 << (15 if dtype == np.int16 else 20)))
        if op in (BuiltinOp.MINIMUM, BuiltinOp.MAXIMUM):
            as_, az, bs, bz = ys, yz, ys, yz  # TFLite: one quantization for all three
        const_b = rng.random() < 0.25
        b_data = random_ints(rng, b_shape, dtype)
        a = mb.add_tensor("a", a_shape, dtype, scale=as_, zero_point=az)
        b = mb.add_tensor("b", b_shape, dtype, data=b_data if const_b else None, scale=bs,
                          zero_point=bz)
        y = mb.add_tensor("y", out, dtype, scale=ys, zero_point=yz)
        act = ACTS[int(rng.integers(0, 4))]
        mb.add_operator(op, [a, b], [y], options(act) if options else None)
        mb.set_inputs([a] if const_b else [a, b])
        mb.set_outputs([y])
        inputs = [random_ints(rng, a_shape, dtype)] + ([] if const_b else [b_data])
        cfg = dict(dtype=np.dtype(dtype).name, a=a_shape, b=b_shape, out=out,
                   act=act.name if options else None, scales=(as_, bs, ys), zps=(az, bz, yz),
                   const_b=const_b)
        return Case(mb.build(), inputs, cfg)

    return make


def test_add_int16() -> None:
    run_cases("ADD_INT16", binary_case(BuiltinOp.ADD, AddOptions, (np.int16,)))


def test_sub() -> None:
    run_cases("SUB", binary_case(BuiltinOp.SUB, SubOptions, (np.int8, np.int8, np.int16)))


def test_mul() -> None:
    run_cases("MUL", binary_case(BuiltinOp.MUL, MulOptions, (np.int8, np.int8, np.int16)))


def test_squared_difference() -> None:
    run_cases("SQUARED_DIFFERENCE",
              binary_case(BuiltinOp.SQUARED_DIFFERENCE, None, (np.int8, np.int8, np.int16)))


def test_minimum() -> None:
    run_cases("MINIMUM", binary_case(BuiltinOp.MINIMUM, None, (np.int8, np.int8, np.int16)))


def test_maximum() -> None:
    run_cases("MAXIMUM", binary_case(BuiltinOp.MAXIMUM, None, (np.int8, np.int8, np.int16)))


def _refused(model: bytes, *fragments: str) -> None:
    with pytest.raises(ConversionError) as err:
        convert(model)
    assert err.value.op_index == 0
    for f in fragments:
        assert f in str(err.value), str(err.value)


def test_refusals_name_the_parameter() -> None:
    # mixed input types
    mb = ModelBuilder()
    a = mb.add_tensor("a", [1, 4], np.int8, scale=0.1, zero_point=0)
    b = mb.add_tensor("b", [1, 4], np.int16, scale=0.1, zero_point=0)
    y = mb.add_tensor("y", [1, 4], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.SUB, [a, b], [y], SubOptions())
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    _refused(mb.build(), "(SUB)", "types int8, int16")
    # MAXIMUM with differing quantization
    mb = ModelBuilder()
    a = mb.add_tensor("a", [2, 3], np.int8, scale=0.1, zero_point=1)
    b = mb.add_tensor("b", [3], np.int8, scale=0.2, zero_point=1)
    y = mb.add_tensor("y", [2, 3], np.int8, scale=0.1, zero_point=1)
    mb.add_operator(BuiltinOp.MAXIMUM, [a, b], [y])
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    _refused(mb.build(), "(MAXIMUM)", "input 2 'b' quantization")
    # int16 with a non-zero zero point
    mb = ModelBuilder()
    a = mb.add_tensor("a", [4], np.int16, scale=0.01, zero_point=3)
    b = mb.add_tensor("b", [4], np.int16, scale=0.01, zero_point=0)
    y = mb.add_tensor("y", [4], np.int16, scale=0.01, zero_point=0)
    mb.add_operator(BuiltinOp.MUL, [a, b], [y], MulOptions())
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    _refused(mb.build(), "(MUL)", "zero point 3")
    # shapes that do not broadcast
    mb = ModelBuilder()
    a = mb.add_tensor("a", [2, 3], np.int8, scale=0.1, zero_point=0)
    b = mb.add_tensor("b", [2, 4], np.int8, scale=0.1, zero_point=0)
    y = mb.add_tensor("y", [2, 4], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.SQUARED_DIFFERENCE, [a, b], [y])
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    _refused(mb.build(), "(SQUARED_DIFFERENCE)", "do not broadcast")


def test_fused_activation_tanh_refused() -> None:
    mb = ModelBuilder()
    a = mb.add_tensor("a", [4], np.int8, scale=0.1, zero_point=0)
    y = mb.add_tensor("y", [4], np.int8, scale=0.1, zero_point=0)
    mb.add_operator(BuiltinOp.MUL, [a, a], [y], MulOptions(Activation.TANH))
    mb.set_inputs([a])
    mb.set_outputs([y])
    _refused(mb.build(), "(MUL)", "fused_activation_function 'TANH'")


def test_broadcast_rank6_example() -> None:
    """One hand-made 6-D broadcast, both operands broadcast along different axes."""
    rng = np.random.default_rng(1)
    mb = ModelBuilder()
    a_shape, b_shape, out = [2, 1, 3, 1, 2, 3], [1, 2, 1, 2, 1, 3], [2, 2, 3, 2, 2, 3]
    a = mb.add_tensor("a", a_shape, np.int8, scale=0.05, zero_point=-128)
    b = mb.add_tensor("b", b_shape, np.int8, scale=0.5, zero_point=127)
    y = mb.add_tensor("y", out, np.int8, scale=0.3, zero_point=5)
    mb.add_operator(BuiltinOp.SUB, [a, b], [y], SubOptions(Activation.RELU6))
    mb.set_inputs([a, b])
    mb.set_outputs([y])
    check_case(Case(mb.build(), [random_ints(rng, a_shape, np.int8),
                                 random_ints(rng, b_shape, np.int8)]), rng)
