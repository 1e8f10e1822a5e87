"""`pyruntime flash`: write a blob into the device's inactive model slot over the agent
protocol, verify it and make it active (docs/serial_protocol.md, "Flashing a model")."""
from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass

from tqdm import tqdm

from .blob import read_blob
from .errors import PyruntimeError
from .serial import protocol as P
from .serial.client import AgentClient, AgentError


class FitError(PyruntimeError):
    """The blob cannot run on the device (refused before any byte is sent)."""


@dataclass
class FlashResult:
    blob_bytes: int
    slot: int
    seq: int
    seconds: float
    tx_bytes: int
    rx_bytes: int
    restarts: int
    resumed_from: int
    already_active: bool = False

    @property
    def efficiency(self) -> float:
        """Blob bytes / bytes on the wire (both directions) for the whole flash."""
        wire = self.tx_bytes + self.rx_bytes
        return self.blob_bytes / wire if wire else 0.0

    @property
    def rate(self) -> float:
        return self.blob_bytes / self.seconds if self.seconds > 0 else 0.0


def op_name(code: int) -> str:
    try:
        from .ops import OPS
        return f"{OPS[code].name} ({code})"
    except (ImportError, KeyError, AttributeError):
        return f"code {code}"


def check_fits(blob: bytes, info: P.DeviceInfo) -> None:
    """Raise FitError listing everything that keeps the blob from running on the device."""
    try:
        parsed = read_blob(blob)
    except PyruntimeError as exc:
        raise FitError(f"not a valid blob: {exc}") from exc
    problems = []
    if len(blob) > info.slot_capacity:
        problems.append(f"blob is {len(blob):,} B but a model slot holds {info.slot_capacity:,} B")
    if parsed.arena_bytes > info.arena_bytes:
        problems.append(f"model needs an arena of {parsed.arena_bytes:,} B, the device has "
                        f"{info.arena_bytes:,} B")
    if parsed.format_major != info.format_version[0] or parsed.format_minor > info.format_version[1]:
        problems.append(f"blob format {parsed.format_major}.{parsed.format_minor} is not readable "
                        f"by the device engine (format {info.format_version[0]}."
                        f"{info.format_version[1]})")
    missing = sorted({op.code for op in parsed.ops} - set(info.op_codes))
    if missing:
        problems.append("operators missing from the device engine: " +
                        ", ".join(op_name(c) for c in missing))
    if problems:
        raise FitError(f"refusing to flash ({info.board}, {info.cpu}): " + "; ".join(problems))


def _u32(body: bytes, pos: int) -> int:
    return int(struct.unpack_from("<I", body, pos)[0])


def flash_blob(client: AgentClient, blob: bytes, *, progress: bool = True, chunk: int = 4096,
               force: bool = False, max_restarts: int = 3) -> FlashResult:
    """Write, verify and commit `blob`; resume where the device stopped after a dropped
    connection, start over (at most `max_restarts` times) after a device reset."""
    info = client.info()
    check_fits(blob, info)
    total, crc = len(blob), zlib.crc32(blob)
    chunk = min(chunk, info.max_data) // 8 * 8
    t0, tx0, rx0 = time.monotonic(), client.stats.tx_bytes, client.stats.rx_bytes
    act = info.active
    if not force and act is not None and act.crc == crc and act.length == total:
        return FlashResult(total, info.active_slot or 0, act.seq, 0.0, 0, 0, 0, total, True)
    restarts, resumed_from = 0, -1
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, disable=not progress,
               desc=f"flash {info.board}", leave=progress)
    try:
        while True:
            body = client.request(P.BEGIN, struct.pack("<II", total, crc))
            written = _u32(body, 2)  # body[1]: the slot being written
            if resumed_from < 0:
                resumed_from = written
            bar.n = written
            bar.refresh()
            lost = False
            while written < total:
                data = blob[written:written + chunk]
                body = client.request(P.WRITE, struct.pack("<I", written) + data, check=False)
                st, dev = body[0], _u32(body, 1) if len(body) >= 5 else 0
                if st in (P.OK, P.E_OFFSET):
                    written = dev
                elif st == P.E_STATE:  # the device reset: its write session is gone
                    lost = True
                    break
                else:
                    raise AgentError(f"WRITE at offset {written} of {total} failed: "
                                     f"{P.status_text(st)}", st, body)
                bar.update(written - bar.n)
            if not lost:
                body = client.request(P.VERIFY, struct.pack("<II", 0, total), check=False,
                                      extra_s=5.0)
                if body[0] == P.OK and _u32(body, 1) != crc:
                    raise AgentError(f"VERIFY: the device computed CRC {_u32(body, 1):08x} over "
                                     f"the {total} B written, expected {crc:08x}; flash again")
                lost = body[0] == P.E_STATE
            if not lost:
                body = client.request(P.COMMIT, struct.pack("<I", crc), check=False,
                                      extra_s=20.0)
                if body[0] == P.OK:
                    seq = _u32(body, 2)
                    return FlashResult(total, body[1], seq, time.monotonic() - t0,
                                       client.stats.tx_bytes - tx0, client.stats.rx_bytes - rx0,
                                       restarts, resumed_from)
                if body[0] != P.E_STATE:
                    detail = ""
                    if body[0] == P.E_ENGINE and len(body) >= 11:
                        detail = f" (engine status {body[6]}, index {struct.unpack_from('<i', body, 7)[0]})"
                    raise AgentError(f"COMMIT refused: {P.status_text(body[0])}{detail}; the "
                                     "previous model stays active", body[0], body)
                # E_STATE: reset before the commit, or the commit happened and its answer was
                # lost across a reset: ask the device which model is active
                now = client.info().active
                if now is not None and now.crc == crc and now.length == total:
                    return FlashResult(total, client.info().active_slot or 0, now.seq,
                                       time.monotonic() - t0, client.stats.tx_bytes - tx0,
                                       client.stats.rx_bytes - rx0, restarts, resumed_from)
            restarts += 1
            if restarts > max_restarts:
                raise AgentError(f"the device reset {restarts} times during the transfer; "
                                 "giving up (the previous model stays active)")
            bar.write(f"device reset during the transfer (session lost): starting over "
                      f"({restarts}/{max_restarts})")
    finally:
        bar.close()
