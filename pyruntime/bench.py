"""`pyruntime bench`: exact instruction counts of a blob on an emulated Arm target.

    res = bench(blob, "cortex-m4")           # build (cached) + run under QEMU + compare with host
    print(format_report(res)); res["outputs_match"]

Cortex-M targets run firmware/apps/runner on a QEMU board (-icount shift=0,sleep=off + the
insn_count plugin); Cortex-A targets run firmware/apps/runner_linux in QEMU user mode. The
same inputs go through the host engine (pyruntime.runtime.Engine) and the outputs must be
identical bit for bit.

Engine build: by default (`ops="model"`, CLI `--ops model`) the engine is built with only the
blob's operators (PYRT_OPS, see pyruntime.opselect), as a firmware for that model would be;
`code_bytes` is then that model's engine code. `--ops all` builds every operator.

Counts: `instructions` is one invoke without the profiling hook (the runner's warm-up run on
the same input: the engine has no lazy initialization, so a second run executes the same
instructions); per-operator counts come from the measured run with the hook, minus the
calibrated hook overhead. The rest (instructions - sum of per-op) is the interpreter loop.

`python -m pyruntime.bench --markdown -o docs/benchmarks.md` regenerates docs/benchmarks.md
(pyruntime.benchdoc).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import blob as fmt
from .layer_kinds import kinds_of_blob
from .opselect import op_layouts, op_names
from .targets import (CapacityError, Target, TargetError, get_target, target_names)
from .targets import linux as linux_target
from .targets import qemu
from .targets.mapfile import engine_size

DEFAULT_TIMEOUT_S = 300.0
OP_SETS = ("model", "all")  # engine built with the blob's operators | with every operator
ARENA_BUILD_STEP = 1 << 20  # firmware arenas are built in whole MiB (one build serves many)

Progress = Callable[[str], None]


def stderr_progress(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _quiet(_msg: str) -> None:
    pass


# ---- model facts from the blob ----------------------------------------------------------------
def _op_name(code: int) -> str:
    from .tflite_reader import BUILTIN_NAMES
    return BUILTIN_NAMES.get(code, f"OP{code}")


def op_table(blob: bytes) -> list[dict[str, Any]]:
    """Per operator: name, layer kind (pyruntime.layer_kinds), output shape and MACs
    (multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED; 0 for the others),
    from the blob alone."""
    b = fmt.read_blob(blob)
    rows = []
    for i, (op, kind) in enumerate(zip(b.ops, kinds_of_blob(b))):
        name = _op_name(op.code)
        out = b.tensors[op.outputs[0]].dims if op.outputs else ()
        out_elems = int(np.prod(out)) if out else 0
        macs = 0
        if len(op.inputs) > 1 and op.inputs[1] >= 0:
            w = b.tensors[op.inputs[1]].dims
            if name == "CONV_2D" and len(w) == 4:
                macs = out_elems * w[1] * w[2] * w[3]
            elif name == "DEPTHWISE_CONV_2D" and len(w) == 4:
                macs = out_elems * w[1] * w[2]
            elif name == "FULLY_CONNECTED" and len(w) == 2:
                macs = out_elems * w[1]
        rows.append({"index": i, "op": name, "kind": kind, "output_shape": list(out),
                     "macs": macs})
    return rows


def pattern_input(nbytes: int) -> bytes:
    """The REFERENCE input pattern x[i] = (int8)((i*7+3) % 256 - 128), as raw bytes."""
    return (((np.arange(nbytes, dtype=np.int64) * 7 + 3) % 256) - 128).astype(np.int8).tobytes()


def host_run(blob: bytes, inputs: Sequence[np.ndarray] | None) -> tuple[list[bytes], list[bytes],
                                                                         int]:
    """(input bytes, output bytes, host state bytes) of the host engine on the inputs
    (default: the pattern for every input)."""
    from .runtime import Engine
    eng = Engine(blob)
    arrays = []
    for i, spec in enumerate(eng.inputs):
        if inputs is None:
            arr = np.frombuffer(pattern_input(spec.bytes), dtype=spec.dtype).reshape(spec.shape)
        else:
            arr = np.ascontiguousarray(inputs[i])
            if arr.dtype != spec.dtype or arr.size * arr.itemsize != spec.bytes:
                raise TargetError(f"input {i}: expected {spec.dtype} of shape {spec.shape}, got "
                                  f"{arr.dtype} of shape {arr.shape}")
            arr = arr.reshape(spec.shape)
        arrays.append(arr)
    outs = eng.invoke(*arrays)
    return [a.tobytes() for a in arrays], [o.tobytes() for o in outs], eng.state_bytes


# ---- one benchmark ------------------------------------------------------------------------
def _run_mcu(t: Target, blob: bytes, ins: list[bytes], build_type: str, state_guess: int,
             ops: list[str] | None, cache_dir: Path | None, timeout: float, progress: Progress
             ) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    _, arena_needed = qemu.blob_requirements(blob)
    fw = qemu.build_firmware(t.board, "runner", build_type=build_type, cache_dir=cache_dir,
                             ops=ops, progress=progress)
    qemu.check_fits(fw, blob, state_guess)
    if arena_needed > fw.arena_capacity:  # fits the board, not the default build: bigger one
        arena = -(-arena_needed // ARENA_BUILD_STEP) * ARENA_BUILD_STEP
        if arena + fw.state_capacity > fw.ram_capacity:
            arena = arena_needed + (-arena_needed % 16)
        fw = qemu.build_firmware(t.board, "runner", build_type=build_type, cache_dir=cache_dir,
                                 arena_bytes=arena, ops=ops, progress=progress)
    progress(f"{t.name}: running on QEMU {fw.info['qemu_machine']}")
    run = qemu.run_qemu(fw, blob=blob, inputs=ins, timeout=timeout, cache_dir=cache_dir)
    qemu.check_run(run, f"{t.name} ({t.board})")
    res = qemu.runner_result(run)
    arena = res.get("arena", {})
    extra = {"board": t.board, "qemu_machine": fw.info["qemu_machine"],
             "stack_size": int(res.get("stack", {}).get("size", 0)),
             # the runner gave pyrt_init exactly the planned arena and guarded the bytes after it
             "arena_refused_one_less": arena.get("refused_one_less") == "1",
             "arena_guard_touched": int(arena.get("guard_touched", -1))}
    return res, fw.map_file, extra


def _run_linux(t: Target, blob: bytes, ins: list[bytes], build_type: str,
               ops: list[str] | None, cache_dir: Path | None, timeout: float,
               progress: Progress) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    b = linux_target.build_linux(t, build_type=build_type, cache_dir=cache_dir, ops=ops,
                                 progress=progress)
    progress(f"{t.name}: running on {t.qemu} -cpu {t.qemu_cpu}")
    run = linux_target.run_linux(b, blob=blob, inputs=ins, timeout=timeout, cache_dir=cache_dir)
    qemu.check_run(run, t.name)
    return qemu.runner_result(run), b.map_file, {"board": "linux-user", "qemu_machine": t.qemu}


def bench(blob: bytes, target: str, *, inputs: Sequence[np.ndarray] | None = None,
          opt: str = "O2", ops: str = "model", cache_dir: Path | None = None,
          timeout: float = DEFAULT_TIMEOUT_S, progress: Progress = _quiet) -> dict[str, Any]:
    """Build, run and measure `blob` on `target`; compare its outputs with the host engine.

    `ops`: "model" builds the engine with only the blob's operators, "all" with every one.

    Raises CapacityError (refused before running), FirmwareFault, TargetTimeout or TargetError.
    """
    t = get_target(target)
    if opt not in qemu.BUILD_TYPES:
        raise TargetError(f"--opt {opt}: use one of {', '.join(qemu.BUILD_TYPES)}")
    build_type = qemu.BUILD_TYPES[opt]
    if ops not in OP_SETS:
        raise TargetError(f"--ops {ops}: use one of {', '.join(OP_SETS)}")
    b = fmt.read_blob(blob)
    model_ops = op_names(b.ops)
    # the model's (operator, layout) pairs: an int8 model's engine has no int16 kernels
    engine_ops = op_layouts(b.ops) if ops == "model" else None
    rows = op_table(blob)
    ins, host_outs, _ = host_run(blob, inputs)
    # 32-bit layout of the engine state (see pyruntime.export_c.state_bytes_32)
    from .export_c import state_bytes_32
    state_guess = state_bytes_32(len(b.tensors), len(b.ops))
    start = time.monotonic()
    if t.kind == "mcu":
        res, map_path, extra = _run_mcu(t, blob, ins, build_type, state_guess, engine_ops,
                                        cache_dir, timeout, progress)
    else:
        res, map_path, extra = _run_linux(t, blob, ins, build_type, engine_ops, cache_dir,
                                          timeout, progress)
    elapsed = time.monotonic() - start
    if "instructions" not in res:
        raise TargetError(f"{t.name}: the plugin's marker snapshots do not match the runner's "
                          f"layout for {len(res['ops'])} operators (is the plugin built for "
                          "this QEMU version?)")
    instr = res["instructions"]
    per_op = []
    for row, count in zip(rows, instr["ops"]):
        per_op.append({**row, "instructions": count,
                       "macs_per_instruction": (row["macs"] / count) if count else 0.0})
    total = int(instr["warmup"])
    macs = sum(r["macs"] for r in rows)
    size = engine_size(map_path)
    outs = res["outputs"]
    mismatch = [i for i, (a, h) in enumerate(zip(outs, host_outs)) if a != h]
    if len(outs) != len(host_outs):
        mismatch.append(-1)
    query = res.get("query", {})
    stack = res.get("stack", {})
    return {
        "target": t.name, "cpu": t.cpu, **extra, "opt": opt,
        "instructions": total,
        "measured_invoke_instructions": int(instr["invoke"]),
        "hook_overhead_per_op": int(instr["hook_overhead_per_op"]),
        "interpreter_instructions": total - sum(instr["ops"]),
        "macs": macs,
        "macs_per_instruction": macs / total if total else 0.0,
        "arena_bytes": int(query.get("arena_bytes", 0)),
        "state_bytes": int(query.get("state_bytes", 0)),
        "stack_bytes": max(int(stack.get("init", 0)), int(stack.get("invoke", 0))),
        "stack_total_bytes": int(stack.get("used", 0)),
        "code_bytes": size.text,
        "ops": ops,  # op set of the engine build: "model" (the blob's operators) | "all"
        "engine_ops": engine_ops if engine_ops is not None else "all",
        "model_ops": model_ops,
        "engine_rodata_bytes": size.rodata,
        "engine_data_bytes": size.data,
        "blob_bytes": len(blob),
        "outputs_match": not mismatch,
        "mismatched_outputs": mismatch,
        "outputs": [o.hex() for o in outs],
        "host_outputs": [o.hex() for o in host_outs],
        "input_source": "pattern" if inputs is None else "file",
        "per_op": per_op,
        "elapsed_s": round(elapsed, 3),
    }


# ---- reporting ---------------------------------------------------------------------------
def _shape(s: list[int]) -> str:
    return "x".join(map(str, s)) if s else "-"


def _ops_text(r: dict[str, Any]) -> str:
    if r.get("ops") == "all":
        return "all operators built"
    n = len(r.get("model_ops", []))
    return f"built with the model's {n} operator{'s' if n != 1 else ''} only"


def format_report(r: dict[str, Any]) -> str:
    head = ["#", "operator", "output", "MACs", "instructions", "MAC/instr"]
    rows = [[str(p["index"]), p["op"], _shape(p["output_shape"]), f"{p['macs']:,}",
             f"{p['instructions']:,}", f"{p['macs_per_instruction']:.3f}"] for p in r["per_op"]]
    rows.append(["", "(interpreter)", "", "", f"{r['interpreter_instructions']:,}", ""])
    rows.append(["", "total", "", f"{r['macs']:,}", f"{r['instructions']:,}",
                 f"{r['macs_per_instruction']:.3f}"])
    widths = [max(len(h), *(len(x[i]) for x in rows)) for i, h in enumerate(head)]
    right = {0, 3, 4, 5}

    def fmt_row(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    lines = [f"{r['target']} ({r['board']}, {r['cpu']}, -{r['opt']}): {r['instructions']:,} "
             f"instructions per invoke, {r['macs_per_instruction']:.3f} MAC/instruction",
             fmt_row(head), "  ".join("-" * w for w in widths), *map(fmt_row, rows), "",
             f"RAM:   arena {r['arena_bytes']:,} B, engine state {r['state_bytes']:,} B, "
             f"stack {r['stack_bytes']:,} B (engine high-water mark; whole run "
             f"{r['stack_total_bytes']:,} B)",
             f"flash: engine code {r['code_bytes']:,} B (.text linked; + {r['engine_rodata_bytes']:,}"
             f" B .rodata; {_ops_text(r)}), blob {r['blob_bytes']:,} B",
             "outputs: " + ("identical to the host engine (bit-exact)" if r["outputs_match"] else
                            f"DIFFER from the host engine: target {r['outputs']} vs host "
                            f"{r['host_outputs']}")]
    return "\n".join(lines)


# ---- CLI ---------------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("blob", help="blob made by `pyruntime convert`")
    p.add_argument("--target", "-t", default="cortex-m4",
                   help=f"one of {', '.join(target_names())} (default cortex-m4)")
    p.add_argument("--input", "-i", action="append", metavar="X.npy",
                   help="input array (one per model input; default: the pattern "
                        "x[i] = (int8)((i*7+3)%%256-128))")
    p.add_argument("--opt", choices=sorted(qemu.BUILD_TYPES), default="O2",
                   help="compiler optimization of engine + firmware (default O2)")
    p.add_argument("--ops", choices=OP_SETS, default="model",
                   help="operators built into the engine: model = only the blob's (default; "
                        "code bytes of a firmware for this model), all = every operator")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                   help="emulator time limit in seconds")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help="build cache (default $PYRUNTIME_CACHE or ~/.cache/pyruntime)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")


def run_cli(args: argparse.Namespace) -> int:
    from .cli import load_npy, read_file
    blob = read_file(args.blob, "blob")
    inputs = [load_npy(p) for p in args.input] if args.input else None
    cache = args.cache_dir / "firmware" if args.cache_dir else None
    try:
        res = bench(blob, args.target, inputs=inputs, opt=args.opt, ops=args.ops,
                    cache_dir=cache, timeout=args.timeout,
                    progress=_quiet if args.quiet else stderr_progress)
    except TargetError as exc:
        kind = "refused" if isinstance(exc, CapacityError) else "error"
        print(f"pyruntime bench: {kind}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(res) if args.json else format_report(res))
    return 0 if res["outputs_match"] else 1


# ---- engine code with every operator ----------------------------------------------------
def all_ops_code_bytes(target: str, opt: str = "O2", cache_dir: Path | None = None,
                      progress: Progress = _quiet) -> int:
    """Engine `.text` of the Cortex-M runner built with every operator (no run needed)."""
    t = get_target(target)
    if t.kind != "mcu":
        raise TargetError(f"{t.name}: all-operator code size is measured on Cortex-M targets")
    fw = qemu.build_firmware(t.board, "runner", build_type=qemu.BUILD_TYPES[opt],
                             cache_dir=cache_dir, progress=progress)
    return engine_size(fw.map_file).text


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pyruntime.bench BLOB ...` (as `pyruntime bench`), or with `--markdown` the
    generator of docs/benchmarks.md (pyruntime.benchdoc; `--markdown --help` lists its options)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--markdown" in args:
        from .benchdoc import main as doc_main
        return doc_main([a for a in args if a != "--markdown"],
                        prog="python -m pyruntime.bench --markdown")
    p = argparse.ArgumentParser(prog="python -m pyruntime.bench", description=__doc__.split(
        "\n")[0], epilog="With --markdown: regenerate docs/benchmarks.md (see --markdown --help).")
    add_arguments(p)
    from .cli import run_command
    return run_command(run_cli, p.parse_args(args), "pyruntime bench")


if __name__ == "__main__":
    sys.exit(main())
