"""The on-device agent (firmware/apps/agent) on the emulated Cortex-M4 (mps2-an386):
framing units, flashing and invoking the MLPerf Tiny models bit-exactly, A/B slots across
restarts, power loss while writing (resumed from the flash journal) and committing, the
operator/layout pre-check, requests at start-up, a damaging proxy, a UART flood, and the
agent fuzz targets replaying their corpora and regressions."""
from __future__ import annotations

import os
import random
import shutil
import socket
import struct
import subprocess
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
PAGE = 4096  # flash page of the emulated boards = journal progress point
slow = pytest.mark.slow


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


def _info(**kw: object) -> P.DeviceInfo:
    from pyruntime.blob import FORMAT_MAJOR, FORMAT_MINOR
    info = P.DeviceInfo(1, (0, 1, 0), (FORMAT_MAJOR, FORMAT_MINOR), 1, 4096, None, 100, 4096, 1024, [], False, 0, 0,
                        0, 0, 0, 0, "b", "cortex-m4", "fpgaio", "x", [3])
    for k, v in kw.items():
        setattr(info, k, v)
    return info


def _with_layout(blob: bytes, code: int, layout: int) -> bytes:
    """`blob` with every operator `code` set to parameter layout `layout` (written again by
    the project's own blob writer, which round-trips a converted blob byte for byte)."""
    from pyruntime.blob import read_blob, write_blob
    parsed = read_blob(blob)
    assert write_blob(parsed) == blob
    for op in parsed.ops:
        if op.code == code:
            op.version = layout
    return write_blob(parsed)


def test_fit_check_names_what_is_missing(converted_blob: Callable[[str], bytes]) -> None:
    """An agent that reports operator codes only (no layout table): checked by code."""
    flash = require_module("pyruntime.flash")
    blob = converted_blob("kws_ds_cnn")
    with pytest.raises(flash.FitError) as exc:
        flash.check_fits(blob, _info())
    msg = str(exc.value)
    assert "slot holds 100 B" in msg and "arena of" in msg and "\n" not in msg
    assert "operators the device engine does not run: AVERAGE_POOL_2D (1), DEPTHWISE" in msg


def test_fit_check_names_unsupported_layouts(converted_blob: Callable[[str], bytes]) -> None:
    flash = require_module("pyruntime.flash")
    blob = converted_blob("kws_ds_cnn")
    codes = sorted({op.code for op in flash.read_blob(blob).ops})
    layouts = {c: 0b01 for c in codes}  # every operator of the model, layout 1 only
    fits = _info(slot_capacity=1 << 20, arena_bytes=1 << 20, op_codes=codes, op_layouts=layouts)
    flash.check_fits(blob, fits)
    flash.check_fits(blob, _info(slot_capacity=1 << 20, arena_bytes=1 << 20, op_codes=codes,
                                 op_layouts=layouts), action="invoke")
    v2 = _with_layout(blob, 3, 2)  # CONV_2D with the int16 parameter layout
    with pytest.raises(flash.FitError) as exc:
        flash.check_fits(v2, fits, action="invoke")
    assert str(exc.value) == ("refusing to invoke (b, cortex-m4): operators the device engine "
                              "does not run: CONV_2D (3) layout 2 (runs layout 1)")
    layouts[4] = 0  # DEPTHWISE_CONV_2D not built in
    with pytest.raises(flash.FitError, match=r"CONV_2D \(3\) layout 2 \(runs layout 1\), "
                       r"DEPTHWISE_CONV_2D \(4\) layout 1 \(not built in\)$"):
        flash.check_fits(v2, fits)


