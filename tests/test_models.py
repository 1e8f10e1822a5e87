"""The MLPerf Tiny models on the host engine, compared bit for bit with TFLM."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pyruntime.errors import ArenaTooSmallError
from pyruntime.reference import TflmReference
from pyruntime.runtime import Engine
from pyruntime.verify import verify

ALL_MODELS = ("ad_autoencoder", "ic_resnet8", "kws_ds_cnn", "sww_ref_model", "vww_mobilenet")
RANDOM_INPUTS = 100


def quantize(x: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    q = np.floor(np.asarray(x, dtype=np.float64) / scale + 0.5) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def samples(name: str, shared: Path) -> np.ndarray:
    """The real inputs in ../shared/models/samples for `name`, as a batch of int8 inputs."""
    d = shared / "models" / "samples"
    if name == "kws_ds_cnn":
        return np.fromfile(d / "kws_sample0_i8.bin", dtype=np.int8).reshape(1, 1, 49, 10, 1)
    if name == "ic_resnet8":
        u8 = np.fromfile(d / "ic_sample0_u8.bin", dtype=np.uint8)
        return (u8.astype(np.int16) - 128).astype(np.int8).reshape(1, 1, 32, 32, 3)
    if name == "ad_autoencoder":
        spec = np.fromfile(d / "ad_normal_id_01_00000000_hist_librosa.bin",
                           dtype=np.float32).reshape(200, 128)
        windows = np.stack([spec[i:i + 5].reshape(-1) for i in range(200 - 5 + 1)])
        return quantize(windows, 0.391015, 89).reshape(-1, 1, 640)
    if name == "sww_ref_model":
        specs = np.load(d / "sww_calibration_samples.npz")["specs"]
        return quantize(specs, 0.00370104, -128).reshape(-1, 1, 30, 1, 40)
    return np.zeros((0, 1, 96, 96, 3), dtype=np.int8)  # no VWW sample is shipped


@pytest.mark.parametrize("in_place", [False, True], ids=["fastest-plan", "in-place-plan"])
@pytest.mark.parametrize("name", ALL_MODELS)
def test_bit_exact_with_tflm(name: str, in_place: bool, mlperf_model: Callable[[str], Path],
                             shared_dir: Path) -> None:
    given = samples(name, shared_dir)
    report = verify(mlperf_model(name), given if len(given) else None, RANDOM_INPUTS, seed=7,
                    in_place=in_place)
    assert report.inputs_checked == RANDOM_INPUTS + len(given)
    assert report.ok, [(o.index, o.max_abs_diff, o.mismatched_inputs) for o in report.outputs]


def test_sww_predictions_match_tflm(mlperf_model: Callable[[str], Path], shared_dir: Path,
                                    converted_blob: Callable[[str], bytes]) -> None:
    labels = np.load(shared_dir / "models" / "samples" / "sww_calibration_samples.npz")["labels"]
    xs = samples("sww_ref_model", shared_dir)
    engine = Engine(converted_blob("sww_ref_model"))
    ref = TflmReference(mlperf_model("sww_ref_model"))
    ours = np.array([int(np.argmax(engine.invoke(x)[0])) for x in xs])
    theirs = np.array([int(np.argmax(ref.invoke([x])[0])) for x in xs])
    assert (ours == theirs).all()
    assert int((ours == labels).sum()) == 41  # TFLM's score on these 45 samples


@pytest.mark.parametrize("name", ALL_MODELS)
def test_arena_size_is_exact(name: str, converted_blob: Callable[[str], bytes]) -> None:
    blob = converted_blob(name)
    engine = Engine(blob)
    planned = engine.planned_arena_bytes
    assert engine.arena_bytes == planned
    x = np.zeros(engine.inputs[0].shape, dtype=engine.inputs[0].dtype)
    engine.invoke(x)
    with pytest.raises(ArenaTooSmallError, match="PYRT_E_ARENA_SMALL"):
        Engine(blob, arena_bytes=planned - 1)


def test_batch_run(converted_blob: Callable[[str], bytes]) -> None:
    engine = Engine(converted_blob("kws_ds_cnn"))
    rng = np.random.default_rng(3)
    xs = rng.integers(-128, 128, size=(4, 1, 49, 10, 1), dtype=np.int8)
    ys = engine.run_batch(xs)
    assert ys.shape == (4, 1, 12)
    for x, y in zip(xs, ys):
        assert (engine.invoke(x)[0] == y).all()


def test_per_tensor_scale_with_stray_quantized_dimension() -> None:
    """Real files (TFLM's person_detect) carry quantized_dimension=3 on per-tensor tensors."""
    from pyruntime.convert import convert
    from pyruntime.tflite_builder import BuiltinOp, Conv2DOptions, ModelBuilder

    rng = np.random.default_rng(5)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 5, 5, 2], np.int8, scale=0.05, zero_point=-3,
                      quantized_dimension=3)
    w = mb.add_tensor("w", [4, 3, 3, 2], np.int8, data=rng.integers(-127, 128, (4, 3, 3, 2)),
                      scale=0.02, quantized_dimension=3)
    b = mb.add_tensor("b", [4], np.int32, data=rng.integers(-500, 500, 4), scale=0.001,
                      quantized_dimension=3)
    y = mb.add_tensor("y", [1, 5, 5, 4], np.int8, scale=0.1, zero_point=7, quantized_dimension=3)
    mb.add_operator(BuiltinOp.CONV_2D, [x, w, b], [y], Conv2DOptions())
    mb.set_inputs([x])
    mb.set_outputs([y])
    model = mb.build()
    import tflite

    sg = tflite.Model.GetRootAsModel(model, 0).Subgraphs(0)
    assert sg.Tensors(w).Quantization().QuantizedDimension() == 3  # the quirk is really there
    engine = Engine(convert(model).blob)
    ref = TflmReference(model)
    for _ in range(5):
        xs = rng.integers(-128, 128, (1, 5, 5, 2), dtype=np.int8)
        assert np.array_equal(engine.invoke(xs)[0], ref.invoke([xs])[0])
