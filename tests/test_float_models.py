"""Real MLPerf Tiny weights behind float32 interfaces (QUANTIZE ... DEQUANTIZE), as TFLite's
converter writes keyword spotters and person detectors that keep float inputs and outputs."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from float_wrap import wrap_float_io
from pyruntime.convert import convert
from pyruntime.reference import TflmReference
from pyruntime.runtime import Engine


@pytest.mark.parametrize("name", ["kws_ds_cnn", "vww_mobilenet", "ic_resnet8"])
def test_float_interface_model_matches_tflm(name: str,
                                            mlperf_model: Callable[[str], Path]) -> None:
    model = wrap_float_io(mlperf_model(name).read_bytes())
    engine = Engine(convert(model).blob)
    assert engine.inputs[0].dtype == np.float32 and engine.outputs[0].dtype == np.float32
    ref = TflmReference(model)
    rng = np.random.default_rng(11)
    shape = engine.inputs[0].shape
    for _ in range(10):
        x = (rng.standard_normal(shape) * rng.uniform(0.1, 60)).astype(np.float32)
        ours, = engine.invoke(x)
        theirs, = ref.invoke([x])
        assert ours.dtype == np.float32
        assert np.array_equal(ours, np.asarray(theirs).reshape(ours.shape))
