"""Memory plan of whole models: operator ordering, in-place execution, the RAM budget and the
picture of the plan. Every model here is also run against TFLM, bit for bit."""
from __future__ import annotations

import numpy as np

import pytest

from opcheck import Case, check_case
from pyruntime.blob import read_blob
from pyruntime.cli import main
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.inplace import band_pairs
from pyruntime.runtime import Engine
from pyruntime.tflite_builder import (
    AddOptions,
    BuiltinOp,
    Conv2DOptions,
    DepthwiseConv2DOptions,
    ModelBuilder,
    Padding,
    conv_output_size,
)


class Net:
    """A small int8 model builder: NHWC activations, per-tensor quantization."""

    def __init__(self, rng: np.random.Generator, shape: tuple[int, ...]):
        self.rng = rng
        self.mb = ModelBuilder()
        self.x = self.act("x", shape)
        self.mb.set_inputs([self.x])

    def act(self, name: str, shape: tuple[int, ...]) -> int:
        scale = float(np.float32(10.0 ** self.rng.uniform(-2, 0)))
        return self.mb.add_tensor(name, list(shape), np.int8, scale=scale,
                                  zero_point=int(self.rng.integers(-20, 20)))

    def conv(self, x: int, cout: int, k: int | tuple[int, int] = 1,
             stride: int | tuple[int, int] = 1, pad: Padding = Padding.SAME,
             dilation: tuple[int, int] = (1, 1), depthwise: bool = False) -> int:
        n, h, w, cin = self.mb.tensor_shape(x)
        kh, kw = (k, k) if isinstance(k, int) else k
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        oh = conv_output_size(h, kh, sh, dilation[0], pad)
        ow = conv_output_size(w, kw, sw, dilation[1], pad)
        shape = (1, kh, kw, cout) if depthwise else (cout, kh, kw, cin)
        wq = self.rng.integers(-127, 128, size=shape, dtype=np.int8)
        wt = self.mb.add_tensor("w", list(shape), np.int8, data=wq, scale=0.01,
                                quantized_dimension=3 if depthwise else 0)
        xs = self.mb.tensor_quantization(x)[0][0]  # type: ignore[index]
        b = self.mb.add_tensor("b", [cout], np.int32, data=self.rng.integers(-500, 500, cout),
                               scale=float(np.float32(xs) * np.float32(0.01)), zero_point=0)
        y = self.act("y", (n, oh, ow, cout))
        if depthwise:
            self.mb.add_operator(BuiltinOp.DEPTHWISE_CONV_2D, [x, wt, b], [y],
                                 DepthwiseConv2DOptions(pad, sw, sh, cout // cin,
                                                        dilation_w=dilation[1],
                                                        dilation_h=dilation[0]))
        else:
            self.mb.add_operator(BuiltinOp.CONV_2D, [x, wt, b], [y],
                                 Conv2DOptions(pad, sw, sh, dilation_w=dilation[1],
                                               dilation_h=dilation[0]))
        return y

    def add(self, a: int, b: int) -> int:
        y = self.act("sum", self.mb.tensor_shape(a))
        self.mb.add_operator(BuiltinOp.ADD, [a, b], [y], AddOptions())
        return y

    def case(self, out: int) -> Case:
        self.mb.set_outputs([out])
        shape = self.mb.tensor_shape(self.x)
        return Case(self.mb.build(), [self.rng.integers(-128, 128, shape, dtype=np.int8)])


def two_branches(rng: np.random.Generator) -> Case:
    """x -> A (wide) -> a2, x -> B (narrower) -> b2, a2 + b2; the source order runs both wide
    layers before either narrowing one."""
    n = Net(rng, (1, 8, 8, 4))
    a = n.conv(n.x, 64)
    b = n.conv(n.x, 32)
    a2 = n.conv(a, 1)
    b2 = n.conv(b, 1)
    return n.case(n.add(a2, b2))


def test_ordering_lowers_the_peak() -> None:
    rng = np.random.default_rng(1)
    case = two_branches(rng)
    conv = convert(case.model, target="host", in_place=True)
    # source order: x (256) + A (4096) + B (2048) alive at B; each branch run to its end: 4416
    assert [op.source_index for op in conv.ops] in ([0, 2, 1, 3, 4], [1, 3, 0, 2, 4])
    assert conv.arena_lower_bound == 256 + 4096 + 64
    check_case(case, rng)


