"""The CONST section being assembled: aligned, de-duplicated constant arrays."""
from __future__ import annotations

import numpy as np


class ConstPool:
    """Appends byte arrays with alignment; identical arrays are stored once."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._seen: dict[tuple[bytes, int], int] = {}

    def add(self, data: bytes | np.ndarray, align: int) -> int:
        raw = data.tobytes() if isinstance(data, np.ndarray) else bytes(data)
        key = (raw, align)
        if key in self._seen:
            return self._seen[key]
        pad = (-len(self._data)) % align
        self._data.extend(b"\0" * pad)
        offset = len(self._data)
        self._data.extend(raw)
        self._seen[key] = offset
        return offset

    def add_requant(self, mults: np.ndarray, shifts: np.ndarray) -> tuple[int, int]:
        """Store i32 multipliers (4-aligned) and i8 shifts; return their offsets."""
        mult_off = self.add(np.ascontiguousarray(mults, dtype="<i4"), 4)
        shift_off = self.add(np.ascontiguousarray(shifts, dtype=np.int8), 1)
        return mult_off, shift_off

    def bytes(self) -> bytes:
        return bytes(self._data)

    def __len__(self) -> int:
        return len(self._data)
