"""Numbers and response layouts of the agent protocol (docs/serial_protocol.md; the device
side is firmware/apps/agent/proto.h)."""
from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import PyruntimeError

T = TypeVar("T")

PROTO_VERSION = 1
MAX_DATA = 4096

INFO, BEGIN, WRITE, VERIFY, COMMIT, INPUT, RUN, OUTPUT, PROFILE, ERASE = range(1, 11)
RESP_FLAG = 0x80
READY = 0x80  # device -> host, unsolicited, seq 0, once at every boot
NAK = 0xFF
COMMAND_NAMES = {INFO: "INFO", BEGIN: "BEGIN", WRITE: "WRITE", VERIFY: "VERIFY",
                 COMMIT: "COMMIT", INPUT: "INPUT", RUN: "RUN", OUTPUT: "OUTPUT",
                 PROFILE: "PROFILE", ERASE: "ERASE"}

OK = 0
STATUS_NAMES = {
    0: ("OK", "success"),
    1: ("E_FRAME", "frame damaged (CRC or length)"),
    2: ("E_VERSION", "protocol version not supported by the device"),
    3: ("E_COMMAND", "unknown command"),
    4: ("E_LENGTH", "request body has the wrong length"),
    5: ("E_STATE", "no write session, session incomplete, or no active model"),
    6: ("E_RANGE", "offset or length out of range"),
    7: ("E_OFFSET", "write past the written length"),
    8: ("E_MISMATCH", "rewrite of written bytes with different data"),
    9: ("E_FLASH", "flash erase/program failed"),
    10: ("E_CRC", "CRC of the written blob does not match"),
    11: ("E_ENGINE", "the engine rejected the model"),
    12: ("E_TOO_BIG", "blob larger than a model slot"),
    13: ("E_CAPACITY", "model needs more arena/state than the device has"),
    14: ("E_MAGIC", "ERASE without its magic"),
}
E_VERSION, E_STATE, E_RANGE, E_OFFSET, E_MISMATCH = 2, 5, 6, 7, 8
E_CRC, E_ENGINE, E_TOO_BIG, E_CAPACITY = 10, 11, 12, 13
ERASE_MAGIC = 0x53415245
ERASE_INACTIVE, ERASE_ALL = 0, 1
FLAG_PERSISTENT, FLAG_SESSION, FLAG_MODEL, FLAG_JOURNAL = 1, 2, 4, 8
BEGIN_FRESH = 1  # BEGIN flag: discard a kept or journaled session, start at 0
SLOT_NONE = 0xFF
DTYPES = {1: "int8", 2: "uint8", 3: "int16", 4: "int32", 5: "float32", 6: "int64", 7: "bool"}


class ResponseError(PyruntimeError):
    """A response from the device is too short or inconsistent for its command."""


def _parsed(what: str, parse: Callable[[bytes], T], body: bytes) -> T:
    try:
        return parse(body)
    except (struct.error, IndexError, ValueError) as exc:
        raise ResponseError(f"malformed {what} response from the device ({len(body)} B): "
                            f"{exc}") from exc


def status_text(code: int) -> str:
    name, text = STATUS_NAMES.get(code, (f"E_{code}", "unknown status"))
    return f"{name} ({text})"


@dataclass
class SlotInfo:
    valid: bool
    format_major: int
    format_minor: int
    length: int
    crc: int
    seq: int