def test_ordering_keeps_a_chain() -> None:
    rng = np.random.default_rng(2)
    n = Net(rng, (1, 6, 6, 3))
    y = n.conv(n.conv(n.conv(n.x, 8, 3), 4, 3, 2), 2)
    conv = convert(n.case(y).model, in_place=True)
    assert [op.source_index for op in conv.ops] == [0, 1, 2]


def random_layer(n: Net, x: int, rng: np.random.Generator) -> int:
    """One random convolution or depthwise convolution after x (shapes stay >= 1)."""
    _, h, w, cin = n.mb.tensor_shape(x)
    depthwise = rng.random() < 0.4
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dil = (int(rng.integers(1, 3)), 1) if rng.random() < 0.2 else (1, 1)
    fits = h >= (kh - 1) * dil[0] + 1 and w >= kw
    pad = Padding.VALID if fits and rng.random() < 0.4 else Padding.SAME
    cout = cin * int(rng.integers(1, 3)) if depthwise else int(rng.integers(max(1, cin - 4), cin + 5))
    return n.conv(x, cout, (kh, kw), stride, pad, dil, depthwise)


def chain_case(rng: np.random.Generator) -> Case:
    n = Net(rng, (1, int(rng.integers(6, 24)), int(rng.integers(1, 16)), int(rng.integers(1, 12))))
    y = n.x
    for _ in range(int(rng.integers(2, 5))):
        y = random_layer(n, y, rng)
    return n.case(y)


@pytest.mark.parametrize("target", ["host", "cortex-m4"])
def test_banded_in_place_layers_match_tflm(target: str) -> None:
    """Random chains of convolutions: every layer after the first may write over its input in
    bands; the plan must use that, and the engine must stay bit-exact with TFLM."""
    below = above = 0
    for seed in range(80):
        rng = np.random.default_rng(1000 + seed)
        case = chain_case(rng)
        conv = convert(case.model, target=target, in_place=True)
        below += banded(conv.blob, above=False)
        above += banded(conv.blob, above=True)
        try:
            check_case(case, rng)
        except AssertionError as exc:
            raise AssertionError(f"seed {1000 + seed}: {exc}") from None
    assert below >= 5 and above >= 5, (below, above)


def test_residual_add_writes_over_an_operand() -> None:
    rng = np.random.default_rng(5)
    n = Net(rng, (1, 8, 8, 8))
    a = n.conv(n.x, 8, 3)
    c = n.conv(a, 8, 3)
    y = n.conv(n.add(a, c), 4)  # a, c and their sum (512 B each) alive at the ADD
    case = n.case(y)
    conv = convert(case.model, target="host", in_place=False)
    blob = read_blob(conv.blob)
    add = next(op for op in blob.ops if op.code == 0)
    assert blob.tensors[add.outputs[0]].offset in {blob.tensors[t].offset for t in add.inputs}
    assert conv.arena_bytes < conv.arena_lower_bound
    check_case(case, rng)


def test_one_byte_less_is_refused() -> None:
    rng = np.random.default_rng(6)
    case = chain_case(rng)
    conv = convert(case.model, target="host", in_place=True)
    Engine(conv.blob)
    with pytest.raises(Exception, match="ARENA_SMALL"):
        Engine(conv.blob, arena_bytes=conv.arena_bytes - 1)


def test_overlap_closer_than_the_shift_is_refused() -> None:
    """A blob whose in-place output starts one byte too close to its input is refused."""
    import struct
    import zlib

    from pyruntime import blob as fmt
    rng = np.random.default_rng(8)
    n = Net(rng, (1, 16, 16, 8))
    case = n.case(n.conv(n.conv(n.conv(n.x, 16, 3), 16, 3), 16, 1))
    conv = convert(case.model, target="host", in_place=True)
    b = read_blob(conv.blob)
    over = [p for p in band_pairs(conv.graph, conv.ops, {})
            if (lambda x, y: x.offset < y.offset + y.nbytes and y.offset < x.offset + x.nbytes)(
                b.tensors[b.ops[p.pos].inputs[0]], b.tensors[b.ops[p.pos].outputs[0]])]
    p = over[-1]  # the last banded layer: its output feeds no other banded layer
    x, y = b.ops[p.pos].inputs[0], b.ops[p.pos].outputs[0]
    xo = b.tensors[x].offset
    if b.tensors[y].offset < xo:  # moved up against its input, one byte too close, then exact
        cases = ((xo - p.below + 1, False), (xo - p.below, True))
    else:  # moved down against its input
        cases = ((xo + p.above - 1, False), (xo + p.above, True))
    data = bytearray(conv.blob)
    rec = b.sections[fmt.SEC_TENSORS][0] + 32 * y
    for offset, ok in cases:
        struct.pack_into("<I", data, rec + 4, offset)
        struct.pack_into("<I", data, 12, zlib.crc32(bytes(data[16:])) & 0xFFFFFFFF)
        if ok:
            Engine(bytes(data))
        else:
            with pytest.raises(Exception, match=f"TENSOR_RANGE: operator {p.pos}"):
                Engine(bytes(data))


