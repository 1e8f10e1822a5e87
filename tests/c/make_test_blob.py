"""Hand-assemble a small pyruntime blob (docs/blob_format.md, format 1.0) with struct.pack.

    python3 tests/c/make_test_blob.py OUT.blob [--seed S] [--no-names]

Graph (int8, arbitrary but valid parameters; independent of the Python converter):
    x[1,8,8,3] -CONV_2D 3x3 s2 SAME (groups 1)-> [1,4,4,4]
      -DEPTHWISE_CONV_2D 3x3 s1 SAME dm 2-> [1,4,4,8]
      -ADD (+ constant [1,1,1,8], broadcast)-> [1,4,4,8]
      -AVERAGE_POOL_2D 2x2 s2 VALID-> [1,2,2,8]
      -MAX_POOL_2D 2x2 s2 VALID-> [1,1,1,8]
      -RESHAPE (aliased)-> [1,8]
      -FULLY_CONNECTED per-channel-> [1,5]
      -SOFTMAX-> [1,5]
Used to exercise the loader (blob_check --mutate) without the converter.
"""
from __future__ import annotations

import argparse
import random
import struct
import zlib

INT8, INT32 = 1, 4
ESIZE = {INT8: 1, INT32: 4}
ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D = 0, 1, 3, 4
FULLY_CONNECTED, MAX_POOL_2D, RESHAPE, SOFTMAX = 9, 17, 22, 25


def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


class Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tensors: list[dict] = []
        self.ops: list[bytes] = []
        self.const = bytearray()
        self.arena = 0

    def _const(self, data: bytes, a: int = 16) -> int:
        off = align(len(self.const), a)
        self.const += b"\0" * (off - len(self.const)) + data
        return off

    def tensor(self, name, dims, ttype=INT8, data: bytes | None = None, alias: int | None = None,
               scale=0.05, zp=0) -> int:
        n = 1
        for d in dims:
            n *= d
        nbytes = n * ESIZE[ttype]
        if data is not None:
            assert len(data) == nbytes
            storage, off = 1, self._const(data)
        elif alias is not None:
            storage, off = 0, self.tensors[alias]["offset"]
        else:
            storage, off = 0, align(self.arena, 16)
            self.arena = off + nbytes
        self.tensors.append(dict(name=name, type=ttype, dims=list(dims), storage=storage,
                                 offset=off, bytes=nbytes, scale=scale, zp=zp))
        return len(self.tensors) - 1

    def rand_i8(self, n: int, lo=-127, hi=127) -> bytes:
        return bytes((self.rng.randint(lo, hi) & 0xFF) for _ in range(n))

    def rand_i32(self, n: int, lo=-2000, hi=2000) -> bytes:
        return struct.pack(f"<{n}i", *(self.rng.randint(lo, hi) for _ in range(n)))

    def requant(self, n: int, shift_lo=-9, shift_hi=-6) -> tuple[int, int]:
        mult = struct.pack(f"<{n}i", *(self.rng.randint(1 << 30, (1 << 31) - 1) for _ in range(n)))
        shift = struct.pack(f"<{n}b", *(self.rng.randint(shift_lo, shift_hi) for _ in range(n)))
        return self._const(mult, 4), self._const(shift, 1)

    def scratch(self, nbytes: int) -> tuple[int, int]:
        """An arena region of its own for an operator's kernel scratch (the arm_dsp kernels'
        needs: runtime_c/src/kernels/arm_dsp, pyruntime/kernels.py)."""
        off = align(self.arena, 16)
        self.arena = off + nbytes
        return off, nbytes

    def kbias(self, w: bytes, bias: bytes, in_off: int, n_out: int, dw: bool) -> int:
        """CONST offset of kbias[oc] = bias[oc] + in_off * sum(weights of oc), wrapping int32
        (docs/blob_format.md)."""
        per = len(w) // n_out
        out = []
        for oc in range(n_out):
            ws = [w[oc + e * n_out] if dw else w[oc * per + e] for e in range(per)]
            total = sum(v - 256 if v > 127 else v for v in ws)
            b = struct.unpack_from("<i", bias, 4 * oc)[0]
            out.append(((b + in_off * total + (1 << 31)) % (1 << 32)) - (1 << 31))
        return self._const(struct.pack(f"<{n_out}i", *out), 4)

    def op(self, code, ins, outs, params, scratch=(0, 0)):
        idx = struct.pack(f"<{len(ins) + len(outs)}h", *ins, *outs)
        idx += b"\0" * (align(len(idx), 4) - len(idx))
        rec = struct.pack("<HBBBBHII", code, 1, len(ins), len(outs), 0, len(params), *scratch)
        rec += idx + struct.pack(f"<{len(params)}i", *params)
        self.ops.append(rec)

    def build(self, inputs, outputs, names=True) -> bytes:
        trecs = b""
        for t in self.tensors:
            dims = t["dims"] + [0] * (6 - len(t["dims"]))
            trecs += struct.pack("<BBBBIIfi6H", t["type"], len(t["dims"]), t["storage"],
                                 1 if t["type"] == INT8 else 0, t["offset"], t["bytes"],
                                 t["scale"], t["zp"], *dims)
        ops = b"".join(self.ops)
        io = struct.pack(f"<{len(inputs) + len(outputs)}H", *inputs, *outputs)
        io += b"\0" * (align(len(io), 4) - len(io))
        sections = [(1, trecs), (2, ops), (3, io), (4, bytes(self.const))]
        if names:
            nm = b"".join(struct.pack("<H", len(t["name"])) + t["name"].encode()
                          for t in self.tensors)
            sections.append((5, nm))
        pos = 32 + 12 * len(sections)
        table, body = b"", b""
        for sid, data in sections:
            off = align(pos, 16 if sid == 4 else 4)
            body += b"\0" * (off - pos) + data
            table += struct.pack("<III", sid, off, len(data))
            pos = off + len(data)
        total = align(pos, 4)
        body += b"\0" * (total - pos)
        rest = struct.pack("<IIHHBBH", 1 if names else 0, self.arena, len(self.tensors),
                           len(self.ops), len(inputs), len(outputs), len(sections)) + table + body
        crc = zlib.crc32(rest) & 0xFFFFFFFF
        return b"PYRT" + struct.pack("<HHII", 2, 0, total, crc) + rest