def test_info_parses_layout_table_and_refuses_garbage() -> None:
    head = struct.pack("<BBBBBBBBHBBIII", 0, 1, 0, 1, 0, 1, 0, P.FLAG_JOURNAL, 4096, 0xFF, 2,
                       1000, 2000, 300)
    slots = bytes(32)
    session = struct.pack("<BBHIIIII", 0, 0, 0, 0, 0, 0, 5, 1)
    strings = b"".join(bytes([len(t)]) + t for t in (b"brd", b"cpu", b"ctr", b"fl"))
    old = head + slots + session + strings + bytes([2, 3, 9])
    info = P.parse_info(old)
    assert info.op_codes == [3, 9] and info.op_layouts is None and info.runs(3, 1) is None
    assert info.journal and info.board == "brd" and info.frames_ok == 5
    new = P.parse_info(old + bytes([2, 3, 0b11, 9, 0b01]))
    assert new.op_layouts == {3: 3, 9: 1} and new.layouts(3) == [1, 2]
    assert new.runs(3, 2) and not new.runs(9, 2) and not new.runs(4, 1) and not new.runs(3, 0)
    for bad in (old[:30], old + bytes([2, 3, 0b11, 9])):
        with pytest.raises(P.ResponseError, match="malformed INFO response"):
            P.parse_info(bad)


class FakeAgent:
    """Enough of the agent's transfer commands for flash_blob, in Python: a journal that
    keeps `written` rounded down to PAGE across reset(), and a hook called before each
    request (to reset the device at chosen points)."""

    def __init__(self, info: P.DeviceInfo, before: Callable[[FakeAgent, int], None]) -> None:
        from pyruntime.serial.client import WireStats
        self._info, self.before, self.stats = info, before, WireStats()
        self.data = bytearray()
        self.session: tuple[int, int] | None = None
        self.written = self.requests = 0
        self.log: list[tuple[str, int]] = []

    def info(self) -> P.DeviceInfo:
        return self._info

    def reset(self) -> None:
        self.written -= self.written % PAGE  # the journal's last progress point

    def request(self, ftype: int, body: bytes = b"", *, extra_s: float = 0.0,
                check: bool = True) -> bytes:
        self.requests += 1
        self.before(self, ftype)
        ok = bytes([P.OK])
        if ftype == P.BEGIN:
            total, crc = struct.unpack_from("<II", body)
            fresh = len(body) == 9 and body[8] & P.BEGIN_FRESH
            if self.session != (total, crc) or fresh:
                self.session, self.written, self.data = (total, crc), 0, bytearray(total)
            self.log.append(("BEGIN", self.written))
            return ok + struct.pack("<BII", 1, self.written, 1 << 20)
        if ftype == P.WRITE:
            (off,) = struct.unpack_from("<I", body)
            if off > self.written:
                return bytes([P.E_OFFSET]) + struct.pack("<I", self.written)
            self.data[off:off + len(body) - 4] = body[4:]
            self.written = max(self.written, off + len(body) - 4)
            self.log.append(("WRITE", off))
            return ok + struct.pack("<I", self.written)
        if ftype == P.VERIFY:
            assert self.session is not None
            if self.written != self.session[0]:
                return bytes([P.E_RANGE]) + bytes(8)
            return ok + struct.pack("<II", zlib.crc32(self.data), self.written)
        assert ftype == P.COMMIT and self.session is not None
        if self.written != self.session[0]:
            return bytes([P.E_STATE])
        if zlib.crc32(self.data) != self.session[1]:
            self.session = None
            return bytes([P.E_CRC])
        return ok + struct.pack("<BIBi", 1, 7, 0, -1)


def _fake_flash(blob: bytes, before: Callable[[FakeAgent, int], None], **kw: object) -> tuple:
    flash = require_module("pyruntime.flash")
    codes = sorted({op.code for op in flash.read_blob(blob).ops})
    info = _info(slot_capacity=1 << 20, arena_bytes=1 << 20, op_codes=codes, flags=P.FLAG_JOURNAL,
                 op_layouts={c: 1 for c in codes})
    dev = FakeAgent(info, before)
    return flash.flash_blob(dev, blob, progress=False, **kw), dev


