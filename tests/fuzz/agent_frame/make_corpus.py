"""Write the seed corpus of agent_frame: the wire bytes of real requests of a small flashing
session (tests/fuzz/agent_host/model_a.blob), one file each, plus two files mixing frames,
garbage and a damaged frame.

    .venv/bin/python tests/fuzz/agent_frame/make_corpus.py
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

from pyruntime.serial import protocol as P
from pyruntime.serial.framing import encode_frame

HERE = Path(__file__).resolve().parent


def session() -> list[tuple[str, bytes]]:
    blob = (HERE.parent / "agent_host" / "model_a.blob").read_bytes()
    crc = zlib.crc32(blob)
    return [
        ("info", encode_frame(P.INFO, 0x1234)),
        ("begin", encode_frame(P.BEGIN, 0x1235, struct.pack("<II", len(blob), crc))),
        ("write", encode_frame(P.WRITE, 0x1236, struct.pack("<I", 0) + blob)),
        ("verify", encode_frame(P.VERIFY, 0x1237, struct.pack("<II", 0, len(blob)))),
        ("commit", encode_frame(P.COMMIT, 0x1238, struct.pack("<I", crc))),
        ("input", encode_frame(P.INPUT, 0x1239, struct.pack("<I", 0) + bytes(range(16)))),
        ("run", encode_frame(P.RUN, 0x123A)),
        ("output", encode_frame(P.OUTPUT, 0x123B, struct.pack("<II", 0, 8))),
        ("erase", encode_frame(P.ERASE, 0x123C, struct.pack("<IB", P.ERASE_MAGIC, 0))),
        ("version2", encode_frame(P.INFO, 0x123D, version=2)),
    ]


def main() -> None:
    out = HERE / "corpus"
    out.mkdir(exist_ok=True)
    frames = session()
    for name, wire in frames:
        (out / f"{name}.bin").write_bytes(wire)
    damaged = bytearray(frames[1][1])
    damaged[4] ^= 0x40
    (out / "mixed.bin").write_bytes(b"\x13\x37noise" + bytes(damaged) + frames[0][1] + b"\0\0"
                                    + frames[6][1])
    (out / "short.bin").write_bytes(b"\0\x05\x01\x01\x34\x12\0\0\x02\x01\0")
    # longer than the device's frame buffer (4,138 encoded bytes), then a good frame; also
    # lifts libFuzzer's default input size limit (4,096) above the buffer size
    (out / "overflow.bin").write_bytes(b"\x01" * 4200 + frames[0][1])
    print(f"{len(list(out.iterdir()))} files in {out}")


if __name__ == "__main__":
    main()
