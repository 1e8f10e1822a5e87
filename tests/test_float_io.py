"""Float interfaces: QUANTIZE (float32/int8/int16 -> int8/int16) and DEQUANTIZE (int8/int16 ->
float32) against TFLM bit for bit, and whole float-in/float-out models through the Python API
(the C API's pyrt_input/pyrt_output underneath), `pyruntime run` and `pyruntime verify`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from opcheck import Case, check_case, run_cases
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.reference import TflmReference
from pyruntime.runtime import Engine
from pyruntime.tflite_builder import (
    Activation,
    BuiltinOp,
    Conv2DOptions,
    FullyConnectedOptions,
    ModelBuilder,
    Padding,
    quantize_bias,
    quantize_per_channel_symmetric,
)
from test_ops_elementwise import qparams, random_ints


def float_inputs(rng: np.random.Generator, shape: list[int], scale: float, zp: int) -> np.ndarray:
    """Normal values at several magnitudes, plus exact rounding ties and saturating values."""
    x = rng.standard_normal(shape) * float(rng.choice([0.1, 1.0, 10.0, 300.0]))
    flat = x.reshape(-1)
    k = flat.size // 3
    ties = (rng.integers(-200, 200, size=k) + 0.5).astype(np.float32) * np.float32(scale)
    flat[:k] = ties
    return x.astype(np.float32)


def quantize_case(rng: np.random.Generator) -> Case:
    shape = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 5)))]
    src = [np.float32, np.float32, np.int8, np.int16][int(rng.integers(0, 4))]
    dst = np.int16 if rng.random() < 0.35 else np.int8
    ys, yz = qparams(rng, dst)
    mb = ModelBuilder()
    if src == np.float32:
        x = mb.add_tensor("x", shape, np.float32)
        data = float_inputs(rng, shape, ys, yz)
        xq: tuple[float, int] | None = None
    else:
        xs, xz = qparams(rng, src)
        x = mb.add_tensor("x", shape, src, scale=xs, zero_point=xz)
        data = random_ints(rng, shape, src)
        xq = (xs, xz)
    y = mb.add_tensor("y", shape, dst, scale=ys, zero_point=yz)
    mb.add_operator(BuiltinOp.QUANTIZE, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    cfg = dict(src=np.dtype(src).name, dst=np.dtype(dst).name, shape=shape, x=xq, y=(ys, yz))
    return Case(mb.build(), [data], cfg)


def test_quantize() -> None:
    run_cases("QUANTIZE", quantize_case)


def dequantize_case(rng: np.random.Generator) -> Case:
    shape = [int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 5)))]
    src = np.int16 if rng.random() < 0.4 else np.int8
    xs, xz = qparams(rng, src)
    if rng.random() < 0.2:
        xs = float(np.float32(10.0 ** rng.uniform(-30, 20)))  # far outside activation ranges
    mb = ModelBuilder()
    x = mb.add_tensor("x", shape, src, scale=xs, zero_point=xz)
    y = mb.add_tensor("y", shape, np.float32)
    mb.add_operator(BuiltinOp.DEQUANTIZE, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    return Case(mb.build(), [random_ints(rng, shape, src)],
                dict(src=np.dtype(src).name, shape=shape, x=(xs, xz)))


def test_dequantize() -> None:
    run_cases("DEQUANTIZE", dequantize_case)


def float_interface_model(rng: np.random.Generator, kind: str = "conv") -> bytes:
    """float32 x -> QUANTIZE -> CONV_2D (per-channel, RELU) or FULLY_CONNECTED -> DEQUANTIZE."""
    mb = ModelBuilder(description=f"float interface {kind}")
    xs, xz = 0.02, -5
    ys, yz = 0.05, -20
    if kind == "conv":
        x_shape, w_shape, y_shape = [1, 6, 6, 3], [4, 3, 3, 3], [1, 6, 6, 4]
        wq, wscales = quantize_per_channel_symmetric(rng.standard_normal(w_shape), 0)
        bq, bscales = quantize_bias(rng.standard_normal(4), xs, wscales)
        opts: object = Conv2DOptions(Padding.SAME, 1, 1, Activation.RELU)
        code = BuiltinOp.CONV_2D
        w_scale: object = [float(s) for s in wscales]
        b_scale: object = [float(s) for s in bscales]
        zps: object = [0] * 4
    else:
        x_shape, w_shape, y_shape = [2, 10], [5, 10], [2, 5]
        wq, wscales = quantize_per_channel_symmetric(rng.standard_normal(w_shape), 0)
        wscale = float(np.max(wscales))
        wq = np.clip(np.round(wq * wscales[:, None] / wscale), -127, 127).astype(np.int8)
        bq, bscales = quantize_bias(rng.standard_normal(5), xs, wscale)
        opts = FullyConnectedOptions()
        code = BuiltinOp.FULLY_CONNECTED
        w_scale, b_scale, zps = wscale, float(bscales[0]), 0
    xf = mb.add_tensor("x", x_shape, np.float32)
    xq = mb.add_tensor("x_q", x_shape, np.int8, scale=xs, zero_point=xz)
    w = mb.add_tensor("w", w_shape, np.int8, data=wq, scale=w_scale, zero_point=zps)
    b = mb.add_tensor("b", [w_shape[0]], np.int32, data=bq, scale=b_scale, zero_point=zps)
    yq = mb.add_tensor("y_q", y_shape, np.int8, scale=ys, zero_point=yz)
    yf = mb.add_tensor("y", y_shape, np.float32)
    mb.add_operator(BuiltinOp.QUANTIZE, [xf], [xq])
    mb.add_operator(code, [xq, w, b], [yq], opts)
    mb.add_operator(BuiltinOp.DEQUANTIZE, [yq], [yf])
    mb.set_inputs([xf])
    mb.set_outputs([yf])
    return mb.build()


@pytest.mark.parametrize("kind", ["conv", "fc"])
def test_float_model_python_api(kind: str) -> None:
    rng = np.random.default_rng(7)
    model = float_interface_model(rng, kind)
    engine = Engine(convert(model).blob)
    assert engine.inputs[0].dtype == np.float32 and engine.outputs[0].dtype == np.float32
    ref = TflmReference(model)
    for _ in range(20):
        x = float_inputs(rng, list(engine.inputs[0].shape), 0.02, -5)
        ours, theirs = engine.invoke(x)[0], ref.invoke([x])[0]
        assert ours.dtype == np.float32 and np.array_equal(ours, theirs.reshape(ours.shape))
    with pytest.raises(Exception, match="float32"):
        engine.invoke(np.zeros(engine.inputs[0].shape, dtype=np.int8))
    check_case(Case(model, [float_inputs(rng, list(engine.inputs[0].shape), 0.02, -5)]), rng)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyruntime", *args], capture_output=True,
                          text=True, timeout=600)


def test_float_model_cli_run_and_verify(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    model_bytes = float_interface_model(rng, "conv")
    model = tmp_path / "float_io.tflite"
    model.write_bytes(model_bytes)
    blob = tmp_path / "float_io.blob"
    r = cli("convert", str(model), "-o", str(blob))
    assert r.returncode == 0, r.stderr
    xs = np.stack([float_inputs(rng, [1, 6, 6, 3], 0.02, -5) for _ in range(3)])
    np.save(tmp_path / "x.npy", xs)
    r = cli("run", str(blob), "--input", str(tmp_path / "x.npy"), "-o", str(tmp_path / "y.npy"),
            "-q")
    assert r.returncode == 0, r.stderr
    ys = np.load(tmp_path / "y.npy")
    assert ys.dtype == np.float32 and ys.shape == (3, 1, 6, 6, 4)
    ref = TflmReference(model_bytes)
    for x, y in zip(xs, ys):
        assert np.array_equal(ref.invoke([x])[0].reshape(y.shape), y)
    r = cli("verify", str(model), "--count", "10", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK: bit-exact with TFLM on 10 inputs" in r.stdout
    r = cli("verify", str(model), "--inputs", str(tmp_path / "x.npy"), "--count", "2", "-q")
    assert r.returncode == 0 and "on 5 inputs" in r.stdout, r.stdout + r.stderr


def test_packaged_sine_float_model_is_refused_clearly() -> None:
    """The only .tflite in the installed PyPI packages (tflite-micro's sine_float) is an
    all-float model: float FULLY_CONNECTED is outside the int8 engine and is named as such."""
    import tflite_micro

    path = Path(tflite_micro.__file__).parent / "python" / "tflite_micro" / "sine_float.tflite"
    if not path.is_file():
        pytest.skip("tflite-micro ships no sine_float.tflite in this version")
    with pytest.raises(ConversionError) as err:
        convert(path)
    assert err.value.op_name == "FULLY_CONNECTED" and "float32" in str(err.value)


def test_quantize_refusals() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [4], np.float32)
    y = mb.add_tensor("y", [4], np.int16, scale=0.01, zero_point=7)
    mb.add_operator(BuiltinOp.QUANTIZE, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    with pytest.raises(ConversionError) as err:
        convert(mb.build())
    assert err.value.op_name == "QUANTIZE" and "zero point 7" in str(err.value)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [4], np.int8, scale=0.01, zero_point=0)
    y = mb.add_tensor("y", [4], np.int32)
    mb.add_operator(BuiltinOp.DEQUANTIZE, [x], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    with pytest.raises(ConversionError) as err:
        convert(mb.build())
    assert err.value.op_name == "DEQUANTIZE" and "int32; supported: float32" in str(err.value)