def test_flash_logic_resumes_and_starts_over(converted_blob: Callable[[str], bytes]) -> None:
    """flash_blob against a fake device: a reset mid-WRITE resumes at the journal's point
    through E_OFFSET; a reset before the last record resumes through VERIFY E_RANGE; rotted
    data makes VERIFY fail and the transfer starts over with FRESH."""
    blob = converted_blob("kws_ds_cnn")  # 29,248 B: 7 pages and 576 B
    done: set[str] = set()

    def cut(dev: FakeAgent, ftype: int) -> None:
        if ftype == P.WRITE and dev.written == 3 * PAGE and "write" not in done:
            done.add("write")  # reset losing a page and a bit: the journal says 1 page
            dev.written -= PAGE + 1000
            dev.reset()
        if ftype == P.VERIFY and "verify" not in done:
            done.add("verify")  # reset that lost the record of the blob's end
            dev.written = 7 * PAGE

    r, dev = _fake_flash(blob, cut)
    # sent again: the refused WRITE at 3 pages, pages 1-2, and the tail after the 2nd reset
    assert (r.restarts, r.resumed_from) == (0, 0)
    assert r.resent_bytes == 3 * PAGE + len(blob) - 7 * PAGE
    assert [e for e in dev.log if e[0] == "BEGIN"] == [("BEGIN", 0), ("BEGIN", 7 * PAGE)]
    assert bytes(dev.data) == blob
    rot = {"done": False}

    def rotten(dev: FakeAgent, ftype: int) -> None:
        if ftype == P.VERIFY and not rot["done"]:
            rot["done"] = True
            dev.data[100] ^= 1

    r, dev = _fake_flash(blob, rotten)
    assert r.restarts == 1 and r.sent_bytes == 2 * len(blob) and bytes(dev.data) == blob
    r, dev = _fake_flash(blob, lambda d, t: None, fresh=True)
    assert r.restarts == 0 and r.sent_bytes == len(blob)


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


@slow
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


def _cut_while_flashing(board: Board, blob: bytes, fractions: tuple[float, ...]) -> object:
    """Flash `blob` from a thread and cut the power (kill QEMU, start it again with the same
    flash image) each time the tool has sent the next fraction of the blob; the tool's
    FlashResult."""
    c = board.client(reconnect_s=30.0)
    box: dict[str, object] = {}

    def flash() -> None:
        try:
            box["result"] = _flash(c, blob)
        except Exception as exc:  # reported below
            box["error"] = exc

    t = threading.Thread(target=flash, daemon=True)
    t.start()
    deadline = time.monotonic() + 120
    for frac in fractions:
        while c.stats.tx_bytes < frac * len(blob) and time.monotonic() < deadline and t.is_alive():
            time.sleep(0.005)
        board.kill()  # power cut in the middle of a WRITE
        board.start()
    t.join(timeout=180)
    c.close()
    assert not t.is_alive()
    assert "error" not in box, box.get("error")
    print(f"\nclient: {c.stats}")
    return box["result"]


@slow
def test_power_cuts_resume_from_journal(board: Board, models: dict) -> None:
    """Three power cuts during one transfer: each time the device resumes from its flash
    journal, the tool continues there (no restart, nothing sent twice beyond the chunk in
    flight) and the model that ends up active is the whole new one."""
    _flash_kws(board, models)
    ic = models["ic_resnet8"]["blob"]
    r = _cut_while_flashing(board, ic, (0.25, 0.5, 0.75))
    print(f"\n3 cuts: resumed_from {r.resumed_from}, sent {r.sent_bytes} of {len(ic)} B, "
          f"re-sent {r.resent_bytes}, tx {r.tx_bytes}, restarts {r.restarts}")
    # WRITE requests carried the blob once, plus at most a page per cut (without the journal
    # each cut restarted the transfer at 0: 1.5 blobs more); the chunk in flight at a cut is
    # retransmitted by the link layer (client stats), not counted here
    assert r.restarts == 0 and r.resent_bytes <= 3 * PAGE
    assert r.sent_bytes <= len(ic) + 3 * PAGE
    c = board.client()
    assert _which(c, models) == "ic_resnet8"
    c.close()


def _partial_transfer(board: Board, blob: bytes, pages: int, extra: int = 0) -> object:
    """BEGIN, `pages` full pages and `extra` more bytes of `blob`, then a power cut; the
    client of the restarted board."""
    c = board.client()
    c.request(P.BEGIN, struct.pack("<II", len(blob), zlib.crc32(blob)))
    for off in range(0, pages * PAGE, PAGE):
        c.request(P.WRITE, struct.pack("<I", off) + blob[off:off + PAGE])
    if extra:
        end = pages * PAGE
        c.request(P.WRITE, struct.pack("<I", end) + blob[end:end + extra])
    board.kill()
    c.close()
    board.start()
    return board.client()


