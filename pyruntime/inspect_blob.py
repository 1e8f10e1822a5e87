"""Human-readable description of a blob: layers, shapes, quantization and the memory plan."""
from __future__ import annotations

from . import blob as fmt
from .ops import OPS
from .tflite_reader import BUILTIN_NAMES


def op_name(code: int) -> str:
    return BUILTIN_NAMES.get(code, f"OP{code}")


def lifetimes(b: fmt.Blob) -> dict[int, tuple[int, int]]:
    """[first, last] operator position of every arena tensor (inputs from 0, outputs to the end)."""
    span: dict[int, list[int]] = {}
    last = max(len(b.ops) - 1, 0)

    def touch(t: int, pos: int) -> None:
        s = span.setdefault(t, [pos, pos])
        s[0], s[1] = min(s[0], pos), max(s[1], pos)

    for t in b.inputs:
        touch(t, 0)
    for pos, op in enumerate(b.ops):
        for t in op.inputs + op.outputs:
            if t >= 0 and b.tensors[t].storage == fmt.STORAGE_ARENA:
                touch(t, pos)
    for t in b.outputs:
        touch(t, last)
    return {t: (s[0], s[1]) for t, s in span.items()}


MAX_CELL = 160  # characters of one table cell (an operator with hundreds of inputs)


def _cell(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 3] + "..."


def engine_verdict(data: bytes) -> tuple[bool, str]:
    """(accepted, one line): what the engine's loader (pyrt_init) says about the blob."""
    from .errors import PyruntimeError
    try:
        from .runtime import check_blob
    except ImportError:
        return True, "not checked (the compiled engine is not installed)"
    try:
        check_blob(data)
    except PyruntimeError as exc:
        return False, f"REFUSED by pyrt_init: {exc}"
    return True, "accepted by pyrt_init"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def short_name(name: str, width: int = 32) -> str:
    """TFLite names are ';'-joined op paths: keep the first path, shortened from the left."""
    name = name.split(";")[0]
    return name if len(name) <= width else "..." + name[-(width - 3):]


def _tname(b: fmt.Blob, i: int) -> str:
    if i < 0:
        return "-"
    return f"t{i}" + (f":{short_name(b.tensors[i].name)}" if b.tensors[i].name else "")


def describe(b: fmt.Blob) -> str:
    parts = [
        f"pyruntime blob, format {b.format_major}.{b.format_minor}: {b.total_bytes} bytes, "
        f"{len(b.ops)} operators, {len(b.tensors)} tensors, constant data {len(b.const)} bytes, "
        f"arena {b.arena_bytes} bytes",
        "sections: " + ", ".join(f"{fmt.SECTION_NAMES.get(s, s)} @{o} ({n} B)"
                                 for s, (o, n) in sorted(b.sections.items(), key=lambda x: x[1])),
        "",
        "Inputs / outputs",
    ]
    io_rows = []
    for role, idx in (("input", b.inputs), ("output", b.outputs)):
        for n, t in enumerate(idx):
            r = b.tensors[t]
            io_rows.append([f"{role} {n}", _tname(b, t), r.type_name, str(list(r.dims)),
                            f"{r.scale:.6g}", str(r.zero_point)])
    parts += [_table(["io", "tensor", "type", "shape", "scale", "zero_point"], io_rows), "",
              "Layers"]
    rows = []
    for i, op in enumerate(b.ops):
        d = OPS.get(op.code)
        names = d.param_names if d else ()
        shown = ", ".join(f"{n}={v}" for n, v in zip(names, op.params)
                          if not n.endswith("_off"))
        ins = " ".join(f"{_tname(b, t)}{list(b.tensors[t].dims)}" if t >= 0 else "-"
                       for t in op.inputs)
        outs = " ".join(f"{_tname(b, t)}{list(b.tensors[t].dims)}" for t in op.outputs)
        rows.append([str(i), op_name(op.code), _cell(ins), _cell(outs), _cell(shown)])
    parts += [_table(["#", "op", "inputs", "outputs", "parameters"], rows), "", "Tensors"]
    rows = []
    for i, r in enumerate(b.tensors):
        q = ("per-channel" if r.flags & fmt.TFLAG_PER_CHANNEL else
             f"s={r.scale:.6g} zp={r.zero_point}" if r.flags & fmt.TFLAG_QUANTIZED else "-")
        rows.append([str(i), short_name(r.name) if r.name else "-", r.type_name, str(list(r.dims)),
                     "arena" if r.storage == fmt.STORAGE_ARENA else "const", str(r.offset),
                     str(r.nbytes), q])
    parts += [_table(["#", "name", "type", "shape", "storage", "offset", "bytes", "quantization"],
                     rows), "", f"Memory plan (arena {b.arena_bytes} bytes)"]
    life = lifetimes(b)
    rows = []
    width = 40
    scale = max(b.arena_bytes, 1)
    entries = [(r.offset, r.nbytes, _tname(b, t), life.get(t, (0, 0)))
               for t, r in enumerate(b.tensors) if r.storage == fmt.STORAGE_ARENA]
    entries += [(op.scratch_offset, op.scratch_bytes, f"scratch op {i}", (i, i))
                for i, op in enumerate(b.ops) if op.scratch_bytes]
    for off, n, label, (first, last) in sorted(entries):
        lo, hi = off * width // scale, max((off + n) * width // scale, off * width // scale + 1)
        bar = "." * lo + "#" * (hi - lo) + "." * (width - hi)
        rows.append([str(off), str(off + n), str(n), f"{first}..{last}", label, bar])
    parts.append(_table(["start", "end", "bytes", "ops", "tensor", "arena"], rows))
    parts += ["", *in_place(b)]
    return "\n".join(parts)


def in_place(b: fmt.Blob) -> list[str]:
    """Why the arena can be below the liveness bound: each output written over an input."""
    lines = []
    for i, op in enumerate(b.ops):
        for o in op.outputs:
            y = b.tensors[o]
            for t in op.inputs:
                if t < 0 or b.tensors[t].storage != fmt.STORAGE_ARENA or t == o:
                    continue
                x = b.tensors[t]
                if not (x.offset < y.offset + y.nbytes and y.offset < x.offset + x.nbytes):
                    continue
                if (x.offset, x.nbytes) == (y.offset, y.nbytes) and op.code not in (3, 4):
                    why = "elementwise: element i is read before it is written"
                else:
                    where, order = (("below", "increasing") if y.offset < x.offset
                                    else ("above", "decreasing"))
                    why = (f"in bands of output rows (of 4 pixels for a 1x1 layer) in {order} "
                           f"order, the output {abs(x.offset - y.offset)} bytes {where} the input: "
                           "no band writes bytes it or a later band reads")
                lines.append(f"  op {i} {op_name(op.code)}: {_tname(b, o)} over {_tname(b, t)} "
                             f"({min(x.offset + x.nbytes, y.offset + y.nbytes) - max(x.offset, y.offset)}"
                             f" bytes shared; {why})")
    head = ["In place (outputs written over an input that dies with the operator; the arena "
            "can be below the liveness bound by the bytes shared)"]
    return head + (lines or ["  none"])
