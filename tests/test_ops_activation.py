"""Property tests of the activations against TFLM, bit for bit: RELU, RELU6, LEAKY_RELU,
HARD_SWISH, LOGISTIC, TANH (int8, through tables computed offline) and PRELU (int8/int16 input,
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


def test_int16_logistic_refused() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 8], np.int16, scale=1 / 4096, zero_point=0)
    y = mb.add_tensor("y", [1, 8], np.int16, scale=1 / 32768, zero_point=0)
    mb.add_operator(BuiltinOp.LOGISTIC, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    with pytest.raises(ConversionError) as err:
        convert(mb.build())
    assert "input 'x' has type int16; supported: int8" in str(err.value)
