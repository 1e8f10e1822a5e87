"""Models written by pyruntime.tflite_builder load and run in TFLM, parse with the `tflite`
reader, and compute what their options say (checked against float references within 1-2 LSB).
Also checks that tools/make_demo_model.py reproduces examples/ and its TFLM accuracy."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pyruntime.tflite_builder import (  # noqa: E402
    Activation,
    AddOptions,
    BuiltinOp,
    ConcatenationOptions,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    FullyConnectedOptions,
    ModelBuilder,
    MulOptions,
    Padding,
    Pool2DOptions,
    ReshapeOptions,
    SoftmaxOptions,
    SubOptions,
    activation_qparams,
    conv_output_size,
    dequantize,
    quantize,
    quantize_bias,
    quantize_per_channel_symmetric,
    unsupported_op_model,
)

runtime = pytest.importorskip("tflite_micro").runtime
tflite = pytest.importorskip("tflite")

ARENA = 64 * 1024


def run_tflm(model: bytes, inputs: list[np.ndarray]) -> np.ndarray:
    interp = runtime.Interpreter.from_bytes(model, arena_size=ARENA)
    for i, x in enumerate(inputs):
        interp.set_input(np.ascontiguousarray(x), i)
    interp.invoke()
    return np.array(interp.get_output(0))


def assert_close_lsb(got: np.ndarray, ref_real: np.ndarray, scale: float, zp: int, tol: int = 1) -> None:
    expected = quantize(ref_real, scale, zp).astype(np.int32)
    assert got.shape == expected.shape
    diff = np.abs(got.astype(np.int32) - expected)
    assert diff.max() <= tol, f"max diff {diff.max()} LSB"


def rand_int8(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-128, 128, size=shape, dtype=np.int8)


def fused(x: np.ndarray, act: Activation) -> np.ndarray:
    if act == Activation.RELU:
        return np.maximum(x, 0.0)
    if act == Activation.RELU6:
        return np.clip(x, 0.0, 6.0)
    return x


def same_pad_before(in_size: int, out_size: int, k: int, stride: int, dilation: int) -> int:
    eff = (k - 1) * dilation + 1
    return max((out_size - 1) * stride + eff - in_size, 0) // 2


def conv_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, dilation: int, padding: Padding,
             depth_multiplier: int = 0) -> np.ndarray:
    """Float NHWC convolution. w: [O,KH,KW,I] (conv) or [1,KH,KW,I*M] (depthwise if multiplier>0)."""
    _, h, wd, cin = x.shape
    kh, kw = w.shape[1], w.shape[2]
    oh = conv_output_size(h, kh, stride, dilation, padding)
    ow = conv_output_size(wd, kw, stride, dilation, padding)
    ph = same_pad_before(h, oh, kh, stride, dilation) if padding == Padding.SAME else 0
    pw = same_pad_before(wd, ow, kw, stride, dilation) if padding == Padding.SAME else 0
    cout = w.shape[3] if depth_multiplier else w.shape[0]
    out = np.zeros((1, oh, ow, cout))
    for oy in range(oh):
        for ox in range(ow):
            for ky in range(kh):
                for kx in range(kw):
                    iy = oy * stride - ph + ky * dilation
                    ix = ox * stride - pw + kx * dilation
                    if not (0 <= iy < h and 0 <= ix < wd):
                        continue
                    pix = x[0, iy, ix, :]
                    if depth_multiplier:
                        out[0, oy, ox, :] += np.repeat(pix, depth_multiplier) * w[0, ky, kx, :]
                    else:
                        out[0, oy, ox, :] += w[:, ky, kx, :] @ pix
    return out + b


def out_qparams(ref: np.ndarray) -> tuple[float, int]:
    return activation_qparams(float(ref.min()), float(ref.max()))


# ---------------------------------------------------------------------------------------------
# Operators in TFLM
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("act", [Activation.NONE, Activation.RELU])
def test_conv2d_same_stride2(act: Activation) -> None:
    rng = np.random.default_rng(1)
    in_s, in_zp = 0.05, -3
    xq = rand_int8(rng, (1, 9, 9, 3))
    wf = rng.normal(size=(4, 3, 3, 3)) * np.array([0.05, 0.5, 1.0, 3.0])[:, None, None, None]
    wq, ws = quantize_per_channel_symmetric(wf, axis=0)
    bq, bs = quantize_bias(rng.normal(size=4), in_s, ws)
    ref = fused(conv_ref(dequantize(xq, in_s, in_zp), wq * ws[:, None, None, None].astype(np.float64),
                         bq * bs.astype(np.float64), 2, 1, Padding.SAME), act)
    assert ref.shape == (1, 5, 5, 4)
    out_s, out_zp = out_qparams(ref)

    mb = ModelBuilder()
    x = mb.add_tensor("x", xq.shape, "int8", scale=in_s, zero_point=in_zp)
    w = mb.add_tensor("w", wq.shape, "int8", data=wq, scale=ws, quantized_dimension=0)
    b = mb.add_tensor("b", bq.shape, "int32", data=bq, scale=bs)
    y = mb.add_tensor("y", ref.shape, "int8", scale=out_s, zero_point=out_zp)
    mb.add_operator(BuiltinOp.CONV_2D, [x, w, b], [y], Conv2DOptions(Padding.SAME, 2, 2, act))
    mb.set_inputs([x])
    mb.set_outputs([y])
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, out_s, out_zp)


@pytest.mark.parametrize("padding,dilation", [(Padding.VALID, 1), (Padding.SAME, 2)])
def test_depthwise_multiplier2(padding: Padding, dilation: int) -> None:
    rng = np.random.default_rng(2)
    in_s, in_zp = 0.02, 5
    xq = rand_int8(rng, (1, 6, 6, 2))
    wf = rng.normal(size=(1, 3, 3, 4))
    wq, ws = quantize_per_channel_symmetric(wf, axis=3)
    bq, bs = quantize_bias(rng.normal(size=4) * 0.1, in_s, ws)
    ref = conv_ref(dequantize(xq, in_s, in_zp), wq * ws.astype(np.float64), bq * bs.astype(np.float64),
                   1, dilation, padding, depth_multiplier=2)
    out_s, out_zp = out_qparams(ref)

    mb = ModelBuilder()
    x = mb.add_tensor("x", xq.shape, "int8", scale=in_s, zero_point=in_zp)
    w = mb.add_tensor("w", wq.shape, "int8", data=wq, scale=ws, quantized_dimension=3)
    b = mb.add_tensor("b", bq.shape, "int32", data=bq, scale=bs)
    y = mb.add_tensor("y", ref.shape, "int8", scale=out_s, zero_point=out_zp)
    opts = DepthwiseConv2DOptions(padding, 1, 1, depth_multiplier=2,
                                  dilation_w=dilation, dilation_h=dilation)
    mb.add_operator(BuiltinOp.DEPTHWISE_CONV_2D, [x, w, b], [y], opts)
    mb.set_inputs([x])
    mb.set_outputs([y])
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, out_s, out_zp)


@pytest.mark.parametrize("keep_num_dims", [False, True])
def test_fully_connected_per_channel(keep_num_dims: bool) -> None:
    rng = np.random.default_rng(3)
    in_s, in_zp = 0.1, -10
    in_shape = (1, 3, 16) if keep_num_dims else (3, 16)
    xq = rand_int8(rng, in_shape)
    # channel magnitudes spread over 3 decades: a per-tensor reading of the scales would fail
    wf = rng.normal(size=(8, 16)) * np.logspace(-2, 1, 8)[:, None]
    wq, ws = quantize_per_channel_symmetric(wf, axis=0)
    bq, bs = quantize_bias(rng.normal(size=8), in_s, ws)
    w_real = wq * ws[:, None].astype(np.float64)
    ref = fused(dequantize(xq, in_s, in_zp) @ w_real.T + bq * bs, Activation.RELU)
    out_s, out_zp = out_qparams(ref)

    mb = ModelBuilder()
    x = mb.add_tensor("x", in_shape, "int8", scale=in_s, zero_point=in_zp)
    w = mb.add_tensor("w", wq.shape, "int8", data=wq, scale=ws, quantized_dimension=0)
    b = mb.add_tensor("b", bq.shape, "int32", data=bq, scale=bs)
    y = mb.add_tensor("y", ref.shape, "int8", scale=out_s, zero_point=out_zp)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, w, b], [y],
                    FullyConnectedOptions(Activation.RELU, keep_num_dims=keep_num_dims))
    mb.set_inputs([x])
    mb.set_outputs([y])
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, out_s, out_zp)


@pytest.mark.parametrize("op", [BuiltinOp.AVERAGE_POOL_2D, BuiltinOp.MAX_POOL_2D])
def test_pool_same_stride2(op: BuiltinOp) -> None:
    rng = np.random.default_rng(4)
    s, zp = 0.03, 7
    xq = rand_int8(rng, (1, 7, 8, 3))
    x = dequantize(xq, s, zp)
    oh, ow = conv_output_size(7, 3, 2, 1, Padding.SAME), conv_output_size(8, 3, 2, 1, Padding.SAME)
    ph, pw = same_pad_before(7, oh, 3, 2, 1), same_pad_before(8, ow, 3, 2, 1)
    ref = np.zeros((1, oh, ow, 3))
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = max(oy * 2 - ph, 0), max(ox * 2 - pw, 0)
            win = x[0, y0:oy * 2 - ph + 3, x0:ox * 2 - pw + 3, :].reshape(-1, 3)
            ref[0, oy, ox] = win.mean(axis=0) if op == BuiltinOp.AVERAGE_POOL_2D else win.max(axis=0)

    mb = ModelBuilder()
    xi = mb.add_tensor("x", xq.shape, "int8", scale=s, zero_point=zp)
    yi = mb.add_tensor("y", ref.shape, "int8", scale=s, zero_point=zp)
    mb.add_operator(op, [xi], [yi], Pool2DOptions(Padding.SAME, 2, 2, 3, 3))
    mb.set_inputs([xi])
    mb.set_outputs([yi])
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, s, zp)


@pytest.mark.parametrize("op", [BuiltinOp.ADD, BuiltinOp.SUB, BuiltinOp.MUL])
def test_binary_broadcast(op: BuiltinOp) -> None:
    rng = np.random.default_rng(5)
    a_s, a_zp, b_s, b_zp = 0.05, 2, 0.02, -9
    aq, bq = rand_int8(rng, (1, 4, 4, 3)), rand_int8(rng, (1, 1, 1, 3))
    a, b = dequantize(aq, a_s, a_zp), dequantize(bq, b_s, b_zp)
    ref = {BuiltinOp.ADD: a + b, BuiltinOp.SUB: a - b, BuiltinOp.MUL: a * b}[op]
    ref = fused(ref, Activation.RELU6)
    out_s, out_zp = out_qparams(ref)
    options = {BuiltinOp.ADD: AddOptions, BuiltinOp.SUB: SubOptions, BuiltinOp.MUL: MulOptions}[op]

    mb = ModelBuilder()
    ai = mb.add_tensor("a", aq.shape, "int8", scale=a_s, zero_point=a_zp)
    bi = mb.add_tensor("b", bq.shape, "int8", scale=b_s, zero_point=b_zp)
    yi = mb.add_tensor("y", ref.shape, "int8", scale=out_s, zero_point=out_zp)
    mb.add_operator(op, [ai, bi], [yi], options(Activation.RELU6))
    mb.set_inputs([ai, bi])
    mb.set_outputs([yi])
    assert_close_lsb(run_tflm(mb.build(), [aq, bq]), ref, out_s, out_zp)


@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_softmax(beta: float) -> None:
    rng = np.random.default_rng(6)
    s, zp = 0.1, 3
    xq = rand_int8(rng, (2, 10))
    x = dequantize(xq, s, zp) * beta
    e = np.exp(x - x.max(axis=1, keepdims=True))
    ref = e / e.sum(axis=1, keepdims=True)

    mb = ModelBuilder()
    xi = mb.add_tensor("x", xq.shape, "int8", scale=s, zero_point=zp)
    yi = mb.add_tensor("y", xq.shape, "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [xi], [yi], SoftmaxOptions(beta))
    mb.set_inputs([xi])
    mb.set_outputs([yi])
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, 1 / 256, -128, tol=2)


def test_reshape_concat_and_generic_op() -> None:
    """RESHAPE -> CONCATENATION(axis 1) with a constant -> LOGISTIC (generic, no options)."""
    s, zp = 0.05, 0
    xq = np.arange(-60, 60, 10, dtype=np.int8).reshape(1, 3, 4)
    cq = np.full((1, 4), 20, dtype=np.int8)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 3, 4], "int8", scale=s, zero_point=zp)
    shape = mb.add_tensor("shape", [2], "int32", data=[1, 12])
    r = mb.add_tensor("r", [1, 12], "int8", scale=s, zero_point=zp)
    c = mb.add_tensor("c", [1, 4], "int8", data=cq, scale=s, zero_point=zp)
    cat = mb.add_tensor("cat", [1, 16], "int8", scale=s, zero_point=zp)
    y = mb.add_tensor("y", [1, 16], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.RESHAPE, [x, shape], [r], ReshapeOptions((1, 12)))
    mb.add_operator(BuiltinOp.CONCATENATION, [r, c], [cat], ConcatenationOptions(axis=1))
    mb.add_operator(BuiltinOp.LOGISTIC, [cat], [y])
    mb.set_inputs([x])
    mb.set_outputs([y])
    ref = 1 / (1 + np.exp(-dequantize(np.concatenate([xq.reshape(1, 12), cq], axis=1), s, zp)))
    assert_close_lsb(run_tflm(mb.build(), [xq]), ref, 1 / 256, -128, tol=1)


@pytest.mark.parametrize("op", [BuiltinOp.TANH, BuiltinOp.SQUARED_DIFFERENCE])
def test_unsupported_op_model_runs_in_tflm(op: BuiltinOp) -> None:
    model = unsupported_op_model(op)
    m = tflite.Model.GetRootAsModel(model, 0)
    assert m.OperatorCodes(0).BuiltinCode() == op
    n_in = m.Subgraphs(0).InputsLength()
    inputs = [np.arange(-80, 80, 10, dtype=np.int8).reshape(1, 16) for _ in range(n_in)]
    assert run_tflm(model, inputs).shape == (1, 16)


# ---------------------------------------------------------------------------------------------
# Structure, as read back by the `tflite` reader package
# ---------------------------------------------------------------------------------------------


def test_structure_read_back() -> None:
    mb = ModelBuilder(description="structure test")
    x = mb.add_tensor("x", [1, 8, 8, 2], "int8", scale=0.5, zero_point=-1)
    w = mb.add_tensor("w", [3, 3, 3, 2], "int8", data=np.ones((3, 3, 3, 2)), scale=[0.1, 0.2, 0.3])
    y = mb.add_tensor("y", [1, 3, 3, 3], "int8", scale=0.25, zero_point=4)
    z = mb.add_tensor("z", [1, 3, 3, 3], "int8", scale=0.25, zero_point=4)
    conv_options = Conv2DOptions(Padding.VALID, 3, 2, Activation.RELU6, 2, 1)
    mb.add_operator(BuiltinOp.CONV_2D, [x, w, -1], [y], conv_options)
    mb.add_operator(BuiltinOp.HARD_SWISH, [y], [z])
    mb.set_inputs([x])
    mb.set_outputs([z])
    data = mb.build()

    assert data[4:8] == b"TFL3"
    assert tflite.Model.ModelBufferHasIdentifier(data, 0)
    m = tflite.Model.GetRootAsModel(data, 0)
    assert m.Version() == 3
    assert m.Description() == b"structure test"
    assert m.BuffersLength() == 2 and m.Buffers(0).DataLength() == 0
    assert m.Buffers(1).DataAsNumpy().tobytes() == np.ones(54, np.int8).tobytes()
    codes = [(m.OperatorCodes(i).DeprecatedBuiltinCode(), m.OperatorCodes(i).BuiltinCode(),
              m.OperatorCodes(i).Version()) for i in range(m.OperatorCodesLength())]
    assert codes == [(3, 3, 3), (117, 117, 1)]
    sg = m.Subgraphs(0)
    assert list(sg.InputsAsNumpy()) == [x] and list(sg.OutputsAsNumpy()) == [z]
    tw = sg.Tensors(w)
    assert tw.Name() == b"w" and tw.Type() == tflite.TensorType.INT8 and tw.Buffer() == 1
    assert list(tw.Quantization().ScaleAsNumpy()) == pytest.approx([0.1, 0.2, 0.3])
    assert list(tw.Quantization().ZeroPointAsNumpy()) == [0, 0, 0]
    op = sg.Operators(0)
    assert list(op.InputsAsNumpy()) == [x, w, -1]
    assert op.BuiltinOptionsType() == tflite.BuiltinOptions.Conv2DOptions
    opts = tflite.Conv2DOptions()
    opts.Init(op.BuiltinOptions().Bytes, op.BuiltinOptions().Pos)
    read = (opts.Padding(), opts.StrideW(), opts.StrideH(), opts.FusedActivationFunction(),
            opts.DilationWFactor(), opts.DilationHFactor())
    assert read == (tflite.Padding.VALID, 3, 2, tflite.ActivationFunctionType.RELU6, 2, 1)
    assert sg.Operators(1).BuiltinOptionsType() == 0


def test_large_builtin_code_uses_placeholder() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [4], "float32")
    y = mb.add_tensor("y", [4], "float32")
    mb.add_operator(130, [x], [y])  # BROADCAST_TO: above the int8 deprecated code range
    mb.set_inputs([x])
    mb.set_outputs([y])
    code = tflite.Model.GetRootAsModel(mb.build(), 0).OperatorCodes(0)
    assert (code.DeprecatedBuiltinCode(), code.BuiltinCode()) == (127, 130)


def test_buffers_are_16_byte_aligned() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 3], "int8", scale=1.0)
    for i in range(5):
        mb.add_tensor(f"c{i}", [i + 1], "int32", data=np.arange(i + 1))
    mb.set_inputs([x])
    mb.set_outputs([x])
    m = tflite.Model.GetRootAsModel(mb.build(), 0)
    for i in range(1, m.BuffersLength()):
        assert m.Buffers(i)._tab.Vector(4) % 16 == 0


def test_input_validation() -> None:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 4], "int8", scale=1.0)
    with pytest.raises(TypeError):
        mb.add_operator(BuiltinOp.CONV_2D, [x], [x], SoftmaxOptions())
    with pytest.raises(TypeError):
        mb.add_operator(BuiltinOp.TANH, [x], [x], SoftmaxOptions())
    with pytest.raises(IndexError):
        mb.add_operator(BuiltinOp.TANH, [x], [7])
    with pytest.raises(ValueError):
        mb.add_tensor("w", [2, 3], "int8", scale=[1.0, 2.0, 3.0], quantized_dimension=0)
    with pytest.raises(ValueError):
        mb.add_tensor("c", [2, 3], "int8", data=np.zeros(5))
    with pytest.raises(ValueError):
        mb.build()  # no inputs/outputs set


def test_deterministic_bytes() -> None:
    def make() -> bytes:
        mb = ModelBuilder()
        x = mb.add_tensor("x", [1, 10], "int8", scale=0.1, zero_point=1)
        y = mb.add_tensor("y", [1, 10], "int8", scale=1 / 256, zero_point=-128)
        mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(1.0))
        mb.set_inputs([x])
        mb.set_outputs([y])
        return mb.build()

    assert make() == make()


# ---------------------------------------------------------------------------------------------
# The demo model
# ---------------------------------------------------------------------------------------------


def load_demo_tool() -> ModuleType:
    path = REPO_ROOT / "tools" / "make_demo_model.py"
    spec = importlib.util.spec_from_file_location("make_demo_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the tool loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo() -> tuple[ModuleType, object]:
    tool = load_demo_tool()
    return tool, tool.make_demo()


def test_demo_reproducible(demo: tuple[ModuleType, object]) -> None:
    tool, art = demo
    again = tool.make_demo()
    assert again.model == art.model
    assert np.array_equal(again.samples, art.samples)
    # The shipped files came from this tool; exact bytes depend on the scikit-learn/numpy
    # versions that trained it, so compare them only where those match the shipped build.
    import sklearn

    if (sklearn.__version__, np.__version__) == ("1.9.1", "2.4.6"):
        examples = REPO_ROOT / "examples"
        assert (examples / tool.MODEL_NAME).read_bytes() == art.model
        assert np.array_equal(np.load(examples / tool.SAMPLES_NAME), art.samples)
        assert np.array_equal(np.load(examples / tool.LABELS_NAME), art.labels)


def test_demo_model_shape_and_size(demo: tuple[ModuleType, object]) -> None:
    _, art = demo
    assert len(art.model) < 8 * 1024
    assert art.samples.dtype == np.int8 and art.samples.shape == (20, 1, 8, 8, 1)
    m = tflite.Model.GetRootAsModel(art.model, 0)
    sg = m.Subgraphs(0)
    ops = [m.OperatorCodes(sg.Operators(i).OpcodeIndex()).BuiltinCode()
           for i in range(sg.OperatorsLength())]
    fc = BuiltinOp.FULLY_CONNECTED
    assert ops == [BuiltinOp.RESHAPE, fc, fc, BuiltinOp.SOFTMAX]
    out_q = sg.Tensors(sg.Outputs(0)).Quantization()
    assert out_q.Scale(0) == pytest.approx(1 / 256) and out_q.ZeroPoint(0) == -128


def test_demo_accuracy_in_tflm(demo: tuple[ModuleType, object]) -> None:
    tool, art = demo
    acc_float, acc_int8, agreement = tool.evaluate(art)
    assert acc_float > 0.93
    assert acc_int8 > 0.93
    assert abs(acc_float - acc_int8) <= 0.02
    assert agreement >= 0.97
    preds = np.argmax(tool.tflm_predict(art.model, art.samples), axis=1)
    assert np.sum(preds == art.labels) >= 18
