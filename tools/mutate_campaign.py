"""Structure-aware mutation campaigns against the Python side of pyruntime.

    python tools/mutate_campaign.py tflite --count 5000 [--seed 1] [--jobs 2]
    python tools/mutate_campaign.py blob --count 10000 [--seed 1] [--jobs 2]

`tflite`: mutants of the seed models (tools/fuzz_seeds.py) go through `convert`; a mutant that
converts must be accepted by the C engine (`Engine(blob)`) and run once. `blob`: mutants of the
seed models' blobs go through `read_blob`, `describe` (inspect) and `Engine`, invoked once when
accepted.

Mutations follow the file formats, not only random bytes: for a .tflite, the fields of the
flatbuffer tables (tensor shapes, types, buffers, quantization scales / zero points /
quantized_dimension, operator code indices, operator inputs and outputs, builtin option fields,
operator codes and versions, subgraph inputs/outputs, vector lengths, buffer bytes) are found by
walking the flatbuffer and overwritten in place with boundary values; for a blob, the header,
section table, tensor records, I/O entries, operator records (header, tensor indices,
parameters) and CONST bytes, with the CRC fixed up afterwards (so the structural checks are
reached). 1-3 mutations per mutant, occasionally a truncation. Mutant i is a pure function of
(--seed, kind, i): a campaign is reproducible, and `--only I` replays one mutant.

Each mutant runs in a pool of worker processes, each under a 1 GiB memory limit (--memory-mb) and a
per-mutant time limit (--timeout). Reported: exceptions other than the documented error classes
(pyruntime.errors.DOCUMENTED_ERRORS; a ConversionError marked `internal` counts as a finding),
crashes (a worker killed by a signal), hangs (time limit), memory (MemoryError under the limit).
One blob mutant in 500 is re-written with more than 0x8000 tensors and an operator index of
0x8000 or above (the shape of the C loader bug fixed in blob format 2: such an index was read as
a negative int16); the engine must refuse or run it like any other mutant.
Every finding's mutant is saved under --out/findings/. Exit status 1
when any unexpected finding remains, else 0. A JSON summary goes to --out/summary-KIND.json.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import select
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

# ---- flatbuffer walking ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    pos: int  # byte offset in the file
    kind: str  # i8 u8 i16 u16 i32 u32 i64 f32 veclen byte
    label: str  # what it is, for reports
    count: int = 0  # veclen: the current length


def _u16(b: bytes, p: int) -> int:
    return struct.unpack_from("<H", b, p)[0]


def _u32(b: bytes, p: int) -> int:
    return struct.unpack_from("<I", b, p)[0]


def _i32(b: bytes, p: int) -> int:
    return struct.unpack_from("<i", b, p)[0]


def _field(b: bytes, table: int, slot: int) -> int | None:
    """Absolute position of field `slot` (vtable offset 4 + 2n) of the table at `table`."""
    vt = table - _i32(b, table)
    vsize = _u16(b, vt)
    if slot >= vsize:
        return None
    o = _u16(b, vt + slot)
    return table + o if o else None


def _deref(b: bytes, pos: int) -> int:
    return pos + _u32(b, pos)


def _vector(b: bytes, table: int, slot: int, esize: int = 4) -> tuple[int, int, int] | None:
    """(length position, first element position, length) of a vector field. ValueError when
    the vector does not fit the buffer (the walkers also run on mutated inputs)."""
    f = _field(b, table, slot)
    if f is None:
        return None
    v = _deref(b, f)
    n = _u32(b, v)
    if v + 4 + n * esize > len(b):
        raise ValueError(f"vector at {v} of {n} x {esize} bytes runs past the buffer")
    return v, v + 4, n


def _table_fields(b: bytes, table: int, label: str) -> list[Field]:
    """Every scalar field of a table whose layout we do not model (builtin options): sizes
    inferred from the gaps between field offsets, at most 4 bytes."""
    vt = table - _i32(b, table)
    vsize, osize = _u16(b, vt), _u16(b, vt + 2)
    offs = sorted({_u16(b, vt + s) for s in range(4, vsize, 2)} - {0})
    out = []
    for k, o in enumerate(offs):
        end = offs[k + 1] if k + 1 < len(offs) else osize
        size = min(max(end - o, 1), 4)
        size = 4 if size == 3 else size
        out.append(Field(table + o, {1: "u8", 2: "i16", 4: "i32"}[size], f"{label}+{o}"))
    return out


def tflite_fields(b: bytes) -> list[Field]:
    """The mutable fields of a .tflite model (schema slots as in pyruntime/tflite_builder.py)."""
    out: list[Field] = []
    root = _deref(b, 0)

    def vec(table: int, slot: int, kind: str, label: str, esize: int) -> list[int]:
        v = _vector(b, table, slot, esize)
        if v is None:
            return []
        lpos, first, n = v
        out.append(Field(lpos, "veclen", f"{label}.length", n))
        out.extend(Field(first + esize * i, kind, f"{label}[{i}]") for i in range(n))
        return [first + esize * i for i in range(n)]

    def scalar(table: int, slot: int, kind: str, label: str) -> None:
        f = _field(b, table, slot)
        if f is not None:
            out.append(Field(f, kind, label))

    def length(table: int, slot: int, label: str) -> None:
        v = _vector(b, table, slot)
        if v:
            out.append(Field(v[0], "veclen", f"{label}.length", v[2]))

    def tables(table: int, slot: int) -> list[int]:
        v = _vector(b, table, slot)
        if v is None:
            return []
        lpos, first, n = v
        return [_deref(b, first + 4 * i) for i in range(n)]

    length(root, 6, "operator_codes")
    for k, oc in enumerate(tables(root, 6)):
        for slot, kind, name in ((4, "i8", "deprecated_builtin_code"), (8, "i32", "version"),
                                 (10, "i32", "builtin_code")):
            scalar(oc, slot, kind, f"operator_codes[{k}].{name}")
    length(root, 8, "subgraphs")
    for s, sg in enumerate(tables(root, 8)):
        length(sg, 4, f"subgraph{s}.tensors")
        for i, t in enumerate(tables(sg, 4)):
            lab = f"tensor[{i}]"
            vec(t, 4, "i32", f"{lab}.shape", 4)
            for slot, kind, name in ((6, "i8", "type"), (8, "u32", "buffer")):
                scalar(t, slot, kind, f"{lab}.{name}")
            qf = _field(b, t, 12)
            if qf is not None:
                q = _deref(b, qf)
                vec(q, 8, "f32", f"{lab}.scale", 4)
                vec(q, 10, "i64", f"{lab}.zero_point", 8)
                scalar(q, 16, "i32", f"{lab}.quantized_dimension")
        vec(sg, 6, "i32", f"subgraph{s}.inputs", 4)
        vec(sg, 8, "i32", f"subgraph{s}.outputs", 4)
        length(sg, 10, f"subgraph{s}.operators")
        for i, op in enumerate(tables(sg, 10)):
            lab = f"operator[{i}]"
            scalar(op, 4, "u32", f"{lab}.opcode_index")
            vec(op, 6, "i32", f"{lab}.inputs", 4)
            vec(op, 8, "i32", f"{lab}.outputs", 4)
            scalar(op, 10, "u8", f"{lab}.builtin_options_type")
            f = _field(b, op, 12)
            if f is not None:
                out.extend(_table_fields(b, _deref(b, f), f"{lab}.options"))
    length(root, 12, "buffers")
    for i, buf in enumerate(tables(root, 12)):
        d = _vector(b, buf, 4, 1)
        if d and d[2]:
            out.append(Field(d[0], "veclen", f"buffer[{i}].data.length", d[2]))
            out.extend(Field(d[1] + j, "byte", f"buffer[{i}].data[{j}]")
                       for j in range(min(d[2], 64)))
    return out


# ---- blob walking -------------------------------------------------------------------------

def blob_fields(b: bytes) -> list[Field]:
    """The fields of a (valid) blob, per docs/blob_format.md."""
    out = [Field(p, k, f"header.{n}") for p, k, n in (
        (4, "u16", "format_major"), (6, "u16", "format_minor"), (8, "u32", "total_len"),
        (16, "u32", "flags"), (20, "u32", "arena_bytes"), (24, "u16", "n_tensors"),
        (26, "u16", "n_ops"), (28, "u8", "n_inputs"), (29, "u8", "n_outputs"),
        (30, "u16", "n_sections"))]
    n_t, n_ops, n_in, n_out, n_sec = _u16(b, 24), _u16(b, 26), b[28], b[29], _u16(b, 30)
    sections = {}
    if 32 + 12 * n_sec > len(b):
        raise ValueError("section table runs past the blob")
    for i in range(n_sec):
        p = 32 + 12 * i
        sid, off, length = struct.unpack_from("<III", b, p)
        sections[sid] = (off, length)
        out += [Field(p, "u32", f"section[{i}].id"), Field(p + 4, "u32", f"section[{i}].offset"),
                Field(p + 8, "u32", f"section[{i}].length")]
    if len(sections) > 16 or any(o + n > len(b) for o, n in sections.values()):
        raise ValueError("section table does not fit the blob")
    t_off = sections[1][0]
    if t_off + 32 * n_t > len(b):
        raise ValueError("tensor records run past the blob")
    for i in range(n_t):
        p = t_off + 32 * i
        lab = f"tensor[{i}]"
        out += [Field(p, "u8", f"{lab}.type"), Field(p + 1, "u8", f"{lab}.rank"),
                Field(p + 2, "u8", f"{lab}.storage"), Field(p + 3, "u8", f"{lab}.flags"),
                Field(p + 4, "u32", f"{lab}.offset"), Field(p + 8, "u32", f"{lab}.bytes"),
                Field(p + 12, "f32", f"{lab}.scale"), Field(p + 16, "i32", f"{lab}.zero_point")]
        out += [Field(p + 20 + 2 * k, "u16", f"{lab}.dims[{k}]") for k in range(6)]
    io_off = sections[3][0]
    out += [Field(io_off + 2 * i, "u16", f"io[{i}]") for i in range(n_in + n_out)]
    pos = sections[2][0]
    for i in range(n_ops):
        lab = f"op[{i}]"
        if pos + 16 > len(b):
            raise ValueError("operator records run past the blob")
        nin, nout, npar = b[pos + 3], b[pos + 4], _u16(b, pos + 6)
        out += [Field(pos, "u16", f"{lab}.code"), Field(pos + 2, "u8", f"{lab}.version"),
                Field(pos + 3, "u8", f"{lab}.n_in"), Field(pos + 4, "u8", f"{lab}.n_out"),
                Field(pos + 5, "u8", f"{lab}.reserved"), Field(pos + 6, "u16", f"{lab}.n_params"),
                Field(pos + 8, "u32", f"{lab}.scratch_offset"),
                Field(pos + 12, "u32", f"{lab}.scratch_bytes")]
        idx_len = (2 * (nin + nout) + 3) // 4 * 4
        if pos + 16 + idx_len + 4 * npar > len(b):
            raise ValueError("operator records run past the blob")
        out += [Field(pos + 16 + 2 * k, "i16", f"{lab}.tensor[{k}]") for k in range(nin + nout)]
        out += [Field(pos + 16 + idx_len + 4 * k, "i32", f"{lab}.param[{k}]")
                for k in range(npar)]
        pos += 16 + idx_len + 4 * npar
    c_off, c_len = sections[4]
    out += [Field(c_off + j, "byte", f"const[{j}]") for j in range(0, c_len, max(1, c_len // 256))]
    return out


def fix_crc(b: bytearray) -> None:
    if len(b) < 16:
        return
    total = min(_u32(b, 8), len(b))
    if total >= 16:
        struct.pack_into("<I", b, 12, zlib.crc32(bytes(b[16:total])) & 0xFFFFFFFF)


# ---- values -------------------------------------------------------------------------------

_BOUNDS = {"i8": (-128, 127), "u8": (0, 255), "i16": (-32768, 32767), "u16": (0, 65535),
           "i32": (-(1 << 31), (1 << 31) - 1), "u32": (0, (1 << 32) - 1),
           "i64": (-(1 << 63), (1 << 63) - 1)}
_FMT = {"i8": "<b", "u8": "<B", "i16": "<h", "u16": "<H", "i32": "<i", "u32": "<I", "i64": "<q",
        "f32": "<f"}
_INTERESTING = [0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 129, 255, 256,
                -127, -128, -129, 1000, 4095, 4096, 32767, 32768, 65535, 65536, 0x7FFFFF,
                0x1000000, 0x7FFFFFFF, -0x80000000, 0xFFFFFFFF, 1 << 40, -(1 << 40),
                (1 << 63) - 1, -(1 << 63)]


def _int_value(rng: random.Random, kind: str, old: int, extra: list[int]) -> int:
    lo, hi = _BOUNDS[kind]
    r = rng.random()
    if r < 0.45:
        v = rng.choice(_INTERESTING)
    elif r < 0.7:
        v = old + rng.choice([-2, -1, 1, 2, 16, -16])
    elif r < 0.8:
        v = rng.choice([old * 2, -old, old // 2, old * 256 + 1])
    elif r < 0.92 and extra:
        v = rng.choice(extra) + rng.choice([0, 0, 0, -1, 1])
    else:
        v = rng.randint(lo, hi)
    span = hi - lo + 1
    return (v - lo) % span + lo  # wrap into the field's range, as the bytes would


def _float_value(rng: random.Random, old: float) -> float:
    choices = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e-45, 1.2e-38, 1e-30,
               3.4e38, 1e30, 65536.0, 1e-10]
    if rng.random() < 0.6:
        return rng.choice(choices)
    if not math.isfinite(old):
        return rng.choice(choices)
    return rng.choice([-old, old * 2 ** rng.randint(-40, 40), old * rng.uniform(0.5, 2.0)])


def _write(b: bytearray, f: Field, rng: random.Random, extra: list[int]) -> str:
    if f.kind == "byte":
        b[f.pos] = rng.randrange(256)
        return f"{f.label}={b[f.pos]}"
    if f.kind == "veclen":
        n = f.count
        v = rng.choice([0, max(n - 1, 0), n // 2, max(n - 2, 0), n + 1, n + rng.randint(2, 100),
                        0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF])
        struct.pack_into("<I", b, f.pos, v)
        return f"{f.label}={v}"
    if f.kind == "f32":
        old = struct.unpack_from("<f", b, f.pos)[0]
        v = _float_value(rng, old)
        try:
            struct.pack_into("<f", b, f.pos, v)
        except OverflowError:
            struct.pack_into("<f", b, f.pos, math.copysign(math.inf, v))
        return f"{f.label}={v!r}"
    old = struct.unpack_from(_FMT[f.kind], b, f.pos)[0]
    v = _int_value(rng, f.kind, old, extra)
    struct.pack_into(_FMT[f.kind], b, f.pos, v)
    return f"{f.label}={v}"


def inflate_tensors(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """A blob re-written with more than 0x8000 tensor records (copies of its first arena
    tensor) and one operator index pointing above 0x7FFF: the shape of the C loader bug fixed in
    blob format 2 (an index >= 0x8000 read as a negative int16). About 1 MB."""
    from pyruntime import blob as fmt

    b = fmt.read_blob(data)
    base = next(t for t in b.tensors if t.storage == fmt.STORAGE_ARENA)
    n = rng.randint(0x8001, 0x8400)
    b.tensors += [fmt.TensorRecord(base.type, base.dims, base.storage, base.offset, base.nbytes,
                                   base.scale, base.zero_point, base.flags)
                  for _ in range(n - len(b.tensors))]
    op = rng.choice(b.ops)
    slot = rng.randrange(len(op.inputs) + len(op.outputs))
    index = rng.randint(0x8000, n - 1)
    if slot < len(op.inputs):
        op.inputs[slot] = index
    else:
        op.outputs[slot - len(op.inputs)] = index
    return fmt.write_blob(b), [f"inflate_tensors n_tensors={n}, op index {index}"]


def structured_mutant(kind: str, data: bytes, rng: random.Random, max_size: int) -> bytes | None:
    """The atheris harnesses' structure-aware half: `data` with 1-3 field mutations (mutate), or
    None when `data` no longer parses as a `kind` ("tflite" or "blob") input."""
    try:
        fields = tflite_fields(data) if kind == "tflite" else blob_fields(data)
    except Exception:  # noqa: BLE001 - not a walkable input any more
        return None
    if not fields:
        return None
    out, _ = mutate(data, fields, rng, kind, [len(data)])
    return out[:max_size]


def mutate(data: bytes, fields: list[Field], rng: random.Random, kind: str,
           extra: list[int]) -> tuple[bytes, list[str]]:
    """1-3 field mutations (rarely a truncation or random bytes) of `data`; for blobs, one in
    500 is instead re-written with more than 0x8000 tensors (inflate_tensors)."""
    if kind == "blob" and rng.random() < 0.002:
        try:
            return inflate_tensors(data, rng)
        except Exception:  # noqa: BLE001 - not a readable blob (a fuzzer's input): mutate it
            pass
    b = bytearray(data)
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        r = rng.random()
        if r < 0.04:
            cut = rng.randrange(len(b))
            del b[cut:]
            notes.append(f"truncate@{cut}")
            if not b:
                break
        elif r < 0.08:
            p = rng.randrange(len(b))
            b[p] = rng.randrange(256)
            notes.append(f"byte@{p}={b[p]}")
        else:
            f = rng.choice(fields)
            if f.pos + struct.calcsize(_FMT.get(f.kind, "<I")) > len(b):
                continue
            notes.append(_write(b, f, rng, extra))
    if kind == "blob" and rng.random() < 0.97:
        fix_crc(b)
    elif kind == "blob":
        notes.append("crc-not-fixed")
    return bytes(b), notes


class Mutator:
    """Mutant i of a campaign: a pure function of (seed, kind, i)."""

    def __init__(self, kind: str, seed: int, seeds: dict[str, bytes]):
        self.kind = kind
        self.seed = seed
        self.names = sorted(seeds)
        self.seeds = seeds
        self.fields = {n: (tflite_fields(d) if kind == "tflite" else blob_fields(d))
                       for n, d in seeds.items()}
        self.extra = {n: self._extra(d) for n, d in seeds.items()}

    def _extra(self, d: bytes) -> list[int]:
        """Values that hit boundaries of this seed: counts, sizes, section lengths."""
        if self.kind == "blob":
            vals = [_u32(d, 8), _u32(d, 20), _u16(d, 24), _u16(d, 26)]
            for i in range(_u16(d, 30)):
                vals += list(struct.unpack_from("<III", d, 32 + 12 * i))[1:]
            return vals
        vals = [len(d)]
        root = _deref(d, 0)
        for slot in (6, 8, 12):
            v = _vector(d, root, slot)
            if v:
                vals.append(v[2])
        return vals

    def mutant(self, i: int) -> tuple[str, bytes, list[str]]:
        rng = random.Random(f"{self.seed}:{self.kind}:{i}")
        name = self.names[i % len(self.names)]
        data, notes = mutate(self.seeds[name], self.fields[name], rng, self.kind,
                             self.extra[name])
        return name, data, notes


def load_seeds(kind: str, mlperf: bool = True) -> dict[str, bytes]:
    import fuzz_seeds
    return fuzz_seeds.seed_models(mlperf) if kind == "tflite" else fuzz_seeds.seed_blobs(mlperf)


# ---- what one mutant does (runs in a worker) ------------------------------------------------

def run_tflite(data: bytes) -> dict[str, Any]:
    import numpy as np

    from pyruntime.convert import convert
    from pyruntime.errors import ConversionError
    from pyruntime.runtime import Engine
    from pyruntime.verify import random_input

    try:
        conv = convert(data)
    except ConversionError as exc:
        if getattr(exc, "internal", False):
            return {"outcome": "finding", "error": type(exc.__cause__).__name__,
                    "message": str(exc)[:500]}
        return {"outcome": "refused", "error": type(exc).__name__,
                "gate": getattr(exc, "engine_status", None) or "", "message": str(exc)[:300]}
    engine = Engine(conv.blob)  # anything but acceptance is a finding
    rng = np.random.default_rng(0)
    engine.invoke(*(random_input(t.dtype, t.shape, rng) for t in engine.inputs))
    return {"outcome": "converted+ran"}


def run_blob(data: bytes) -> dict[str, Any]:
    import numpy as np

    from pyruntime import errors
    from pyruntime.blob import read_blob
    from pyruntime.inspect_blob import describe
    from pyruntime.runtime import Engine
    from pyruntime.verify import random_input

    documented = getattr(errors, "DOCUMENTED_ERRORS", (errors.PyruntimeError,))
    res: dict[str, Any] = {}
    try:
        text = describe(read_blob(data))
        res["read"] = "ok"
        res["describe_chars"] = len(text)
    except documented as exc:
        res["read"] = type(exc).__name__
    try:
        engine = Engine(data)
    except documented as exc:
        res["engine"] = type(exc).__name__
        res["outcome"] = "refused"
        return res
    res["engine"] = "accepted"
    if res["read"] != "ok":  # read_blob checks a subset of pyrt_init: it must accept this blob
        return {"outcome": "finding", "error": "ReaderStricterThanEngine",
                "message": f"read_blob refused ({res['read']}) a blob the engine accepts"}
    rng = np.random.default_rng(0)
    engine.invoke(*(random_input(t.dtype, t.shape, rng) for t in engine.inputs))
    res["outcome"] = "accepted+ran"
    return res


def worker(kind: str) -> int:
    """Read length-prefixed mutants on stdin, answer one JSON line each on the original stdout
    (the Python-level stdout goes to stderr so that nothing else reaches the protocol)."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    run = run_tflite if kind == "tflite" else run_blob
    try:
        run(b"")  # import everything once, before the first timed mutant
    except Exception:  # noqa: BLE001 - an empty input may fail any way; imports are done
        pass
    while True:
        head = inp.read(4)
        if len(head) < 4:
            return 0
        (n,) = struct.unpack("<I", head)
        data = inp.read(n)
        t0 = time.monotonic()
        try:
            res = run(data)
        except MemoryError:
            res = {"outcome": "memory", "error": "MemoryError"}
        except Exception as exc:  # noqa: BLE001 - the point: anything undocumented is a finding
            res = {"outcome": "finding", "error": type(exc).__name__, "message": str(exc)[:500]}
        res["seconds"] = round(time.monotonic() - t0, 4)
        proto.write(json.dumps(res) + "\n")


