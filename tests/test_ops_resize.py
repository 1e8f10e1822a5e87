"""RESIZE_BILINEAR int8 against TFLM, bit for bit (align_corners, half_pixel_centers,
up- and down-scaling), and its refusals."""
from __future__ import annotations

import numpy as np
import pytest

from opcheck import Case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.tflite_builder import BuiltinOp, ModelBuilder, ResizeBilinearOptions
from test_ops_elementwise import qparams, random_ints


def _model(dtype: type, xs: list[int], size: list[int], out: list[int], ac: bool, hp: bool,
           q: tuple[float, int], qy: tuple[float, int]) -> bytes:
    mb = ModelBuilder()
    x = mb.add_tensor("x", xs, dtype, scale=q[0], zero_point=q[1])
    s = mb.add_tensor("size", [2], np.int32, data=np.array(size, dtype=np.int32))
    y = mb.add_tensor("y", out, dtype, scale=qy[0], zero_point=qy[1])
    mb.add_operator(BuiltinOp.RESIZE_BILINEAR, [x, s], [y], ResizeBilinearOptions(0, 0, ac, hp))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def resize_case(rng: np.random.Generator) -> Case:
    n, h, w, c = (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)),
                  int(rng.integers(1, 5)))
    oh, ow = int(rng.integers(1, 20)), int(rng.integers(1, 20))
    mode = int(rng.integers(0, 3))  # plain, align_corners, half_pixel_centers
    ac, hp = mode == 1, mode == 2
    q = qparams(rng)
    qy = q if rng.random() < 0.8 else qparams(rng)  # TFLM ignores the output quantization
    model = _model(np.int8, [n, h, w, c], [oh, ow], [n, oh, ow, c], ac, hp, q, qy)
    x = random_ints(rng, [n, h, w, c], np.int8)
    if rng.random() < 0.2:  # extremes: rounding of +-127/-128 neighbours
        x = rng.choice(np.array([-128, 127, -127, 0], dtype=np.int8), size=(n, h, w, c))
    return Case(model, [x], dict(x=[n, h, w, c], out=[oh, ow], align_corners=ac,
                                 half_pixel=hp))


def test_resize_bilinear() -> None:
    run_cases("RESIZE_BILINEAR", resize_case)


@pytest.mark.parametrize("dtype, ac, hp, size, fragment", [
    (np.int16, False, False, [4, 4], "input 'x' has type int16; supported: int8"),
    (np.int8, True, True, [4, 4], "align_corners and half_pixel_centers both set"),
    (np.int8, False, False, [5, 4], "size [5, 4] and output shape [1, 4, 4, 2] disagree"),
])
def test_refusals(dtype: type, ac: bool, hp: bool, size: list[int], fragment: str) -> None:
    model = _model(dtype, [1, 3, 3, 2], size, [1, 4, 4, 2], ac, hp, (0.1, 0), (0.1, 0))
    with pytest.raises(ConversionError) as err:
        convert(model)
    assert err.value.op_index == 0 and err.value.op_name == "RESIZE_BILINEAR"
    assert fragment in str(err.value)