def banded(blob: bytes, above: bool | None = None) -> int:
    """How many layers of a blob write their output over their input in bands (only those with
    the output above the input, or below it, when `above` says so)."""
    b = read_blob(blob)
    n = 0
    for op in b.ops:
        if op.code not in (3, 4):
            continue
        x, y = b.tensors[op.inputs[0]], b.tensors[op.outputs[0]]
        if x.offset < y.offset + y.nbytes and y.offset < x.offset + x.nbytes \
                and above in (None, y.offset > x.offset):
            n += 1
    return n


def test_max_ram_changes_the_plan(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(9)
    n = Net(rng, (1, 16, 16, 4))
    y = n.x
    for cout in (8, 32, 32, 8):  # the peak: the 32-channel layer over the 32-channel input
        y = n.conv(y, cout, 3)
    case = n.case(n.conv(y, 8, 1))
    fast = convert(case.model, target="host", in_place=False)
    small = convert(case.model, target="host", in_place=True)
    assert small.ram_bytes < fast.ram_bytes and banded(fast.blob) == 0 < banded(small.blob)
    # a budget the plan without bands meets: that plan (the fewest instructions)
    assert convert(case.model, target="host", max_ram_bytes=fast.ram_bytes).blob == fast.blob
    # one byte less: the layer at the peak in bands, no other
    mid = convert(case.model, target="host", max_ram_bytes=fast.ram_bytes - 1)
    assert mid.ram_bytes < fast.ram_bytes and banded(mid.blob) == 1 < banded(small.blob)
    assert convert(case.model, target="host", max_ram_bytes=small.ram_bytes).ram_bytes \
        == small.ram_bytes
    with pytest.raises(ConversionError, match=f"needs {small.ram_bytes} bytes of RAM"):
        convert(case.model, target="host", max_ram_bytes=small.ram_bytes - 1)
    Engine(mid.blob)
    model = tmp_path / "m.tflite"
    model.write_bytes(case.model)
    out = str(tmp_path / "m.blob")
    assert main(["convert", str(model), "-o", out, "-t", "host", "--max-ram",
                 str(fast.ram_bytes - 1)]) == 0
    assert f"RAM (32-bit)    {mid.ram_bytes:,}" in capsys.readouterr().out
    assert main(["convert", str(model), "-o", out, "--max-ram", str(small.ram_bytes - 1)]) != 0
    assert "smallest RAM this engine reaches" in capsys.readouterr().err


def test_plot_of_the_plan(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(10)
    n = Net(rng, (1, 16, 16, 8))
    case = n.case(n.conv(n.conv(n.conv(n.x, 16, 3), 16, 3), 16, 1))
    blob = tmp_path / "m.blob"
    blob.write_bytes(convert(case.model, target="host", in_place=True).blob)
    png = tmp_path / "plan.png"
    assert main(["inspect", str(blob), "--plot", str(png)]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    out = capsys.readouterr().out
    assert "In place" in out and "CONV_2D: t" in out and "in bands" in out


@pytest.mark.slow
@pytest.mark.parametrize("target", ["cortex-m4", "cortex-m55"])
def test_banded_in_place_on_the_fast_kernels(target: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The arm_dsp and mve kernels, run in bands on QEMU, match the host engine (bit-exact with
    TFLM above) on random chains whose plans write layers over their inputs."""
    import shutil

    from conftest import REPO_ROOT, skip_or_fail
    from pyruntime.bench import bench
    missing = [t for t in ("arm-none-eabi-gcc", "qemu-system-arm", "cmake")
               if shutil.which(t) is None]
    if missing:
        skip_or_fail(f"missing {', '.join(missing)} (tools/install_system_deps.sh)")
    monkeypatch.setenv("PYRUNTIME_SOURCE_DIR", str(REPO_ROOT))
    blobs = []
    for seed in range(60):
        conv = convert(chain_case(np.random.default_rng(1000 + seed)).model, target=target,
                       in_place=True)
        if banded(conv.blob):
            blobs.append(conv.blob)
    assert len(blobs) >= 8
    for blob in blobs[:8]:
        r = bench(blob, target, cache_dir=tmp_path, ops="all")
        assert r["outputs_match"] is True and r["arena_refused_one_less"] is True
