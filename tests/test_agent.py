"""The on-device agent (firmware/apps/agent) on the emulated Cortex-M4 (mps2-an386):
framing units, flashing and invoking the MLPerf Tiny models bit-exactly, A/B slots across
restarts, power loss while writing and committing, a damaging proxy, and a UART flood."""
from __future__ import annotations

import os
import random
import shutil
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO_ROOT, require_module, skip_or_fail
from fault_proxy import Faults, FaultProxy

os.environ.setdefault("PYRUNTIME_SOURCE_DIR", str(REPO_ROOT))

from pyruntime.serial import cobs  # noqa: E402
from pyruntime.serial import protocol as P  # noqa: E402
from pyruntime.serial.framing import FrameDecoder, encode_frame  # noqa: E402

BOARD = "mps2_an386"
MODELS = ("kws_ds_cnn", "ic_resnet8")


# ---- framing, no board needed ------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 253, 254, 255, 508, 509, 4200])
def test_cobs_roundtrip(n: int) -> None:
    rng = random.Random(n)
    for zeros in (0.0, 0.1, 1.0):
        data = bytes(0 if rng.random() < zeros else rng.randrange(1, 256) for _ in range(n))
        enc = cobs.encode(data)
        assert 0 not in enc
        assert len(enc) <= n + n // 254 + 1
        assert cobs.decode(enc) == data


def test_frame_decoder_skips_garbage_and_damage() -> None:
    good = encode_frame(P.INFO, 7, b"abc")
    bad = bytearray(encode_frame(P.INFO, 8, b"xyz"))
    bad[3] ^= 0x10
    dec = FrameDecoder()
    frames = dec.feed(b"\x13\x37garbage" + bytes(bad) + good)
    assert [(f.type, f.seq, f.body) for f in frames] == [(P.INFO, 7, b"abc")]
    assert dec.bad_frames == 2


def test_fit_check_names_what_is_missing(converted_blob: Callable[[str], bytes]) -> None:
    flash = require_module("pyruntime.flash")
    blob = converted_blob("kws_ds_cnn")
    info = P.DeviceInfo(1, (0, 1, 0), (1, 0), 1, 4096, None, 100, 4096, 1024, [], False, 0, 0,
                        0, 0, 0, 0, "b", "cortex-m4", "fpgaio", "x", [3])
    with pytest.raises(flash.FitError) as exc:
        flash.check_fits(blob, info)
    msg = str(exc.value)
    assert "slot holds 100 B" in msg and "arena of" in msg
    assert "operators missing from the device engine: AVERAGE_POOL_2D (1), DEPTHWISE" in msg