@dataclass
class DeviceInfo:
    proto_version: int
    engine_version: tuple[int, int, int]
    format_version: tuple[int, int]
    flags: int
    max_data: int
    active_slot: int | None
    slot_capacity: int
    arena_bytes: int
    state_bytes: int
    slots: list[SlotInfo]
    session_open: bool
    session_slot: int
    session_total: int
    session_crc: int
    session_written: int
    frames_ok: int
    frames_bad: int
    board: str
    cpu: str
    counter: str
    flash: str
    op_codes: list[int] = field(default_factory=list)
    # operator code -> mask of parameter layout versions it runs (bit v-1 = version v);
    # None when the agent predates this table (INFO then lists codes only)
    op_layouts: dict[int, int] | None = None

    @property
    def persistent(self) -> bool:
        return bool(self.flags & FLAG_PERSISTENT)

    @property
    def journal(self) -> bool:
        """Transfer progress survives a reset of the device (the flash journal)."""
        return bool(self.flags & FLAG_JOURNAL)

    def runs(self, code: int, layout: int) -> bool | None:
        """Does the device engine run operator `code` with parameter layout `layout`?
        None when the device does not say (an agent older than layout versions in INFO)."""
        if self.op_layouts is None:
            return None
        return 1 <= layout <= 8 and bool(self.op_layouts.get(code, 0) >> (layout - 1) & 1)

    def layouts(self, code: int) -> list[int]:
        """The layout versions the device runs for operator `code` (empty if unknown)."""
        mask = (self.op_layouts or {}).get(code, 0)
        return [v for v in range(1, 9) if mask >> (v - 1) & 1]

    @property
    def active(self) -> SlotInfo | None:
        return None if self.active_slot is None else self.slots[self.active_slot]


def _string(body: bytes, pos: int) -> tuple[str, int]:
    n = body[pos]
    return body[pos + 1:pos + 1 + n].decode("ascii", "replace"), pos + 1 + n


def parse_info(body: bytes) -> DeviceInfo:
    return _parsed("INFO", _parse_info, body)


def _parse_info(body: bytes) -> DeviceInfo:
    (_st, proto, e_maj, e_min, e_pat, f_maj, f_min, flags, max_data, active, nslots, cap, arena,
     state) = struct.unpack_from("<BBBBBBBBHBBIII", body, 0)
    pos = 24
    slots = []
    for _ in range(nslots):
        valid, fmaj, fmin, _r, length, crc, seq = struct.unpack_from("<BBBBIII", body, pos)
        slots.append(SlotInfo(bool(valid), fmaj, fmin, length, crc, seq))
        pos += 16
    s_open, s_slot, _r, s_total, s_crc, s_written, f_ok, f_bad = struct.unpack_from(
        "<BBHIIIII", body, pos)
    pos += 24
    board, pos = _string(body, pos)
    cpu, pos = _string(body, pos)
    counter, pos = _string(body, pos)
    flash, pos = _string(body, pos)
    nops = body[pos]
    ops = list(body[pos + 1:pos + 1 + nops])
    pos += 1 + nops
    layouts: dict[int, int] | None = None
    if pos < len(body):  # (code, layout mask) pairs, agents since the transfer journal
        npairs = body[pos]
        pairs = body[pos + 1:pos + 1 + 2 * npairs]
        if len(pairs) != 2 * npairs:
            raise ValueError(f"operator layout table cut short ({len(pairs) // 2} of "
                             f"{npairs} entries)")
        layouts = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
    return DeviceInfo(proto, (e_maj, e_min, e_pat), (f_maj, f_min), flags, max_data,
                      None if active == SLOT_NONE else active, cap, arena, state, slots,
                      bool(s_open), s_slot, s_total, s_crc, s_written, f_ok, f_bad, board, cpu,
                      counter, flash, ops, layouts)


@dataclass
class OutputDesc:
    dtype: str
    shape: tuple[int, ...]
    nbytes: int


@dataclass
class RunResult:
    engine_status: int
    ticks: int
    outputs: list[OutputDesc]
    inline: bytes | None


def parse_run(body: bytes) -> RunResult:
    return _parsed("RUN", _parse_run, body)


def _parse_run(body: bytes) -> RunResult:
    pst, ticks, n = struct.unpack_from("<BIB", body, 1)
    pos = 7
    outs = []
    for _ in range(n):
        ttype, rank = body[pos], body[pos + 1]
        dims = struct.unpack_from(f"<{rank}i", body, pos + 2)
        pos += 2 + 4 * rank
        (nbytes,) = struct.unpack_from("<I", body, pos)
        pos += 4
        outs.append(OutputDesc(DTYPES.get(ttype, "uint8"), tuple(dims), nbytes))
    inline = body[pos + 1:] if body[pos] == 1 else None
    return RunResult(pst, ticks, outs, inline)
