"""Consistent Overhead Byte Stuffing: removes every 0x00 so that 0x00 can delimit frames.

Overhead: one byte per started block of 254 non-zero bytes (< 0.4 %) plus one.
"""
from __future__ import annotations


class CobsError(ValueError):
    """Malformed COBS data."""


def encode(data: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while True:
        j = i
        while j < n and data[j] != 0 and j - i < 254:
            j += 1
        out.append(j - i + 1)
        out += data[i:j]
        if j - i == 254:
            i = j
            if i == n:
                break
        else:
            i = j + 1
            if i > n:
                break
    return bytes(out)


def decode(data: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        code = data[i]
        if code == 0 or i + code > n:
            raise CobsError(f"bad COBS code {code} at byte {i} of {n}")
        out += data[i + 1:i + code]
        i += code
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)
