"""Running a model on a device through the agent: inputs in, outputs and counts out."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

from .serial import protocol as P
from .serial.client import AgentClient, AgentError


@dataclass
class DeviceRun:
    outputs: list[np.ndarray]
    ticks: int  # board counter difference around pyrt_invoke (unit: DeviceInfo.counter)


def send_inputs(client: AgentClient, arrays: list[np.ndarray], max_data: int = P.MAX_DATA) -> None:
    data = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    body = client.request(P.INPUT, struct.pack("<I", 0))
    need = struct.unpack_from("<I", body, 1)[0]
    if need != len(data):
        raise AgentError(f"the active model takes {need} input bytes, the given input(s) have "
                         f"{len(data)} ({', '.join(f'{a.dtype}{list(a.shape)}' for a in arrays)})")
    for off in range(0, len(data), max_data):
        client.request(P.INPUT, struct.pack("<I", off) + data[off:off + max_data])


def input_bytes(client: AgentClient) -> int:
    body = client.request(P.INPUT, struct.pack("<I", 0))
    return int(struct.unpack_from("<I", body, 1)[0])


def check_active_blob(client: AgentClient, blob: bytes) -> None:
    """Before invoking: the device runs `blob` (its operators and their parameter layout
    versions, arena, format) and `blob` is its active model; else one FitError naming why."""
    from .flash import FitError, check_fits
    info = client.info()
    check_fits(blob, info, action="invoke")
    act = info.active
    if act is None or act.crc != zlib.crc32(blob) or act.length != len(blob):
        now = "no active model" if act is None else \
            f"the active model is another blob ({act.length:,} B, crc {act.crc:08x})"
        raise FitError(f"refusing to invoke ({info.board}): {now}; flash the blob first")


def run(client: AgentClient, arrays: list[np.ndarray], blob: bytes | None = None) -> DeviceRun:
    """Send the inputs, invoke the active model, fetch the outputs. With `blob`, first check
    that the device runs it and that it is the active model (check_active_blob)."""
    if blob is not None:
        check_active_blob(client, blob)
    send_inputs(client, arrays)
    body = client.request(P.RUN, extra_s=60.0, check=False)
    if body[0] != P.OK:
        raise AgentError(f"RUN failed: {P.status_text(body[0])}"
                         + (f" (engine status {body[1]})" if len(body) > 1 else ""), body[0], body)
    res = P.parse_run(body)
    total = sum(o.nbytes for o in res.outputs)
    raw = res.inline
    if raw is None:
        parts = []
        for off in range(0, total, P.MAX_DATA):
            n = min(P.MAX_DATA, total - off)
            parts.append(client.request(P.OUTPUT, struct.pack("<II", off, n))[1:])
        raw = b"".join(parts)
    outs, pos = [], 0
    for o in res.outputs:
        outs.append(np.frombuffer(raw[pos:pos + o.nbytes], dtype=o.dtype).reshape(o.shape).copy())
        pos += o.nbytes
    return DeviceRun(outs, res.ticks)


@dataclass
class DeviceProfile:
    ticks: int
    ops: list[tuple[int, int]]  # (operator code, ticks) in execution order


def profile(client: AgentClient) -> DeviceProfile:
    """Invoke once with the per-operator hook (on the inputs last sent) and fetch the times."""
    ops: list[tuple[int, int]] = []
    first, total_ticks, n = 0, 0, 1
    while first < n:
        body = client.request(P.PROFILE, struct.pack("<H", first), extra_s=60.0)
        _pst, total_ticks, n, _first, count = struct.unpack_from("<BIHHH", body, 1)
        for i in range(count):
            ops.append(struct.unpack_from("<HI", body, 12 + 6 * i))
        if count == 0:
            break
        first += count
    return DeviceProfile(total_ticks, ops)
