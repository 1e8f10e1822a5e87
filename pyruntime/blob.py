"""Write and read pyruntime blobs (docs/blob_format.md is the specification)."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from .errors import BlobFormatError
from .ir import TYPE_NAMES

MAGIC = b"PYRT"
FORMAT_MAJOR = 2
FORMAT_MINOR = 0
HEADER = struct.Struct("<4sHHIIIIHHBBH")  # 32 bytes
SECTION = struct.Struct("<III")
TENSOR = struct.Struct("<BBBBIIfi6H")  # 32 bytes
OP_HEAD = struct.Struct("<HBBBBHII")  # 16 bytes
SEC_TENSORS, SEC_OPS, SEC_IO, SEC_CONST, SEC_NAMES = 1, 2, 3, 4, 5
SECTION_NAMES = {SEC_TENSORS: "TENSORS", SEC_OPS: "OPS", SEC_IO: "IO", SEC_CONST: "CONST",
                 SEC_NAMES: "NAMES"}
FLAG_NAMES = 1
STORAGE_ARENA, STORAGE_CONST = 0, 1
TFLAG_QUANTIZED, TFLAG_PER_CHANNEL = 1, 2
ELEMENT_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1}

assert HEADER.size == 32 and TENSOR.size == 32 and OP_HEAD.size == 16


@dataclass
class TensorRecord:
    type: int
    dims: tuple[int, ...]
    storage: int
    offset: int
    nbytes: int
    scale: float = 0.0
    zero_point: int = 0
    flags: int = 0
    name: str = ""

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, f"type{self.type}")


@dataclass
class OpRecord:
    code: int
    inputs: list[int]
    outputs: list[int]
    params: list[int]
    scratch_offset: int = 0
    scratch_bytes: int = 0
    version: int = 1


@dataclass
class Blob:
    tensors: list[TensorRecord]
    ops: list[OpRecord]
    inputs: list[int]
    outputs: list[int]
    const: bytes
    arena_bytes: int
    format_major: int = FORMAT_MAJOR
    format_minor: int = FORMAT_MINOR
    sections: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (offset, length)
    total_bytes: int = 0


def _pad4(b: bytes) -> bytes:
    return b + b"\0" * ((-len(b)) % 4)


def _op_bytes(op: OpRecord) -> bytes:
    idx = op.inputs + op.outputs
    head = OP_HEAD.pack(op.code, op.version, len(op.inputs), len(op.outputs), 0, len(op.params),
                        op.scratch_offset, op.scratch_bytes)
    idx = [NO_TENSOR if i == -1 else i for i in idx]
    return head + _pad4(struct.pack(f"<{len(idx)}H", *idx)) + struct.pack(f"<{len(op.params)}i",
                                                                          *op.params)


def write_blob(blob: Blob, keep_names: bool = False) -> bytes:
    """Serialise `blob`; returns the bytes with length and CRC filled in."""
    if len(blob.tensors) > 0xFFFF or len(blob.ops) > 0xFFFF:
        raise BlobFormatError("more than 65535 tensors or operators")
    if not (1 <= len(blob.inputs) <= 255 and 1 <= len(blob.outputs) <= 255):
        raise BlobFormatError("a model needs 1..255 inputs and outputs")
    tensors = b"".join(
        TENSOR.pack(t.type, len(t.dims), t.storage, t.flags, t.offset, t.nbytes, t.scale,
                    t.zero_point, *(list(t.dims) + [0] * (6 - len(t.dims))))
        for t in blob.tensors)
    ops = b"".join(_op_bytes(op) for op in blob.ops)
    io = _pad4(struct.pack(f"<{len(blob.inputs) + len(blob.outputs)}H", *blob.inputs, *blob.outputs))
    sections: list[tuple[int, bytes, int]] = [
        (SEC_TENSORS, tensors, 4), (SEC_IO, io, 4), (SEC_OPS, ops, 4), (SEC_CONST, blob.const, 16)]
    if keep_names:
        names = b"".join(struct.pack("<H", len(n)) + n for n in
                         (t.name.encode("utf-8")[:0xFFFF] for t in blob.tensors))
        sections.append((SEC_NAMES, _pad4(names), 4))
    table_end = HEADER.size + SECTION.size * len(sections)
    body = bytearray()
    table = bytearray()
    cursor = table_end
    for sid, data, align in sections:
        pad = (-cursor) % align
        body.extend(b"\0" * pad)
        cursor += pad
        table.extend(SECTION.pack(sid, cursor, len(data)))
        body.extend(data)
        cursor += len(data)
    total = cursor
    header = HEADER.pack(MAGIC, FORMAT_MAJOR, FORMAT_MINOR, total, 0, FLAG_NAMES if keep_names else 0,
                         blob.arena_bytes, len(blob.tensors), len(blob.ops), len(blob.inputs),
                         len(blob.outputs), len(sections))
    out = bytearray(header + table + body)
    struct.pack_into("<I", out, 12, zlib.crc32(out[16:]) & 0xFFFFFFFF)
    return bytes(out)


MAX_SECTIONS = 16
MAX_DIMS = 6
NO_TENSOR = 0xFFFF  # an absent optional operator input


def _fail(msg: str) -> BlobFormatError:
    return BlobFormatError(msg)


def read_blob(data: bytes, check_crc: bool = True) -> Blob:
    """Parse a blob (for inspection). Raises BlobFormatError naming what is wrong and where.

    Checks what the C loader checks about the blob's structure (docs/blob_format.md, "What the
    loader checks", steps 2-8) before building anything: header, CRC, section table, every
    tensor record (type, rank, dims, byte size, data inside the arena or CONST), the I/O table
    and every operator record's extent, tensor indices and scratch range. It does not run the
    per-operator checks (types, shapes, parameters): a blob the engine refuses for those still
    reads, so that `inspect` can show it (`pyruntime.runtime.check_blob` runs the engine's).
    """
    data = bytes(data)
    if len(data) < HEADER.size:
        raise _fail(f"blob is {len(data)} bytes; the header alone is {HEADER.size}")
    (magic, major, minor, total, crc, flags, arena, n_t, n_ops, n_in, n_out,
     n_sec) = HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise _fail(f"bad magic {magic!r}: not a pyruntime blob")
    if major != FORMAT_MAJOR:
        raise _fail(f"format version {major}.{minor}; this reader supports {FORMAT_MAJOR}.x")
    if total > len(data) or total < HEADER.size:
        raise _fail(f"header (byte 8): blob declares {total} bytes but {len(data)} were given")
    if check_crc and zlib.crc32(data[16:total]) & 0xFFFFFFFF != crc:
        raise _fail("header (byte 12): CRC32 mismatch: the blob is corrupted")

    # section table
    if not 1 <= n_sec <= MAX_SECTIONS:
        raise _fail(f"header (byte 30): {n_sec} sections; the format allows 1..{MAX_SECTIONS}")
    table_end = HEADER.size + SECTION.size * n_sec
    if table_end > total:
        raise _fail(f"header (byte 30): section table of {n_sec} entries runs past the blob")
    sections: dict[int, tuple[int, int]] = {}
    spans: list[tuple[int, int]] = []
    for i in range(n_sec):
        pos = HEADER.size + SECTION.size * i
        sid, off, length = SECTION.unpack_from(data, pos)
        where = f"section table entry {i} (byte {pos}, id {sid})"
        if off < table_end or off + length > total:
            raise _fail(f"{where}: [{off}, {off + length}) outside [{table_end}, {total})")
        if off % (16 if sid == SEC_CONST else 4):
            raise _fail(f"{where}: offset {off} misaligned")
        for o2, l2 in spans:
            if off < o2 + l2 and o2 < off + length:
                raise _fail(f"{where}: [{off}, {off + length}) overlaps another section")
        spans.append((off, length))
        if sid in SECTION_NAMES:
            if sid in sections:
                raise _fail(f"{where}: second {SECTION_NAMES[sid]} section")
            sections[sid] = (off, length)
    for sid in (SEC_TENSORS, SEC_OPS, SEC_IO, SEC_CONST):
        if sid not in sections:
            raise _fail(f"required section {SECTION_NAMES[sid]} missing")
    t_off, t_len = sections[SEC_TENSORS]
    if t_len != TENSOR.size * n_t:
        raise _fail(f"TENSORS section is {t_len} bytes; {n_t} tensors need {TENSOR.size * n_t}")
    io_off, io_len = sections[SEC_IO]
    if io_len != (2 * (n_in + n_out) + 3) // 4 * 4:
        raise _fail(f"IO section is {io_len} bytes; {n_in} inputs and {n_out} outputs need "
                    f"{(2 * (n_in + n_out) + 3) // 4 * 4}")
    c_off, c_len = sections[SEC_CONST]

    # tensors
    tensors = []
    for i in range(n_t):
        pos = t_off + TENSOR.size * i
        ty, rank, storage, tflags, off, nbytes, scale, zp, *dims = TENSOR.unpack_from(data, pos)
        where = f"tensor {i} (record at byte {pos})"
        esize = ELEMENT_SIZE.get(ty, 0)
        if esize == 0:
            raise _fail(f"{where}: unknown type {ty}")
        if rank > MAX_DIMS:
            raise _fail(f"{where}: rank {rank} above {MAX_DIMS}")
        if storage not in (STORAGE_ARENA, STORAGE_CONST):
            raise _fail(f"{where}: unknown storage {storage}")
        if any(d == 0 for d in dims[:rank]) or any(d != 0 for d in dims[rank:]):
            raise _fail(f"{where}: dims {dims} invalid for rank {rank}")
        count = 1
        for d in dims[:rank]:
            count *= d
        if count * esize > 0x7FFFFFFF or count * esize != nbytes:
            raise _fail(f"{where}: {nbytes} bytes but dims {list(dims[:rank])} of "
                        f"{TYPE_NAMES.get(ty, ty)} need {count * esize}")
        if off % esize:
            raise _fail(f"{where}: offset {off} not aligned to its element size {esize}")
        limit, space = (arena, "arena") if storage == STORAGE_ARENA else (c_len, "CONST section")
        if off + nbytes > limit:
            raise _fail(f"{where}: data [{off}, {off + nbytes}) outside the {space} "
                        f"({limit} bytes)")
        tensors.append(TensorRecord(ty, tuple(dims[:rank]), storage, off, nbytes, scale, zp,
                                    tflags))
    if SEC_NAMES in sections:
        pos, end = sections[SEC_NAMES][0], sum(sections[SEC_NAMES])
        for t in tensors:
            if pos + 2 > end:
                break
            (n,) = struct.unpack_from("<H", data, pos)
            t.name = bytes(data[pos + 2:min(pos + 2 + n, end)]).decode("utf-8", "replace")
            pos += 2 + n

    # inputs and outputs
    if n_in < 1 or n_out < 1:
        raise _fail(f"header (byte 28): {n_in} inputs and {n_out} outputs; at least 1 of each")
    io = struct.unpack_from(f"<{n_in + n_out}H", data, io_off)
    for i, t in enumerate(io):
        if t >= n_t or tensors[t].storage != STORAGE_ARENA:
            raise _fail(f"I/O entry {i} (byte {io_off + 2 * i}): tensor {t} is not an arena "
                        f"tensor of the {n_t}")

    # operators
    ops = []
    pos, end = sections[SEC_OPS][0], sum(sections[SEC_OPS])
    for i in range(n_ops):
        where = f"operator {i} (record at byte {pos})"
        if pos + OP_HEAD.size > end:
            raise _fail(f"{where}: runs past the OPS section")
        code, version, nin, nout, _r, npar, s_off, s_bytes = OP_HEAD.unpack_from(data, pos)
        idx_len = (2 * (nin + nout) + 3) // 4 * 4
        if pos + OP_HEAD.size + idx_len + 4 * npar > end:
            raise _fail(f"{where}: runs past the OPS section")
        if nout < 1:
            raise _fail(f"{where}: no outputs")
        # u16 indices (format 2), 0xFFFF an absent optional input: kept as -1 in OpRecord
        idx = [-1 if u == NO_TENSOR else u
               for u in struct.unpack_from(f"<{nin + nout}H", data, pos + OP_HEAD.size)]
        for j, ti in enumerate(idx):
            if ti == -1 and j < nin:
                continue  # absent optional input
            if not 0 <= ti < n_t:
                raise _fail(f"{where}: tensor index {ti & 0xFFFF} out of range (0..{n_t - 1})")
            if j >= nin and tensors[ti].storage != STORAGE_ARENA:
                raise _fail(f"{where}: output tensor {ti} is a constant")
        if s_bytes and (s_off + s_bytes > arena or s_off % 16):
            raise _fail(f"{where}: scratch [{s_off}, {s_off + s_bytes}) outside the arena "
                        f"({arena} bytes) or not 16-byte aligned")
        params = list(struct.unpack_from(f"<{npar}i", data, pos + OP_HEAD.size + idx_len))
        ops.append(OpRecord(code, idx[:nin], idx[nin:], params, s_off, s_bytes, version))
        pos += OP_HEAD.size + idx_len + 4 * npar
    if pos != end:
        raise _fail(f"OPS section: {end - pos} bytes left after the {n_ops} operator records")
    return Blob(tensors, ops, list(io[:n_in]), list(io[n_in:]), bytes(data[c_off:c_off + c_len]),
                arena, major, minor, sections, total)
