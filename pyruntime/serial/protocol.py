"""Numbers and response layouts of the agent protocol (docs/serial_protocol.md; the device
side is firmware/apps/agent/proto.h)."""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

PROTO_VERSION = 1
MAX_DATA = 4096

INFO, BEGIN, WRITE, VERIFY, COMMIT, INPUT, RUN, OUTPUT, PROFILE, ERASE = range(1, 11)
RESP_FLAG = 0x80
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
FLAG_PERSISTENT, FLAG_SESSION, FLAG_MODEL = 1, 2, 4
SLOT_NONE = 0xFF
DTYPES = {1: "int8", 2: "uint8", 3: "int16", 4: "int32", 5: "float32", 6: "int64", 7: "bool"}


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

    @property
    def persistent(self) -> bool:
        return bool(self.flags & FLAG_PERSISTENT)

    @property
    def active(self) -> SlotInfo | None:
        return None if self.active_slot is None else self.slots[self.active_slot]


def _string(body: bytes, pos: int) -> tuple[str, int]:
    n = body[pos]
    return body[pos + 1:pos + 1 + n].decode("ascii", "replace"), pos + 1 + n


def parse_info(body: bytes) -> DeviceInfo:
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
    return DeviceInfo(proto, (e_maj, e_min, e_pat), (f_maj, f_min), flags, max_data,
                      None if active == SLOT_NONE else active, cap, arena, state, slots,
                      bool(s_open), s_slot, s_total, s_crc, s_written, f_ok, f_bad, board, cpu,
                      counter, flash, ops)


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
