"""Frames of the agent protocol: COBS(version u8, type u8, seq u16, body, crc32 u32), each
sent between 0x00 delimiters. The CRC (zlib CRC-32) covers version..body."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from . import cobs

PROTO_VERSION = 1
HEADER = struct.Struct("<BBH")
CRC = struct.Struct("<I")
OVERHEAD = HEADER.size + CRC.size


@dataclass(frozen=True)
class Frame:
    version: int
    type: int
    seq: int
    body: bytes


def encode_frame(ftype: int, seq: int, body: bytes = b"", version: int = PROTO_VERSION) -> bytes:
    """Wire bytes of one frame, with a leading and a trailing delimiter."""
    raw = HEADER.pack(version, ftype, seq & 0xFFFF) + body
    raw += CRC.pack(zlib.crc32(raw))
    return b"\0" + cobs.encode(raw) + b"\0"


def decode_frame(encoded: bytes) -> Frame | None:
    """One frame from the bytes between two delimiters; None when damaged."""
    try:
        raw = cobs.decode(encoded)
    except cobs.CobsError:
        return None
    if len(raw) < OVERHEAD:
        return None
    if zlib.crc32(raw[:-4]) != CRC.unpack_from(raw, len(raw) - 4)[0]:
        return None
    version, ftype, seq = HEADER.unpack_from(raw)
    return Frame(version, ftype, seq, raw[HEADER.size:-4])


class FrameDecoder:
    """Splits a byte stream on 0x00 and yields good frames; counts damaged ones."""

    def __init__(self, max_encoded: int = 8192) -> None:
        self._buf = bytearray()
        self._max = max_encoded
        self.bad_frames = 0

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[Frame]:
        frames: list[Frame] = []
        for chunk_end in range(len(data)):
            b = data[chunk_end]
            if b != 0:
                if len(self._buf) < self._max:
                    self._buf.append(b)
                continue
            if self._buf:
                frame = decode_frame(bytes(self._buf))
                if frame is None:
                    self.bad_frames += 1
                else:
                    frames.append(frame)
                self._buf.clear()
        return frames
