"""The `pyruntime` command line (also `python -m pyruntime`)."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import PyruntimeError


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _state_bytes(blob: bytes) -> int | None:
    """State bytes the engine needs on this host (None when the extension is not built)."""
    try:
        from .runtime import Engine
    except ImportError:
        return None
    return Engine(blob).state_bytes


def cmd_convert(args: argparse.Namespace) -> int:
    from .convert import convert

    conv = convert(args.model, keep_names=args.keep_names, target=args.target)
    out = Path(args.output) if args.output else Path(args.model).with_suffix(".blob")
    out.write_bytes(conv.blob)
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
          f"(liveness lower bound {_fmt_int(summary['arena_lower_bound'])})")
    if summary["state_bytes"] is not None:
        print(f"  state bytes     {_fmt_int(summary['state_bytes'])} (this host)")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from .blob import read_blob
    from .inspect_blob import describe

    print(describe(read_blob(Path(args.blob).read_bytes())))
    return 0


def load_npy(path: str) -> np.ndarray:
    """np.load without pickles; a clear PyruntimeError naming the file on failure."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise PyruntimeError(f"cannot read {path}: {exc}") from exc


def cmd_run(args: argparse.Namespace) -> int:
    from .runtime import Engine
    from .verify import as_batch

    engine = Engine(Path(args.blob).read_bytes())
    if len(args.input) != len(engine.inputs):
        raise PyruntimeError(f"the model has {len(engine.inputs)} input(s); "
                             f"{len(args.input)} --input given")
    arrays = [load_npy(p) for p in args.input]
    specs = engine.inputs
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

    from .verify import verify

    given = load_npy(args.inputs) if args.inputs else None
    total = args.count + (len(given) if given is not None and given.ndim > 1 else 1 if given
                          is not None else 0)
    with tqdm(total=total, desc="verify", unit="input", disable=args.quiet or total < 20,
              file=sys.stderr) as bar:
        report = verify(args.model, given, args.count, args.seed, progress=bar.update)
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
    c.add_argument("--target", "-t", default=None,
                   help="plan kernel scratch for one target's engine build (cortex-m4, cortex-m3, "
                        "...): the exact arena there; default: every target (portable blob)")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.set_defaults(func=cmd_convert)

    i = sub.add_parser("inspect", help="show a blob's layers, tensors and memory plan")
    i.add_argument("blob")
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
    v.add_argument("--count", "-n", type=int, default=100, help="random inputs (default 100)")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PyruntimeError as exc:
        print(f"pyruntime {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except FileNotFoundError as exc:
        print(f"pyruntime {args.command}: error: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 2


def _entry() -> Any:  # pragma: no cover
    sys.exit(main())