def make(seed: int = 1, names: bool = True) -> bytes:
    b = Builder(random.Random(seed))
    x = b.tensor("x", [1, 8, 8, 3], scale=0.1, zp=-5)
    wd0, bd0 = b.rand_i8(4 * 27), b.rand_i32(4)
    w0 = b.tensor("conv_w", [4, 3, 3, 3], data=wd0)
    b0 = b.tensor("conv_b", [4], INT32, data=bd0)
    y0 = b.tensor("conv_y", [1, 4, 4, 4], scale=0.2, zp=3)
    m, s = b.requant(4)
    # stride 2 SAME on 8: out 4, total pad (4-1)*2+3-8 = 1 -> pad 0
    b.op(CONV_2D, [x, w0, b0], [y0],
         [2, 2, 1, 1, 0, 0, 5, 3, -128, 127, m, s, b.kbias(wd0, bd0, 5, 4, False)],
         scratch=b.scratch(8 * 27 + 4 * 28))  # im2col: 4 columns x 27 int16 + 4 x 28 bytes

    wd1, bd1 = b.rand_i8(72), b.rand_i32(8)
    w1 = b.tensor("dw_w", [1, 3, 3, 8], data=wd1)
    b1 = b.tensor("dw_b", [8], INT32, data=bd1)
    y1 = b.tensor("dw_y", [1, 4, 4, 8], scale=0.3, zp=-2)
    m, s = b.requant(8)
    b.op(DEPTHWISE_CONV_2D, [y0, w1, b1], [y1],
         [1, 1, 1, 1, 1, 1, -3, -2, -100, 127, m, s, 2, b.kbias(wd1, bd1, -3, 8, True)])

    c2 = b.tensor("add_c", [1, 1, 1, 8], data=b.rand_i8(8))
    y2 = b.tensor("add_y", [1, 4, 4, 8], scale=0.3, zp=1)
    b.op(ADD, [y1, c2], [y2], [2, 0, 1, 20, 1 << 30, 0, 1518500250, -1, 1 << 30, -19, -128, 127])

    y3 = b.tensor("avg_y", [1, 2, 2, 8], scale=0.3, zp=1)
    b.op(AVERAGE_POOL_2D, [y2], [y3], [2, 2, 2, 2, 0, 0, -128, 127])
    y4 = b.tensor("max_y", [1, 1, 1, 8], scale=0.3, zp=1)
    b.op(MAX_POOL_2D, [y3], [y4], [2, 2, 2, 2, 0, 0, -128, 127])

    y5 = b.tensor("flat", [1, 8], alias=y4, scale=0.3, zp=1)
    b.op(RESHAPE, [y4], [y5], [])

    wd6, bd6 = b.rand_i8(40), b.rand_i32(5)
    w6 = b.tensor("fc_w", [5, 8], data=wd6)
    b6 = b.tensor("fc_b", [5], INT32, data=bd6)
    y6 = b.tensor("logits", [1, 5], scale=0.25, zp=-7)
    m, s = b.requant(5, -8, -5)
    b.op(FULLY_CONNECTED, [y5, w6, b6], [y6],
         [-1, -7, -128, 127, m, s, 5, b.kbias(wd6, bd6, -1, 5, False)],
         scratch=b.scratch(2 * 8))  # the expanded input row

    y7 = b.tensor("probs", [1, 5], scale=1 / 256, zp=-128)
    # input_left_shift 23 -> diff_min = -floor(31 * 2^26 / 2^23) = -248
    b.op(SOFTMAX, [y6], [y7], [1 << 30, 23, -248])
    return b.build([x], [y7], names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-names", action="store_true")
    a = ap.parse_args()
    with open(a.out, "wb") as f:
        f.write(make(a.seed, not a.no_names))


if __name__ == "__main__":
    main()
