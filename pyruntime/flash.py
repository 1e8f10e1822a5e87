"""`pyruntime flash`: write a blob into the device's inactive model slot over the agent
protocol, verify it and make it active (docs/serial_protocol.md, "Flashing a model")."""
from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass

from tqdm import tqdm

from .blob import OpRecord, read_blob
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
    resumed_from: int  # where the first BEGIN told the host to continue (a kept session)
    already_active: bool = False
    sent_bytes: int = 0  # blob bytes carried by WRITE requests (retransmissions not counted)

    @property
    def efficiency(self) -> float:
        """Blob bytes / bytes on the wire (both directions) for the whole flash."""
        wire = self.tx_bytes + self.rx_bytes
        return self.blob_bytes / wire if wire else 0.0

    @property
    def rate(self) -> float:
        return self.blob_bytes / self.seconds if self.seconds > 0 else 0.0

    @property
    def resent_bytes(self) -> int:
        """Blob bytes sent again because the device lost them (a reset, a restart)."""
        return max(0, self.sent_bytes - (self.blob_bytes - self.resumed_from))


def op_name(code: int) -> str:
    try:
        from .ops import OPS
        return f"{OPS[code].name} ({code})"
    except (ImportError, KeyError, AttributeError):
        return f"code {code}"


def unsupported_ops(ops: list[OpRecord], info: P.DeviceInfo) -> list[str]:
    """The blob's (operator, parameter layout version) pairs the device engine does not run,
    named; an agent that predates layout versions in INFO is checked by operator code."""
    pairs = sorted({(op.code, op.version) for op in ops})
    if info.op_layouts is None:
        return [op_name(c) for c in sorted({c for c, _ in pairs} - set(info.op_codes))]
    out = []
    for code, layout in pairs:
        if not info.runs(code, layout):
            have = info.layouts(code)
            runs = f"runs layout {', '.join(map(str, have))}" if have else "not built in"
            out.append(f"{op_name(code)} layout {layout} ({runs})")
    return out


def check_fits(blob: bytes, info: P.DeviceInfo, action: str = "flash") -> None:
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
    missing = unsupported_ops(parsed.ops, info)
    if missing:
        problems.append("operators the device engine does not run: " + ", ".join(missing))
    if problems:
        raise FitError(f"refusing to {action} ({info.board}, {info.cpu}): " + "; ".join(problems))


def _u32(body: bytes, pos: int) -> int:
    return int(struct.unpack_from("<I", body, pos)[0])


def _begin_body(total: int, crc: int, fresh: bool) -> bytes:
    return struct.pack("<II", total, crc) + (bytes([P.BEGIN_FRESH]) if fresh else b"")


def flash_blob(client: AgentClient, blob: bytes, *, progress: bool = True, chunk: int = 4096,
               force: bool = False, fresh: bool = False, max_restarts: int = 3) -> FlashResult:
    """Write, verify and commit `blob`; continue where the device stands after a dropped
    connection or a reset (its flash journal keeps the progress); BEGIN again (at most
    `max_restarts` times) when the device lost the transfer or the blob failed its CRC
    (then with FRESH: from 0). `fresh` discards what the device kept of an earlier
    transfer of the same blob. FlashResult.restarts counts the starts over from 0."""
    info = client.info()
    check_fits(blob, info)
    total, crc = len(blob), zlib.crc32(blob)
    chunk = min(chunk, info.max_data) // 8 * 8
    t0, tx0, rx0 = time.monotonic(), client.stats.tx_bytes, client.stats.rx_bytes
    act = info.active
    if not force and act is not None and act.crc == crc and act.length == total:
        return FlashResult(total, info.active_slot or 0, act.seq, 0.0, 0, 0, 0, total, True)
    if fresh and not info.journal:
        fresh = False  # an agent without the journal keeps nothing across a reset anyway
    restarts, rounds, resumed_from, sent = 0, 0, -1, 0
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, disable=not progress,
               desc=f"flash {info.board}", leave=progress)

    def result(slot: int, seq: int) -> FlashResult:
        return FlashResult(total, slot, seq, time.monotonic() - t0, client.stats.tx_bytes - tx0,
                           client.stats.rx_bytes - rx0, restarts, resumed_from, False, sent)

    try:
        while True:
            body = client.request(P.BEGIN, _begin_body(total, crc, fresh))
            fresh = False
            written = _u32(body, 2)  # body[1]: the slot being written
            if resumed_from < 0:
                resumed_from = written
            elif written == 0:
                restarts += 1  # the transfer starts over (not resumed by the device)
            bar.n = written
            bar.refresh()
            lost = False
            while written < total:
                data = blob[written:written + chunk]
                body = client.request(P.WRITE, struct.pack("<I", written) + data, check=False)
                sent += len(data)
                st, dev = body[0], _u32(body, 1) if len(body) >= 5 else 0
                if st in (P.OK, P.E_OFFSET):  # E_OFFSET: the device reset and resumed lower
                    written = dev
                elif st == P.E_STATE:  # the device reset and kept no session
                    lost = True
                    break
                else:
                    raise AgentError(f"WRITE at offset {written} of {total} failed: "
                                     f"{P.status_text(st)}", st, body)
                bar.n = written
                bar.refresh()
            why = "the device reset and lost the transfer"
            if not lost:
                body = client.request(P.VERIFY, struct.pack("<II", 0, total), check=False,
                                      extra_s=5.0)
                # E_STATE: session lost; E_RANGE: the device reset and resumed below the end
                lost = body[0] in (P.E_STATE, P.E_RANGE)
                if body[0] == P.OK and _u32(body, 1) != crc:
                    if not info.journal:
                        raise AgentError(f"VERIFY: the device computed CRC {_u32(body, 1):08x} "
                                         f"over the {total} B written, expected {crc:08x}; "
                                         "flash again")
                    lost, fresh = True, True
                    why = f"the written blob failed its CRC ({_u32(body, 1):08x})"
            if not lost:
                body = client.request(P.COMMIT, struct.pack("<I", crc), check=False,
                                      extra_s=20.0)
                if body[0] == P.OK:
                    return result(body[1], _u32(body, 2))
                if body[0] == P.E_CRC:
                    fresh, why = True, "the written blob failed its CRC at COMMIT"
                elif body[0] != P.E_STATE:
                    detail = ""
                    if body[0] == P.E_ENGINE and len(body) >= 11:
                        detail = f" (engine status {body[6]}, index {struct.unpack_from('<i', body, 7)[0]})"
                    raise AgentError(f"COMMIT refused: {P.status_text(body[0])}{detail}; the "
                                     "previous model stays active", body[0], body)
                else:
                    # E_STATE: reset before the commit, or the commit happened and its answer
                    # was lost across a reset: ask the device which model is active
                    now = client.info()
                    if now.active is not None and now.active.crc == crc and \
                            now.active.length == total:
                        return result(now.active_slot or 0, now.active.seq)
            rounds += 1
            if rounds > max_restarts:
                raise AgentError(f"{why}; gave up after {rounds} attempts (the previous model "
                                 "stays active)")
            bar.write(f"{why}: BEGIN again ({rounds}/{max_restarts})")
    finally:
        bar.close()
