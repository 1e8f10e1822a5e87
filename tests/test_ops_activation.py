"""Property tests of the activations against TFLM, bit for bit: RELU, RELU6, LEAKY_RELU,
HARD_SWISH, LOGISTIC, TANH (int8, through tables computed offline; int16 LOGISTIC and TANH on
TFLM's interpolated sigmoid table) and PRELU (int8/int16 input,
int8 alpha, broadcast)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from opcheck import Case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.tflite_builder import BuiltinOp, LeakyReluOptions, ModelBuilder
from test_ops_elementwise import broadcast_shapes, qparams, random_ints


def random_shape(rng: np.random.Generator) -> list[int]:
    return [int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 5)))]


def unary_case(op: BuiltinOp, out_q: Callable[[np.random.Generator, float, int], tuple[float, int]],
               options: Callable[[np.random.Generator], object] | None = None
               ) -> Callable[[np.random.Generator], Case]:
    def make(rng: np.random.Generator) -> Case:
        shape = random_shape(rng)
        xs, xz = qparams(rng)
        ys, yz = out_q(rng, xs, xz)
        mb = ModelBuilder()
        x = mb.add_tensor("x", shape, np.int8, scale=xs, zero_point=xz)
        y = mb.add_tensor("y", shape, np.int8, scale=ys, zero_point=yz)
        opts = options(rng) if options else None
        mb.add_operator(op, [x], [y], opts)
        mb.set_inputs([x])
        mb.set_outputs([y])
        # every int8 value once, so the whole table is compared
        full = np.resize(np.arange(-128, 128, dtype=np.int8), int(np.prod(shape)))
        cfg = dict(shape=shape, x=(xs, xz), y=(ys, yz), options=opts)
        return Case(mb.build(), [full.reshape(shape)], cfg, extra_inputs=1)

    return make


def any_q(rng: np.random.Generator, xs: float, xz: int) -> tuple[float, int]:
    return qparams(rng) if rng.random() < 0.7 else (xs, xz)


def test_relu() -> None:
    run_cases("RELU", unary_case(BuiltinOp.RELU, any_q))


def test_relu6() -> None:
    run_cases("RELU6", unary_case(BuiltinOp.RELU6, any_q))


def test_leaky_relu() -> None:
    def alpha(rng: np.random.Generator) -> LeakyReluOptions:
        return LeakyReluOptions(float(rng.choice([0.2, 0.01, 0.0, -0.3, 1.5,
                                                  float(rng.uniform(-2, 2))])))
    run_cases("LEAKY_RELU", unary_case(BuiltinOp.LEAKY_RELU, any_q, alpha))


def test_hard_swish() -> None:
    def out_q(rng: np.random.Generator, xs: float, xz: int) -> tuple[float, int]:
        ys, yz = qparams(rng)
        return max(ys, xs / 100), yz  # TFLM requires input scale / 128 < output scale
    run_cases("HARD_SWISH", unary_case(BuiltinOp.HARD_SWISH, out_q))


def test_logistic() -> None:
    run_cases("LOGISTIC", unary_case(BuiltinOp.LOGISTIC, lambda r, s, z: (1 / 256, -128)))


def test_tanh() -> None:
    run_cases("TANH", unary_case(BuiltinOp.TANH, lambda r, s, z: (1 / 128, 0)))


def prelu_case(rng: np.random.Generator) -> Case:
    dtype = np.int16 if rng.random() < 0.3 else np.int8
    x_shape, a_shape, out = broadcast_shapes(rng)
    if len(a_shape) > len(x_shape):
        x_shape, a_shape = a_shape, x_shape
    x_shape = out  # the input has the output's shape; alpha broadcasts
    (xs, xz), (ys, yz) = qparams(rng, dtype), qparams(rng, dtype)
    als, alz = qparams(rng)
    alpha = random_ints(rng, a_shape, np.int8)
    mb = ModelBuilder()
    x = mb.add_tensor("x", x_shape, dtype, scale=xs, zero_point=xz)
    a = mb.add_tensor("alpha", a_shape, np.int8, data=alpha, scale=als, zero_point=alz)
    y = mb.add_tensor("y", out, dtype, scale=ys, zero_point=yz)
    mb.add_operator(BuiltinOp.PRELU, [x, a], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(dtype=np.dtype(dtype).name, x=x_shape, alpha=a_shape, q=(xs, xz, als, alz, ys, yz))
    return Case(mb.build(), [random_ints(rng, x_shape, dtype)], cfg)


def test_prelu() -> None:
    run_cases("PRELU", prelu_case)


def _one_op(op: BuiltinOp, y_scale: float, y_zp: int, options: object = None) -> bytes:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 8], np.int8, scale=0.1, zero_point=0)
    y = mb.add_tensor("y", [1, 8], np.int8, scale=y_scale, zero_point=y_zp)
    mb.add_operator(op, [x], [y], options)
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


@pytest.mark.parametrize("op, scale, zp, fragment", [
    (BuiltinOp.LOGISTIC, 1 / 128, -128, "scale 0.00390625 and zero point -128"),
    (BuiltinOp.TANH, 1 / 128, 5, "scale 0.0078125 and zero point 0"),
    (BuiltinOp.HARD_SWISH, 0.0001, 0, "output multiplier exponent"),
])
def test_refusals_name_the_parameter(op: BuiltinOp, scale: float, zp: int, fragment: str) -> None:
    with pytest.raises(ConversionError) as err:
        convert(_one_op(op, scale, zp))
    assert err.value.op_index == 0 and err.value.op_name == op.name
    assert fragment in str(err.value)


def sig16_case(op: BuiltinOp) -> Callable[[np.random.Generator], Case]:
    """int16 LOGISTIC / TANH: power-of-two input scales (TFLM's fast path) and general ones;
    every int16 value in a quarter of the cases."""
    def make(rng: np.random.Generator) -> Case:
        if rng.random() < 0.4:
            xs = float(2.0 ** -int(rng.integers(8, 16)))
        else:
            xs = float(np.float32(10.0 ** rng.uniform(-6, 0.3)))
        full = rng.random() < 0.25
        shape = [256, 256] if full else random_shape(rng)
        mb = ModelBuilder()
        x = mb.add_tensor("x", shape, np.int16, scale=xs, zero_point=0)
        y = mb.add_tensor("y", shape, np.int16, scale=1 / 32768, zero_point=0)
        mb.add_operator(op, [x], [y])
        mb.set_inputs([x])
        mb.set_outputs([y])
        data = (np.arange(-32768, 32768, dtype=np.int16).reshape(shape) if full
                else random_ints(rng, shape, np.int16))
        return Case(mb.build(), [data], dict(shape=shape, x_scale=xs), extra_inputs=0 if full else 2)

    return make


def test_logistic_int16() -> None:
    run_cases("LOGISTIC_INT16", sig16_case(BuiltinOp.LOGISTIC))


def test_tanh_int16() -> None:
    run_cases("TANH_INT16", sig16_case(BuiltinOp.TANH))


@pytest.mark.parametrize("op", [BuiltinOp.LOGISTIC, BuiltinOp.TANH])
@pytest.mark.parametrize("x_zp, y_scale, fragment", [
    (5, 1 / 32768, "zero points must be 0"),
    (0, 1 / 4096, "int16 output must have scale 1/32768"),
])
def test_int16_refusals(op: BuiltinOp, x_zp: int, y_scale: float, fragment: str) -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 8], np.int16, scale=1 / 4096, zero_point=x_zp)
    y = mb.add_tensor("y", [1, 8], np.int16, scale=y_scale, zero_point=0)
    mb.add_operator(op, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    with pytest.raises(ConversionError) as err:
        convert(mb.build())
    assert err.value.op_index == 0 and err.value.op_name == op.name
    assert fragment in str(err.value)
