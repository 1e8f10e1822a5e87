"""The `pyruntime` command line (also `python -m pyruntime`)."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, PyruntimeError


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _state_bytes(blob: bytes) -> int | None:
    """State bytes the engine needs on this host (None when the extension is not built)."""
    try:
        from .runtime import blob_info
    except ImportError:
        return None
    return int(blob_info(blob)["state_bytes"])


_SIZE_UNITS = {"": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
               "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def byte_size(text: str) -> int:
    """argparse type: a byte count, e.g. 65536, 0x10000, 64K, 2MiB, 1G (binary units)."""
    m = re.fullmatch(r"\s*(0x[0-9a-fA-F]+|\d+)\s*([a-zA-Z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _SIZE_UNITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a byte count (e.g. 65536, 64K, 2MiB)")
    return int(m.group(1), 0) * _SIZE_UNITS[unit]


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def read_file(path: str, what: str) -> bytes:
    """The bytes of a file given on the command line; PyruntimeError naming it otherwise."""
    p = Path(path)
    if p.is_dir():
        raise PyruntimeError(f"{path}: is a directory, not a {what}")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise PyruntimeError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc


def cmd_convert(args: argparse.Namespace) -> int:
    from .convert import convert, write_output

    raw = read_file(args.model, "model (.tflite)")
    conv = convert(raw, keep_names=args.keep_names, target=args.target,
                   max_arena_bytes=args.max_arena, in_place=args.in_place,
                   max_ram_bytes=args.max_ram)
    conv.source_name = Path(args.model).name
    out = Path(args.output) if args.output else Path(args.model).with_suffix(".blob")
    if out.is_dir():
        raise PyruntimeError(f"{out}: is a directory; -o takes the blob's file name")
    try:
        write_output(conv.blob, out)
    except OSError as exc:
        raise PyruntimeError(f"{out}: cannot write the blob: {exc.strerror or exc}") from exc
    summary = conv.summary()
    summary["output"] = str(out)
    summary["state_bytes"] = _state_bytes(conv.blob)
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{summary['model'] or 'model'}: {summary['op_count']} operators -> {out}")
    width = max(len(op["op"]) for op in summary["ops"]) if summary["ops"] else 2
    print(f"  {'#':>3}  {'op'.ljust(width)}  {'output':<18} {'MACs':>12}")
    for op in summary["ops"]:
        shape = "x".join(map(str, op["outputs"][0])) if op["outputs"] else ""
        print(f"  {op['index']:>3}  {op['op'].ljust(width)}  {shape:<18} {_fmt_int(op['macs']):>12}")
    print(f"  MACs            {_fmt_int(summary['macs'])}")
    print(f"  constant bytes  {_fmt_int(summary['constant_bytes'])}")
    print(f"  blob bytes      {_fmt_int(summary['blob_bytes'])} "
          f"(.tflite {_fmt_int(summary['tflite_bytes'])})")
    print(f"  arena bytes     {_fmt_int(summary['arena_bytes'])} "
          f"(liveness lower bound without in-place execution "
          f"{_fmt_int(summary['arena_lower_bound'])}; `inspect` lists the overlaps)")
    print(f"  RAM (32-bit)    {_fmt_int(summary['ram_bytes'])} (arena + engine state)")
    if summary["state_bytes"] is not None:
        print(f"  state bytes     {_fmt_int(summary['state_bytes'])} (this host)")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from .blob import read_blob
    from .inspect_blob import describe, engine_verdict

    data = read_file(args.blob, "blob")
    parsed = read_blob(data)
    print(describe(parsed))
    ok, verdict = engine_verdict(data)
    print(f"\nengine: {verdict}")
    if args.plot:
        from .plan_plot import plot_plan
        plot_plan(parsed, args.plot, f"{Path(args.blob).name}: arena {parsed.arena_bytes:,} bytes")
        print(f"plot: {args.plot}")
    return 0 if ok else 1


def load_npy(path: str) -> np.ndarray:
    """Read one array from a .npy file, refusing what np.load would choke on or take the
    machine down with: a directory, an empty or truncated file, an .npz archive, pickled
    objects, a header claiming more data than the file holds. InputError names the file."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a .npy file")
    try:
        size = p.stat().st_size
        with open(p, "rb") as f:
            head = f.read(6)
            if size == 0:
                raise InputError(f"{path}: empty file, not a .npy array")
            if head[:4] == b"PK\x03\x04" or zipfile.is_zipfile(p):
                raise InputError(f"{path}: an .npz archive; give one array as a .npy file "
                                 "(e.g. np.save('x.npy', archive['name']))")
            if head != b"\x93NUMPY":
                raise InputError(f"{path}: not a .npy file (no NUMPY magic)")
            f.seek(0)
            try:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
                else:
                    raise InputError(f"{path}: .npy format version {version} not supported")
            except ValueError as exc:
                raise InputError(f"{path}: invalid .npy header: {exc}") from exc
            if dtype.hasobject:
                raise InputError(f"{path}: holds Python objects ({dtype}); numeric arrays only")
            count = 1
            for d in shape:
                count *= int(d)
            claimed = count * dtype.itemsize
            available = size - f.tell()
            if claimed > available:
                raise InputError(f"{path}: header claims {list(shape)} {dtype} ({claimed} bytes) "
                                 f"but the file holds {available} bytes of data")
            f.seek(0)
            try:
                arr = np.load(f, allow_pickle=False)
            except ValueError as exc:
                raise InputError(f"{path}: cannot read the array: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not isinstance(arr, np.ndarray):
        raise InputError(f"{path}: not a single array")
    return arr


def check_input_array(path: str, arr: np.ndarray, dtype: np.dtype, shape: tuple[int, ...],
                      index: int = 0) -> None:
    """An input file's array must have the model input's dtype and its shape (or be a batch)."""
    if arr.dtype != dtype:
        raise InputError(f"{path}: array of dtype {arr.dtype}; model input {index} expects "
                         f"{np.dtype(dtype)} of shape {list(shape)} (or a batch of them)")
    from .verify import as_batch
    try:
        as_batch(arr, shape)
    except ValueError:
        raise InputError(f"{path}: array of shape {list(arr.shape)}; model input {index} expects "
                         f"{list(shape)} (or [N, {', '.join(map(str, shape))}] for a batch)"
                         ) from None


def cmd_run(args: argparse.Namespace) -> int:
    from .runtime import Engine
    from .verify import as_batch

    engine = Engine(read_file(args.blob, "blob"))
    if len(args.input) != len(engine.inputs):
        raise PyruntimeError(f"the model has {len(engine.inputs)} input(s); "
                             f"{len(args.input)} --input given")
    arrays = [load_npy(p) for p in args.input]
    specs = engine.inputs
    for i, (p, a, s) in enumerate(zip(args.input, arrays, specs)):
        check_input_array(p, a, s.dtype, s.shape, i)
    single = all(tuple(a.shape) == s.shape for a, s in zip(arrays, specs))
    try:
        batches = [as_batch(a, s.shape) for a, s in zip(arrays, specs)]
    except ValueError as exc:
        raise PyruntimeError(f"--input: {exc}") from exc
    n = len(batches[0])
    if any(len(b) != n for b in batches):
        raise PyruntimeError("every --input must hold the same number of samples")
    results: list[list[np.ndarray]] = [[] for _ in engine.outputs]
    for i in range(n):
        for j, y in enumerate(engine.invoke(*(b[i] for b in batches))):
            results[j].append(y)
    outs = [r[0] if single else np.stack(r) for r in results]
    if args.output:
        if len(outs) == 1:
            np.save(args.output, outs[0])
        else:
            np.savez(args.output, *outs)
    if not args.quiet:
        for j, y in enumerate(outs):
            print(f"output {j}: {y.dtype}{list(y.shape)}")
            print(np.array2string(y, threshold=64))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .verify import check_given, verify

    if args.count < 1:  # the API default path: argparse already refuses it
        raise PyruntimeError(f"--count must be at least 1, got {args.count}")
    model = read_file(args.model, "model (.tflite)")
    given = load_npy(args.inputs) if args.inputs else None
    total = args.count + (len(given) if given is not None and given.ndim > 1 else 1 if given
                          is not None else 0)
    if given is not None:  # before the progress bar: a bad file is one line
        from .convert import convert
        from .runtime import Engine
        specs = [(t.dtype, t.shape) for t in Engine(convert(model).blob).inputs]
        try:
            check_given(given, specs)
        except InputError as exc:
            raise InputError(f"{args.inputs}: {exc}") from exc
    with tqdm(total=total, desc="verify", unit="input", disable=args.quiet or total < 20,
              file=sys.stderr) as bar:
        report = verify(model, given, args.count, args.seed, progress=bar.update)
    for o in report.outputs:
        print(f"output {o.index}: largest difference {o.max_abs_diff:g} "
              f"({o.mismatched_inputs} of {report.inputs_checked} inputs differ)")
    if report.ok:
        print(f"OK: bit-exact with TFLM on {report.inputs_checked} inputs")
        return 0
    print(f"MISMATCH: first differing input #{report.first_mismatch} (seed {args.seed})")
    return 1


def cmd_ops(args: argparse.Namespace) -> int:
    from .ops import OPS

    rows = sorted(OPS.values(), key=lambda d: d.name)
    if args.markdown:
        from .opdocs import operators_markdown

        print(operators_markdown(), end="")
        return 0
    if args.json:
        print(json.dumps([{"op": d.name, "code": d.code, "versions": list(d.versions),
                           "types": d.types} for d in rows]))
        return 0
    width = max(len(d.name) for d in rows)
    for d in rows:
        print(f"{d.name.ljust(width)}  code {d.code:>3}  versions {','.join(map(str, d.versions))}"
              f"  {d.types}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pyruntime",
        description="Convert int8 TFLite models to pyruntime blobs, inspect them, and run them "
                    "through the C engine, bit-exact with TensorFlow Lite Micro.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("convert", help="convert a .tflite model into a blob and print its summary")
    c.add_argument("model", help="int8 .tflite model")
    c.add_argument("-o", "--output", help="blob to write (default: MODEL.blob)")
    c.add_argument("--keep-names", action="store_true", help="keep tensor names in the blob")
    c.add_argument("--max-arena", type=byte_size, default=None, metavar="BYTES",
                   help="refuse a model whose arena is larger (default 64MiB; e.g. 512K, 2MiB)")
    c.add_argument("--max-ram", type=byte_size, default=None, metavar="BYTES",
                   help="RAM budget (arena + engine state on a 32-bit target): the plan with the "
                        "fewest instructions that fits (convolutions run in place in bands only "
                        "where the plan peaks), or an error giving the smallest RAM reachable")
    c.add_argument("--in-place", action="store_true",
                   help="run every convolution that can in place in bands (the smallest RAM, a "
                        "few percent more instructions); default: the fewest instructions "
                        "(elementwise operators always write over a dying input)")
    c.add_argument("--target", "-t", default=None,
                   help="plan kernel scratch for one target's engine build (cortex-m4, cortex-m3, "
                        "...): the exact arena there; default: every target (portable blob)")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.set_defaults(func=cmd_convert)

    i = sub.add_parser("inspect", help="show a blob's layers, tensors and memory plan")
    i.add_argument("blob")
    i.add_argument("--plot", metavar="PLAN.png",
                   help="also draw the memory plan (tensors as operator range x byte range, the "
                        "peak marked) into an image; needs the plot extra (matplotlib)")
    i.set_defaults(func=cmd_inspect)

    r = sub.add_parser("run", help="run a blob on the host through the C engine")
    r.add_argument("blob")
    r.add_argument("--input", "-i", action="append", required=True, metavar="X.npy",
                   help="input array (one per model input); a leading extra axis is a batch")
    r.add_argument("--output", "-o", metavar="Y.npy",
                   help="where to save the output (.npz of all outputs for multi-output models)")
    r.add_argument("--quiet", "-q", action="store_true", help="do not print the outputs")
    r.set_defaults(func=cmd_run)

    v = sub.add_parser("verify", help="compare the engine with TFLM on random and given inputs")
    v.add_argument("model", help="int8 .tflite model")
    v.add_argument("--inputs", metavar="X.npy", help="extra inputs to check (one or a batch)")
    v.add_argument("--count", "-n", type=positive_int, default=100,
                   help="random inputs, at least 1 (default 100)")
    v.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    v.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    v.set_defaults(func=cmd_verify)

    o = sub.add_parser("ops", help="list the operators the engine supports")
    o.add_argument("--json", action="store_true", help="as JSON")
    o.add_argument("--markdown", action="store_true", help="as docs/operators.md")
    o.set_defaults(func=cmd_ops)

    from . import bench, export_c
    bn = sub.add_parser("bench", help="build firmware, run a blob on an emulated Arm target "
                        "(QEMU), count instructions per layer and check outputs = host")
    bench.add_arguments(bn)
    bn.set_defaults(func=bench.run_cli)

    ex = sub.add_parser("export-c", help="write a blob as C source (OUT.c, OUT.h) with its "
                        "arena and state sizes")
    export_c.add_arguments(ex)
    ex.set_defaults(func=export_c.run_cli)

    from . import device_cli  # info / flash / invoke / profile over the agent protocol
    device_cli.add_parsers(sub)
    return p


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace,
                prog: str) -> int:
    """Run a subcommand: every expected failure is one line on stderr and exit status 2."""
    try:
        return int(func(args))
    except PyruntimeError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and friends
        try:
            sys.stdout = open(os.devnull, "w")  # no second error when Python flushes at exit
        except OSError:
            pass
        return 0
    except OSError as exc:  # a file that is missing, a directory, unreadable, a full disk...
        where = f": {exc.filename}" if exc.filename else ""
        print(f"{prog}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(args.func, args, f"pyruntime {args.command}")


def _entry() -> Any:  # pragma: no cover
    sys.exit(main())