# ---- the pool -----------------------------------------------------------------------------

class Worker:
    def __init__(self, kind: str, memory_mb: int):
        # AddressSanitizer (PYRT_SANITIZE=1 preloads it) reserves terabytes of shadow address
        # space at start and aborts under any RLIMIT_AS: there the limit is its own (one
        # allocation above memory_mb fails as MemoryError, a resident set above twice that is
        # killed and reported as a crash).
        sanitized = "libasan" in os.environ.get("LD_PRELOAD", "")

        def limits() -> None:
            if not sanitized:
                lim = memory_mb << 20
                resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.nice(10)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        if sanitized:
            asan = [env.get("ASAN_OPTIONS", ""), "allocator_may_return_null=1",
                    f"max_allocation_size_mb={memory_mb}", f"hard_rss_limit_mb={2 * memory_mb}"]
            env["ASAN_OPTIONS"] = ":".join(o for o in asan if o)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", kind],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            preexec_fn=limits, env=env)
        self.buf = b""
        self.fresh = True  # its first mutant's time limit also covers the imports
        self.job: tuple[int, float] | None = None  # (mutant index, deadline)

    def send(self, i: int, data: bytes, timeout: float) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(struct.pack("<I", len(data)) + data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the worker is gone: its stdout's EOF reports the crash
        self.job = (i, time.monotonic() + timeout + (60.0 if self.fresh else 0.0))
        self.fresh = False

    def kill(self) -> None:
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()


def campaign(kind: str, count: int, seed: int, jobs: int, timeout: float, memory_mb: int,
             out: Path, mlperf: bool = True, only: int | None = None,
             progress: bool = True) -> dict[str, Any]:
    import pyruntime.errors  # noqa: F401 - fail early if pyruntime is not installed

    seeds = load_seeds(kind, mlperf)
    mut = Mutator(kind, seed, seeds)
    findings_dir = out / "findings"
    indices = [only] if only is not None else list(range(count))
    pending = list(reversed(indices))
    workers = [Worker(kind, memory_mb) for _ in range(max(1, min(jobs, len(indices))))]
    counts: Counter[str] = Counter()
    details: Counter[str] = Counter()
    findings: list[dict[str, Any]] = []
    slowest = 0.0
    start = time.monotonic()
    done = 0

    def record(i: int, outcome: str, info: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        counts[outcome] += 1
        if outcome in ("finding", "crash", "hang", "memory"):
            name, data, notes = mut.mutant(i)
            findings_dir.mkdir(parents=True, exist_ok=True)
            path = findings_dir / f"{kind}-{seed}-{i}-{outcome}.{'tflite' if kind == 'tflite' else 'blob'}"
            path.write_bytes(data)
            findings.append({"index": i, "outcome": outcome, "seed_model": name,
                             "mutations": notes, "file": str(path), **info})
        if progress and done % 500 == 0:
            rate = done / max(time.monotonic() - start, 1e-9)
            print(f"  {kind}: {done}/{len(indices)} ({rate:.0f}/s) {dict(counts)}",
                  file=sys.stderr, flush=True)

    def feed(w: Worker) -> None:
        if pending:
            i = pending.pop()
            _, data, _ = mut.mutant(i)
            w.send(i, data, timeout)
        else:
            w.job = None

    for w in workers:
        feed(w)
    while any(w.job for w in workers):
        active = [w for w in workers if w.job]
        now = time.monotonic()
        wait = max(0.0, min(w.job[1] for w in active if w.job) - now)
        ready, _, _ = select.select([w.proc.stdout for w in active], [], [], wait)
        for k, w in enumerate(workers):
            if not w.job:
                continue
            i, deadline = w.job
            if w.proc.stdout in ready:
                chunk = os.read(w.proc.stdout.fileno(), 65536)  # type: ignore[union-attr]
                if chunk:
                    w.buf += chunk
                    if b"\n" not in w.buf:
                        continue
                    line, w.buf = w.buf.split(b"\n", 1)
                    res = json.loads(line)
                    slowest = max(slowest, float(res.get("seconds", 0)))
                    outcome = res.pop("outcome")
                    if outcome == "refused" and kind == "tflite":
                        details[f"{res.get('error')}" + (f" (engine gate {res['gate']})"
                                                         if res.get("gate") else "")] += 1
                    elif kind == "blob" and outcome != "finding":
                        details[f"read_blob {res.get('read')}, Engine {res.get('engine')}"] += 1
                    record(i, outcome, res)
                    feed(w)
                    continue
                # EOF: the worker died on this mutant
                rc = w.proc.wait()
                sig = -rc if rc < 0 else 0
                record(i, "crash", {"returncode": rc,
                                    "signal": signal.Signals(sig).name if sig else ""})
                workers[k] = Worker(kind, memory_mb)
                feed(workers[k])
            elif time.monotonic() > deadline:
                w.kill()
                record(i, "hang", {"timeout_s": timeout})
                workers[k] = Worker(kind, memory_mb)
                feed(workers[k])
    for w in workers:
        if w.proc.stdin:
            w.proc.stdin.close()
        w.proc.wait()
    elapsed = time.monotonic() - start
    unexpected = sum(counts[k] for k in ("finding", "crash", "hang", "memory"))
    summary = {
        "kind": kind, "seed": seed, "mutants": len(indices), "seconds": round(elapsed, 1),
        "seed_models": {n: len(d) for n, d in seeds.items()},
        "memory_limit_mb": memory_mb, "timeout_s": timeout, "slowest_mutant_s": slowest,
        "outcomes": dict(counts), "refusals": dict(details.most_common()),
        "undocumented_exceptions": counts["finding"], "crashes": counts["crash"],
        "hangs": counts["hang"],
        "memory": counts["memory"], "unexpected": unexpected, "findings": findings,
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", nargs="?", choices=("tflite", "blob"))
    p.add_argument("--count", type=int, default=1000, help="mutants (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="campaign seed (default 1)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds per mutant (default 20)")
    p.add_argument("--memory-mb", type=int, default=1024, help="memory limit per worker: RLIMIT_AS, or the ASan allocator's under PYRT_SANITIZE=1 (1024)")
    p.add_argument("--out", type=Path, default=ROOT / "build" / "campaign",
                   help="findings and summary (default build/campaign)")
    p.add_argument("--no-mlperf", action="store_true", help="builder models only as seeds")
    p.add_argument("--only", type=int, default=None, metavar="I", help="replay mutant I only")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--worker", metavar="KIND", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    if not args.kind:
        p.error("KIND (tflite or blob) is required")
    args.out.mkdir(parents=True, exist_ok=True)
    s = campaign(args.kind, args.count, args.seed, args.jobs, args.timeout, args.memory_mb,
                 args.out, mlperf=not args.no_mlperf, only=args.only, progress=not args.quiet)
    (args.out / f"summary-{args.kind}.json").write_text(json.dumps(s, indent=1))
    print(f"{args.kind} campaign, seed {s['seed']}: {s['mutants']} mutants in {s['seconds']} s "
          f"(slowest {s['slowest_mutant_s']} s)")
    print(f"  outcomes: {s['outcomes']}")
    for what, n in list(s["refusals"].items())[:12]:
        print(f"  {n:6d}  {what}")
    print(f"  undocumented exceptions {s['undocumented_exceptions']}, crashes {s['crashes']}, "
          f"hangs {s['hangs']}, memory {s['memory']}")
    for f in s["findings"][:20]:
        print(f"  {f['outcome']}: mutant {f['index']} of {f['seed_model']} {f['mutations']} "
              f"{f.get('error', '')} {f.get('message', f.get('signal', ''))[:200]} -> {f['file']}")
    return 1 if s["unexpected"] else 0


if __name__ == "__main__":
    sys.exit(main())
