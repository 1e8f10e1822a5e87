"""Write the seed corpus of agent_dispatch (the input format is fuzz_dispatch.c's step()):
whole transfers of the two small models, a transfer cut by a power cut and resumed, a flash
failure, requests with real bodies (INFO, INPUT + RUN, PROFILE, OUTPUT, ERASE); and the
regression inputs (regressions/, replayed by tests/test_agent.py).

    .venv/bin/python tests/fuzz/agent_dispatch/make_corpus.py
"""
from __future__ import annotations

import struct
from pathlib import Path

from pyruntime.serial import protocol as P

HERE = Path(__file__).resolve().parent
# step codes (op % 12 in fuzz_dispatch.c)
RAW, REPEAT, CUT, REBOOT, BEGIN, WRITE, COMMIT, FAIL, PATCH, RUN, TRANSFER, ERASE = range(12)
MODEL_A, MODEL_B, MUTABLE = 0, 1, 2
A_PLUS_5 = 4 + 5 * 5  # model a and 5 more bytes: the last program is padded


def raw(ftype: int, body: bytes = b"") -> bytes:
    return bytes([RAW, ftype]) + struct.pack("<H", len(body)) + body


def transfer(blob: int, chunk: int, fresh: int = 0) -> bytes:
    return bytes([TRANSFER]) + struct.pack("<H", chunk // 8 - 1) + bytes([blob, fresh])


def write(blob: int, offset: int, length: int) -> bytes:
    return bytes([WRITE, blob]) + struct.pack("<HH", offset // 8, length)


def seeds() -> dict[str, bytes]:
    run16 = bytes([RUN, 16]) + bytes(range(16))
    return {
        "flash_run": bytes([0]) + transfer(MODEL_A, 256) + run16 + raw(P.INFO)
        + raw(P.PROFILE, b"\0\0") + raw(P.OUTPUT, struct.pack("<II", 0, 8)),
        "cut_resume": bytes([2]) + bytes([CUT, 12]) + struct.pack("<H", 3) + b"\x0f"
        + transfer(MODEL_A, 64) + transfer(MODEL_A, 64),
        "a_then_b": bytes([3]) + transfer(MODEL_A, 128) + transfer(MODEL_B, 128)
        + bytes([ERASE, 0]) + raw(P.INFO),
        "reboot_mid": bytes([2]) + bytes([BEGIN, MODEL_A, 0]) + write(MODEL_A, 0, 512)
        + bytes([REBOOT]) + raw(P.INFO) + transfer(MODEL_A, 256),
        "mutated": bytes([4]) + bytes([PATCH]) + struct.pack("<H", 300) + b"\x7f"
        + transfer(MUTABLE, 512) + bytes([REPEAT]),
        "no_journal_fail": bytes([5]) + bytes([FAIL, 2]) + transfer(MODEL_B, 64)
        + transfer(MODEL_B, 64) + bytes([ERASE, 1]),
        "odd_length": bytes([3]) + transfer(A_PLUS_5, 128) + run16,
        # power cut while COMMIT programs the slot header (geometry 2: page 256, every
        # operation after BEGIN: erase, erase, program, record; then the header)
        "cut_in_commit": bytes([2]) + bytes([BEGIN, MODEL_A, 0]) + write(MODEL_A, 0, 512)
        + bytes([CUT, 0]) + struct.pack("<H", 9) + b"\0" + bytes([COMMIT, MODEL_A])
        + raw(P.INFO) + transfer(MODEL_A, 512),
        "fail_in_begin": bytes([1]) + bytes([FAIL, 1, BEGIN, MODEL_B, 0]) + transfer(MODEL_B, 64)
        + transfer(MODEL_A, 64) + bytes([FAIL, 0, ERASE, 1]),
        # the largest WRITE body (4,096 data bytes) and one byte more (E_LENGTH); also lifts
        # libFuzzer's default input size limit (4,096) above a full request
        "big_bodies": bytes([0]) + raw(P.BEGIN, struct.pack("<II", 8192, 0))
        + raw(P.WRITE, struct.pack("<I", 0) + bytes(range(256)) * 16)
        + raw(P.WRITE, struct.pack("<I", 4096) + bytes(range(256)) * 16)
        + raw(P.INPUT, struct.pack("<I", 0) + b"\x01" * 4097),
    }


def regressions() -> dict[str, bytes]:
    """Inputs that once failed (harness bugs found by the first runs), kept as tests. The
    other files in regressions/ are inputs the fuzzer found, kept as it wrote them."""
    cut = bytes([CUT])
    return {
        # page 256: the cut strikes the progress record (4th operation of the WRITE) after its last
        # non-0xFF byte, so the record is whole: the reboot resumes at 512 while the WRITE
        # got no answer (the host's bookkeeping must count the cut request as sent)
        "cut_in_complete_record": bytes([2]) + bytes([BEGIN, MODEL_A, 0]) + cut
        + bytes([3]) + struct.pack("<H", 5) + b"\0" + write(MODEL_A, 0, 512),
        # BEGIN cut in its erase, then retransmitted after the reboot: a new session the
        # host's bookkeeping must see (retransmissions go through it too)
        "begin_again_after_cut": bytes([0]) + cut + bytes([0]) + struct.pack("<H", 0) + b"\0"
        + bytes([BEGIN, MODEL_A, 0, REPEAT, REBOOT]),
    }


def main() -> None:
    for folder, inputs in (("corpus", seeds()), ("regressions", regressions())):
        out = HERE / folder
        out.mkdir(exist_ok=True)
        for name, data in inputs.items():
            (out / f"{name}.bin").write_bytes(data)
        print(f"{len(list(out.iterdir()))} files in {out}")


if __name__ == "__main__":
    main()