@slow
def test_journal_resumes_at_last_page_and_keeps_old_model(board: Board, models: dict) -> None:
    _flash_kws(board, models)
    ic = models["ic_resnet8"]["blob"]
    c = _partial_transfer(board, ic, 3, extra=2048)  # half a page more: not a progress point
    info = c.info()
    assert info.journal and info.session_open and info.session_slot == 1
    assert (info.session_total, info.session_crc) == (len(ic), zlib.crc32(ic))
    assert info.session_written == 3 * PAGE and not info.slots[1].valid
    assert _which(c, models) == "kws_ds_cnn"  # the old model, whole, still active
    r = _flash(c, ic)
    assert r.resumed_from == 3 * PAGE and r.sent_bytes == len(ic) - 3 * PAGE
    assert r.restarts == 0 and r.resent_bytes == 0
    assert _which(c, models) == "ic_resnet8"
    c.close()


@slow
def test_journal_only_for_the_same_blob_and_not_fresh(board: Board, models: dict,
                                                      mlperf_model: Callable[[str], Path]) -> None:
    """A different blob starts at 0 as before (and replaces the journal); --fresh too."""
    convert = require_module("pyruntime.convert")
    kws_named = convert.convert(mlperf_model("kws_ds_cnn"), keep_names=True).blob
    assert kws_named != models["kws_ds_cnn"]["blob"]
    _flash_kws(board, models)
    ic = models["ic_resnet8"]["blob"]
    c = _partial_transfer(board, ic, 2)
    assert c.info().session_written == 2 * PAGE
    r = _flash(c, kws_named)
    assert r.resumed_from == 0 and r.sent_bytes == len(kws_named)
    info = c.info()
    assert not info.session_open and info.active.crc == zlib.crc32(kws_named)
    c.close()
    c = _partial_transfer(board, ic, 2)
    assert c.info().session_written == 2 * PAGE
    r = _flash(c, ic, fresh=True)
    assert r.resumed_from == 0 and r.sent_bytes == len(ic) and r.restarts == 0
    assert _which(c, models) == "ic_resnet8"
    c.close()


@slow
def test_corrupted_journaled_data_starts_over(board: Board, models: dict) -> None:
    """The journal vouches for 3 pages, one of whose bytes then rots: VERIFY catches it, the
    tool starts over with a fresh session and the right model ends up active."""
    _flash_kws(board, models)
    ic = models["ic_resnet8"]["blob"]
    c = _partial_transfer(board, ic, 3)
    slot_bytes = c.info().slot_capacity + PAGE
    c.close()
    board.stop()
    _corrupt(board.image, slot_bytes + PAGE + 5000)  # slot B, blob byte 5000
    board.start()
    c = board.client()
    assert c.info().session_written == 3 * PAGE
    r = _flash(c, ic)
    assert r.resumed_from == 3 * PAGE and r.restarts == 1
    assert _which(c, models) == "ic_resnet8"
    c.close()


@slow
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


@slow
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


@slow
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


@slow
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


@slow
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


@slow
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


@slow
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


@slow
def test_request_at_start_is_answered_at_once(fw: object, tmp_path: Path) -> None:
    """Requests sent the moment the connection to a just-started board opens are answered,
    each once, as soon as the agent has booted: right after its READY frame (before the fix,
    docs/serial_protocol.md "Start-up", they waited in QEMU's socket until about 1 s after
    the start in most starts, while READY came out at once)."""
    from pyruntime.targets.qemu_agent import QemuAgent
    gaps = []
    for i in range(6):
        with QemuAgent(BOARD, tmp_path / f"flash{i}.img", fw=fw, max_s=60) as q, \
                socket.create_connection(("127.0.0.1", q.port), timeout=5) as s:
            t0 = time.monotonic()
            s.sendall(b"".join(encode_frame(P.INFO, seq) for seq in (1, 2, 3)))
            s.settimeout(0.01)
            dec, got, ready_at = FrameDecoder(), [], None
            while len(got) < 3 and time.monotonic() - t0 < 5.0:
                try:
                    frames = dec.feed(s.recv(65536))
                except (TimeoutError, socket.timeout):
                    continue
                for f in frames:
                    if f.type == P.READY and f.seq == 0:
                        assert ready_at is None and f.body[:2] == bytes([P.OK, P.PROTO_VERSION])
                        ready_at = time.monotonic()
                    else:
                        got.append(f)
            assert ready_at is not None, "no READY frame at boot"
            assert sorted((f.type, f.seq) for f in got) == [(P.INFO | P.RESP_FLAG, n)
                                                            for n in (1, 2, 3)]
            gaps.append(time.monotonic() - ready_at)
    print(f"\nlast answer after READY: {', '.join(f'{t * 1000:.0f}' for t in gaps)} ms")
    assert max(gaps) < 0.3, gaps


