"""Engine code size from a GNU ld map file: what the engine really contributes to an image."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ENGINE_ARCHIVE = "libpyruntime_engine.a("
_ONE_LINE = re.compile(r"^ (\.\S+)\s+0x[0-9a-fA-F]+\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_NAME_ONLY = re.compile(r"^ (\.\S+)\s*$")
_ADDR_LINE = re.compile(r"^\s+0x[0-9a-fA-F]+\s+0x([0-9a-fA-F]+)\s+(\S.*)$")


@dataclass(frozen=True)
class LinkedSize:
    text: int  # .text* input sections of the engine objects kept by the linker
    rodata: int  # .rodata* (tables, strings)
    data: int  # .data* + .bss*


def engine_size(map_path: Path, archive: str = ENGINE_ARCHIVE) -> LinkedSize:
    """Sum the input sections from `archive` that the linker kept (the part of the map after
    "Linker script and memory map"; discarded sections, listed before it, do not count)."""
    if not map_path.is_file():
        raise FileNotFoundError(f"linker map {map_path} not found")
    sizes = {"text": 0, "rodata": 0, "data": 0}
    in_map = False
    pending: str | None = None
    for line in map_path.read_text(errors="replace").splitlines():
        if not in_map:
            in_map = line.startswith("Linker script and memory map")
            continue
        sec = obj = None
        size = 0
        m = _ONE_LINE.match(line)
        if m:
            sec, size, obj = m.group(1), int(m.group(2), 16), m.group(3)
            pending = None
        elif pending is not None and (m2 := _ADDR_LINE.match(line)):
            sec, size, obj = pending, int(m2.group(1), 16), m2.group(2)
            pending = None
        else:
            m3 = _NAME_ONLY.match(line)
            pending = m3.group(1) if m3 else None
            continue
        if archive not in obj:
            continue
        if sec.startswith(".text"):
            sizes["text"] += size
        elif sec.startswith(".rodata"):
            sizes["rodata"] += size
        elif sec.startswith((".data", ".bss", ".sbss", ".sdata")):
            sizes["data"] += size
    return LinkedSize(**sizes)