# ---- the emulated board ------------------------------------------------------------------
@pytest.fixture(scope="module")
def fw() -> object:
    for tool in ("qemu-system-arm", "arm-none-eabi-gcc", "cmake"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed")
    from pyruntime.targets.qemu import build_firmware
    return build_firmware(BOARD, "agent")


@pytest.fixture(scope="module")
def models(converted_blob: Callable[[str], bytes]) -> dict[str, dict[str, object]]:
    """name -> blob, two inputs and the host Engine's outputs for them."""
    from pyruntime.runtime import Engine
    out: dict[str, dict[str, object]] = {}
    for name in MODELS:
        blob = converted_blob(name)
        eng = Engine(blob)
        rng = np.random.default_rng(len(blob))
        xs = [rng.integers(-128, 128, size=eng.inputs[0].shape, dtype=np.int8) for _ in range(2)]
        out[name] = {"blob": blob, "xs": xs, "ys": [eng.invoke(x)[0] for x in xs]}
    return out


class Board:
    """Start / kill / restart QEMU with the agent, keeping the flash image and the port."""

    def __init__(self, fw: object, image: Path) -> None:
        from pyruntime.targets.qemu_agent import QemuAgent, free_port
        self._cls = QemuAgent
        self.fw, self.image, self.port = fw, image, free_port()
        self.q: object | None = None

    def start(self) -> Board:
        self.q = self._cls(BOARD, self.image, port=self.port, fw=self.fw, max_s=240)
        self.q.start()
        return self

    def kill(self) -> None:
        self.q.kill()

    def stop(self) -> None:
        if self.q is not None:
            self.q.stop()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def client(self, url: str | None = None, **kw: object) -> object:
        from pyruntime.serial.client import AgentClient
        return AgentClient(url or self.url, **kw)


@pytest.fixture
def board(fw: object, tmp_path: Path) -> Iterator[Board]:
    b = Board(fw, tmp_path / "flash.img").start()
    yield b
    b.stop()


def _flash(client: object, blob: bytes, **kw: object) -> object:
    from pyruntime.flash import flash_blob
    return flash_blob(client, blob, progress=False, **kw)


def _run(client: object, x: np.ndarray) -> np.ndarray:
    from pyruntime.device import run
    return run(client, [x]).outputs[0]


def _check_model(client: object, m: dict[str, object]) -> None:
    for x, y in zip(m["xs"], m["ys"]):
        np.testing.assert_array_equal(_run(client, x), y)


def _which(client: object, models: dict[str, dict[str, object]]) -> str:
    """Name of the active model, after checking that it runs bit-exactly (never a mix)."""
    info = client.info()
    assert info.active is not None, "no active model"
    names = [n for n, m in models.items() if zlib.crc32(m["blob"]) == info.active.crc]
    assert len(names) == 1, f"active model CRC {info.active.crc:08x} is none of the known blobs"
    _check_model(client, models[names[0]])
    return names[0]


def test_flash_invoke_bit_exact_and_survive_restart(board: Board, models: dict) -> None:
    c = board.client()
    info = c.info()
    assert info.board == BOARD and info.cpu == "cortex-m4" and info.persistent
    assert info.active_slot is None and 3 in info.op_codes  # CONV_2D
    results = {}
    for name in MODELS:
        r = _flash(c, models[name]["blob"])
        results[name] = r
        _check_model(c, models[name])
        print(f"\n{name}: {r.blob_bytes} B, {r.seconds:.2f} s, {r.rate / 1024:.1f} KiB/s, "
              f"wire efficiency {r.efficiency:.4f} (tx {r.tx_bytes}, rx {r.rx_bytes})")
        assert r.efficiency >= 0.9
    info = c.info()
    assert [s.valid for s in info.slots] == [True, True]
    assert info.active_slot == 1 and info.active.seq == 2
    assert _flash(c, models["ic_resnet8"]["blob"]).already_active
    c.close()
    board.stop()
    board.start()
    c = board.client()
    assert _which(c, models) == "ic_resnet8"
    assert c.info().active.seq == 2
    c.close()


def _flash_kws(board: Board, models: dict) -> None:
    c = board.client()
    _flash(c, models["kws_ds_cnn"]["blob"])
    c.close()


def test_power_loss_while_writing_then_tool_finishes(board: Board, models: dict) -> None:
    _flash_kws(board, models)
    ic = models["ic_resnet8"]["blob"]
    c = board.client(reconnect_s=30.0)
    box: dict[str, object] = {}

    def flash() -> None:
        try:
            box["result"] = _flash(c, ic)
        except Exception as exc:  # reported below
            box["error"] = exc

    t = threading.Thread(target=flash, daemon=True)
    t.start()
    deadline = time.monotonic() + 60
    while c.stats.tx_bytes < len(ic) // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    board.kill()  # power cut in the middle of WRITE
    # the cut board, as it boots: the old model, whole
    board.start()
    time.sleep(0.0)
    t.join(timeout=120)
    assert not t.is_alive()
    assert "error" not in box, box.get("error")
    r = box["result"]
    assert r.restarts == 1
    c.close()
    c = board.client()
    assert _which(c, models) == "ic_resnet8"
    c.close()


def test_power_loss_while_writing_keeps_old_model(board: Board, models: dict) -> None:
    _flash_kws(board, models)
    c = board.client()
    ic = models["ic_resnet8"]["blob"]
    c.request(P.BEGIN, struct.pack("<II", len(ic), zlib.crc32(ic)))
    for off in range(0, 3 * 4096, 4096):
        c.request(P.WRITE, struct.pack("<I", off) + ic[off:off + 4096])
    board.kill()
    c.close()
    board.start()
    c = board.client()
    info = c.info()
    assert not info.session_open and info.slots[1].valid is False
    assert _which(c, models) == "kws_ds_cnn"
    c.close()


@pytest.mark.parametrize("delay_s", [0.0, 0.002, 0.01, 0.05])
def test_power_loss_while_committing(board: Board, models: dict, delay_s: float) -> None:
    _flash_kws(board, models)
    c = board.client()
    ic = models["ic_resnet8"]["blob"]
    crc = zlib.crc32(ic)
    c.request(P.BEGIN, struct.pack("<II", len(ic), crc))
    for off in range(0, len(ic), 4096):
        c.request(P.WRITE, struct.pack("<I", off) + ic[off:off + 4096])
    c._send(encode_frame(P.COMMIT, 0x4242, struct.pack("<I", crc)))
    time.sleep(delay_s)
    board.kill()
    c.close()
    board.start()
    c = board.client()
    assert _which(c, models) in ("kws_ds_cnn", "ic_resnet8")
    c.close()


def _corrupt(image: Path, offset: int) -> None:
    with image.open("r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


@pytest.mark.parametrize("where", ["header", "data"])
def test_boot_falls_back_to_older_valid_slot(board: Board, models: dict, where: str) -> None:
    c = board.client()
    _flash(c, models["kws_ds_cnn"]["blob"])
    _flash(c, models["ic_resnet8"]["blob"])
    info = c.info()
    c.close()
    board.stop()
    slot_bytes = info.slot_capacity + 4096
    _corrupt(board.image, slot_bytes + (20 if where == "header" else 4096 + 1000))
    board.start()
    c = board.client()
    assert _which(c, models) == "kws_ds_cnn"
    c.close()


def test_flash_through_damaging_proxy(board: Board, models: dict) -> None:
    faults = Faults(drop=0.04, flip=0.04, dup=0.08, delay=0.05, delay_s=0.4, seed=3)
    with FaultProxy(board.port, faults, max_s=150) as proxy:
        c = board.client(proxy.url, timeout_s=0.6)
        r = _flash(c, models["kws_ds_cnn"]["blob"])
        _check_model(c, models["kws_ds_cnn"])
        c.close()
    n = proxy.counts
    print(f"\nproxy: {n.frames} frames, drop {n.drop} flip {n.flip} dup {n.dup} delay {n.delay}; "
          f"client: {c.stats}")
    assert n.drop + n.flip + n.dup + n.delay > 0 and r.restarts == 0


def _clean_tx_bytes(blob: bytes) -> list[int]:
    """Host->board bytes at the end of each request of an undisturbed flash of `blob`."""
    seq = 0x0101  # COBS length does not depend on the (non-zero) sequence bytes
    ends, n = [], 0
    frames = [encode_frame(P.INFO, seq), encode_frame(P.BEGIN, seq, bytes(8))]
    frames += [encode_frame(P.WRITE, seq, struct.pack("<I", o) + blob[o:o + 4096])
               for o in range(0, len(blob), 4096)]
    frames += [encode_frame(P.VERIFY, seq, bytes(8)), encode_frame(P.COMMIT, seq, bytes(4))]
    for f in frames:
        n += len(f)
        ends.append(n)
    return ends


@pytest.mark.parametrize("phase", ["write", "verify", "commit"])
def test_disconnect_mid_phase_resumes(board: Board, models: dict, phase: str) -> None:
    """The link is cut inside a WRITE, the VERIFY or the COMMIT request: the tool reconnects,
    retransmits (the board replays or resumes at the offset it reached) and finishes."""
    blob = models["kws_ds_cnn"]["blob"]
    ends = _clean_tx_bytes(blob)
    cut_after = {"write": ends[4] - 1000, "verify": ends[-2] - 5, "commit": ends[-1] - 5}[phase]
    with FaultProxy(board.port, Faults(cut_after=cut_after), max_s=120) as proxy:
        c = board.client(proxy.url, timeout_s=0.6)
        r = _flash(c, blob)
        _check_model(c, models["kws_ds_cnn"])
        c.close()
    assert proxy.counts.cut == 1 and c.stats.reconnects >= 1 and r.restarts == 0


def test_unreachable_board_fails_with_message(fw: object) -> None:
    from pyruntime.serial.client import AgentClient, AgentError
    from pyruntime.targets.qemu_agent import free_port
    port = free_port()
    srv = socket.socket()
    srv.bind(("127.0.0.1", port))
    srv.listen(1)  # accepts, never answers
    try:
        c = AgentClient(f"socket://127.0.0.1:{port}", retries=2, timeout_s=0.2)
        with pytest.raises(AgentError, match="INFO: no answer from the agent"):
            c.info()
        c.close()
    finally:
        srv.close()


def test_random_flood_never_touches_models(board: Board, models: dict) -> None:
    _flash_kws(board, models)
    c = board.client()
    before = c.info()
    c.close()
    rng = random.Random(5)
    with socket.create_connection(("127.0.0.1", board.port), timeout=5) as s:
        s.settimeout(0.001)
        for _ in range(40):
            s.sendall(bytes(rng.randrange(256) for _ in range(512)))
            try:
                while s.recv(65536):
                    pass
            except (TimeoutError, socket.timeout, BlockingIOError):
                pass
        # a flood of well-formed frames with random types and bodies, too
        for seq in range(200):
            ftype = rng.choice([t for t in range(256) if t not in (P.ERASE, P.BEGIN,
                                                                    P.WRITE, P.COMMIT)])
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
            s.sendall(encode_frame(ftype, seq, body))
        time.sleep(0.5)
    c = board.client()
    after = c.info()
    assert after.slots == before.slots and after.active_slot == before.active_slot
    assert after.frames_bad > before.frames_bad
    assert _which(c, models) == "kws_ds_cnn"
    c.close()


def test_erase_requires_magic_and_keeps_active_model(board: Board, models: dict) -> None:
    c = board.client()
    _flash(c, models["kws_ds_cnn"]["blob"])
    _flash(c, models["ic_resnet8"]["blob"])
    body = c.request(P.ERASE, struct.pack("<IB", 0x12345678, P.ERASE_ALL), check=False)
    assert body[0] == 14
    c.request(P.ERASE, struct.pack("<IB", P.ERASE_MAGIC, P.ERASE_INACTIVE))
    info = c.info()
    assert info.slots[0].valid is False and info.active_slot == 1
    assert _which(c, models) == "ic_resnet8"
    c.request(P.ERASE, struct.pack("<IB", P.ERASE_MAGIC, P.ERASE_ALL))
    assert c.info().active_slot is None
    c.close()