@slow
def test_precheck_refuses_unsupported_layout(board: Board, models: dict, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """INFO reports every operator with its layout versions (as the engine's
    pyrt_op_supported says); flash and invoke --blob refuse a blob using a pair the device
    does not run, in one line, before sending any of it."""
    from pyruntime._engine import lib
    from pyruntime.cli import main
    c = board.client()
    info = c.info()
    c.close()
    want = {code: sum(1 << (v - 1) for v in range(1, 9) if lib.pyrt_op_supported(code, v))
            for code in range(256)}
    assert info.op_layouts == {k: v for k, v in want.items() if v}
    assert info.layouts(3) == [1, 2] and info.op_codes == sorted(info.op_layouts)
    kws = models["kws_ds_cnn"]["blob"]
    good, bad = tmp_path / "kws.blob", tmp_path / "kws_conv_layout3.blob"
    good.write_bytes(kws)
    bad.write_bytes(_with_layout(kws, 3, 3))  # CONV_2D with a layout no engine has
    x = tmp_path / "x.npy"
    np.save(x, models["kws_ds_cnn"]["xs"][0])
    line = ("operators the device engine does not run: CONV_2D (3) layout 3 "
            "(runs layout 1, 2)")
    assert main(["flash", "--port", board.url, "-q", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == f"pyruntime flash: error: refusing to flash (mps2_an386, cortex-m4): {line}\n"
    c = board.client()
    info = c.info()
    c.close()
    assert not info.session_open and info.active_slot is None  # nothing was sent
    assert main(["flash", "--port", board.url, "-q", str(good)]) == 0
    capsys.readouterr()
    assert main(["invoke", "--port", board.url, "-q", "-i", str(x), "--blob", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == f"pyruntime invoke: error: refusing to invoke (mps2_an386, cortex-m4): {line}\n"
    other = tmp_path / "ic.blob"
    other.write_bytes(models["ic_resnet8"]["blob"])
    assert main(["invoke", "--port", board.url, "-q", "-i", str(x), "--blob", str(other)]) == 2
    assert "the active model is another blob" in capsys.readouterr().err
    y = tmp_path / "y.npy"
    assert main(["invoke", "--port", board.url, "-q", "-i", str(x), "--blob", str(good),
                 "-o", str(y)]) == 0
    np.testing.assert_array_equal(np.load(y), models["kws_ds_cnn"]["ys"][0])


FUZZ = REPO_ROOT / "tests" / "fuzz"


@slow
@pytest.mark.parametrize("target", ["agent_frame", "agent_dispatch"])
def test_fuzz_target_replays_corpus_and_regressions(target: str, tmp_path: Path) -> None:
    """The libFuzzer targets build and run clean over their seed corpus and the inputs that
    once failed (tests/fuzz/<target>/regressions)."""
    if shutil.which("clang") is None:
        skip_or_fail("clang is not installed (needed for the libFuzzer targets)")
    build = subprocess.run(["bash", str(FUZZ / target / "build.sh"), str(tmp_path)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    dirs = [d for d in (FUZZ / target / "corpus", FUZZ / target / "regressions") if d.is_dir()]
    files = [f for d in dirs for f in sorted(d.iterdir())]
    assert files, f"no inputs for {target}"
    run = subprocess.run([str(tmp_path / "fuzzer"), *map(str, files)], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
