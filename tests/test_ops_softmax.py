"""SOFTMAX (int8 -> int16, int16 -> int16) and LOG_SOFTMAX (int8) against TFLM, bit for bit.
(SOFTMAX int8 -> int8 is in test_ops_core.py.)"""
from __future__ import annotations

import numpy as np
import pytest

from opcheck import Case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.ops import fixedpoint as fp
from pyruntime.ops.softmax import softmax16_luts
from pyruntime.tflite_builder import BuiltinOp, ModelBuilder, SoftmaxOptions
from test_ops_elementwise import qparams, random_ints


def _shape(rng: np.random.Generator) -> list[int]:
    if rng.random() < 0.3:
        return [int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4)),
                int(rng.integers(1, 20))]
    return [int(rng.integers(1, 4)), int(rng.integers(1, 60))]


def _beta(rng: np.random.Generator) -> float:
    return float(rng.choice([1.0, 0.5, 2.0, float(rng.uniform(0.05, 4))]))


def _one(op: BuiltinOp, shape: list[int], xt: type, xq: tuple[float, int], yt: type,
         yq: tuple[float, int], options: object = None) -> bytes:
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, xt, scale=xq[0], zero_point=xq[1])
    y = mb.add_tensor("y", shape, yt, scale=yq[0], zero_point=yq[1])
    mb.add_operator(op, [x], [y], options)
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def _row_input(rng: np.random.Generator, shape: list[int], dtype: type) -> np.ndarray:
    """Random values, sometimes clustered near the row maximum (many significant exps)."""
    x = random_ints(rng, shape, dtype)
    if rng.random() < 0.4:
        hi = int(np.iinfo(dtype).max)
        spread = int(rng.integers(1, 40 if dtype == np.int8 else 4000))
        x = (hi - rng.integers(0, spread, size=shape)).astype(dtype)
    return x


def softmax_int8_int16_case(rng: np.random.Generator) -> Case:
    shape = _shape(rng)
    xq = qparams(rng)
    beta = _beta(rng)
    model = _one(BuiltinOp.SOFTMAX, shape, np.int8, xq, np.int16, (1 / 65536, -32768),
                 SoftmaxOptions(beta))
    return Case(model, [_row_input(rng, shape, np.int8)], dict(shape=shape, x=xq, beta=beta))


def softmax_int16_case(rng: np.random.Generator) -> Case:
    shape = _shape(rng)
    xs = float(np.float32(10.0 ** rng.uniform(-5, -0.5)))
    beta = _beta(rng)
    model = _one(BuiltinOp.SOFTMAX, shape, np.int16, (xs, 0), np.int16, (1 / 32768, 0),
                 SoftmaxOptions(beta))
    return Case(model, [_row_input(rng, shape, np.int16)], dict(shape=shape, x=xs, beta=beta))


def log_softmax_case(rng: np.random.Generator) -> Case:
    shape = _shape(rng)
    xq = qparams(rng)
    model = _one(BuiltinOp.LOG_SOFTMAX, shape, np.int8, xq, np.int8, (16 / 256, 127))
    return Case(model, [_row_input(rng, shape, np.int8)], dict(shape=shape, x=xq))


def test_softmax_int8_to_int16() -> None:
    run_cases("SOFTMAX_INT8_INT16", softmax_int8_int16_case)


def test_softmax_int16() -> None:
    run_cases("SOFTMAX_INT16", softmax_int16_case)


def test_log_softmax() -> None:
    run_cases("LOG_SOFTMAX", log_softmax_case)


def test_softmax16_tables_are_monotonic() -> None:
    """exp rises to ~1 (32767) at 0; 1 / (1 + x) falls from 1 to 1/2 over the table."""
    exp_lut, recip_lut = softmax16_luts()
    assert exp_lut[-1] == 32767 and exp_lut[0] < 5 and np.all(np.diff(exp_lut) >= 0)
    assert recip_lut[0] == 32767 and abs(int(recip_lut[-1]) - 16384) <= 1
    assert np.all(np.diff(recip_lut) <= 0)
    assert fp.lut_lookup16(32767, exp_lut) >= 32700


@pytest.mark.parametrize("op, xt, yt, yq, fragment", [
    (BuiltinOp.SOFTMAX, np.int16, np.int16, (1 / 32768, 3), "zero points must be 0"),
    (BuiltinOp.SOFTMAX, np.int16, np.int16, (1 / 256, 0), "must have scale 1/32768"),
    (BuiltinOp.SOFTMAX, np.int8, np.int16, (1 / 65536, 0), "scale 1/65536 and zero point -32768"),
    (BuiltinOp.SOFTMAX, np.int16, np.int8, (1 / 256, -128), "int16 input needs an int16 output"),
    (BuiltinOp.LOG_SOFTMAX, np.int8, np.int8, (1 / 256, -128), "scale 0.0625 and zero point 127"),
    (BuiltinOp.LOG_SOFTMAX, np.int16, np.int16, (16 / 256, 0), "has type int16; supported: int8"),
])
def test_refusals(op: BuiltinOp, xt: type, yt: type, yq: tuple[float, int], fragment: str
                  ) -> None:
    opts = SoftmaxOptions(1.0) if op == BuiltinOp.SOFTMAX else None
    model = _one(op, [1, 8], xt, (0.01, 0), yt, yq, opts)
    with pytest.raises(ConversionError) as err:
        convert(model)
    assert err.value.op_index == 0 and err.value.op_name == op.name
    assert fragment in str(err.value)
