"""Subcommands that talk to a board running the agent (firmware/apps/agent):
`pyruntime info|flash|invoke|profile --port PORT`. PORT is a device path, any pyserial URL
(socket://host:port, rfc2217://host:port, loop://) or qemu:<core> (an emulated board started
for the command, see pyruntime.targets.qemu_agent)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from .cli import load_npy
from .errors import PyruntimeError


def _client(args: argparse.Namespace, url: str) -> Any:
    from .serial.client import AgentClient
    return AgentClient(url, baudrate=args.baud, retries=args.retries,
                       reconnect_s=args.reconnect_timeout)


def _with_device(args: argparse.Namespace, body: Any) -> int:
    from .targets import TargetError
    from .targets.qemu_agent import resolve_port
    try:
        with resolve_port(args.port, args.flash_image) as url:
            client = _client(args, url)
            try:
                return int(body(client))
            finally:
                client.close()
    except TargetError as exc:
        raise PyruntimeError(str(exc)) from exc


def cmd_info(args: argparse.Namespace) -> int:
    def body(client: Any) -> int:
        from .flash import op_name
        info = client.info()
        if args.json:
            d = dict(info.__dict__)
            d["slots"] = [s.__dict__ for s in info.slots]
            print(json.dumps(d))
            return 0
        print(f"board {info.board} ({info.cpu}), protocol {info.proto_version}, engine "
              f"{'.'.join(map(str, info.engine_version))}, blob format "
              f"{'.'.join(map(str, info.format_version))}")
        print(f"  flash       {info.flash} ({'persistent' if info.persistent else 'volatile'}), "
              f"2 slots of {info.slot_capacity:,} B")
        print(f"  arena       {info.arena_bytes:,} B, state {info.state_bytes:,} B, "
              f"counter {info.counter}")
        for i, s in enumerate(info.slots):
            mark = "active" if info.active_slot == i else ("valid" if s.valid else "empty")
            desc = f"{s.length:,} B crc {s.crc:08x} seq {s.seq}" if s.valid else ""
            print(f"  slot {'AB'[i]}      {mark:<7}{desc}")
        if info.session_open:
            print(f"  session     slot {'AB'[info.session_slot]}: {info.session_written:,} of "
                  f"{info.session_total:,} B written")
        print("  transfers   "
              + ("resume after a reset (flash journal)" if info.journal else
                 "restart after a reset (no flash journal)"))
        if info.op_layouts is None:
            print(f"  operators   {', '.join(op_name(c) for c in info.op_codes)} "
                  "(layout versions not reported by this agent)")
        else:
            print("  operators   " + ", ".join(
                f"{op_name(c)} v{','.join(map(str, info.layouts(c)))}" for c in info.op_codes))
        return 0
    return _with_device(args, body)


def cmd_flash(args: argparse.Namespace) -> int:
    from .cli import read_file
    blob = read_file(args.blob, "blob")

    def body(client: Any) -> int:
        from .flash import flash_blob
        r = flash_blob(client, blob, progress=not args.quiet, chunk=args.chunk, force=args.force,
                       fresh=args.fresh)
        if r.already_active:
            print(f"{args.blob}: already the active model (slot {'AB'[r.slot]}, seq {r.seq}); "
                  "use --force to write it again")
            return 0
        print(f"{args.blob}: {r.blob_bytes:,} B in slot {'AB'[r.slot]} (seq {r.seq}), active; "
              f"{r.seconds:.1f} s, {r.rate / 1024:.1f} KiB/s, wire efficiency {r.efficiency:.3f}"
              + (f", resumed at {r.resumed_from:,} B" if r.resumed_from else "")
              + (f", {r.resent_bytes:,} B sent again" if r.resent_bytes else "")
              + (f", restarted {r.restarts}x" if r.restarts else ""))
        return 0
    return _with_device(args, body)


def _expected_blob(args: argparse.Namespace) -> bytes | None:
    return Path(args.blob).read_bytes() if args.blob else None


def cmd_invoke(args: argparse.Namespace) -> int:
    arrays = [load_npy(p) for p in args.input]
    blob = _expected_blob(args)

    def body(client: Any) -> int:
        from .device import run
        res = run(client, arrays, blob)
        if args.output:
            if len(res.outputs) == 1:
                np.save(args.output, res.outputs[0])
            else:
                np.savez(args.output, *res.outputs)
        if not args.quiet:
            for i, o in enumerate(res.outputs):
                print(f"output {i} {o.dtype}{list(o.shape)}: {o.reshape(-1).tolist()}")
            print(f"counter ticks {res.ticks:,}")
        return 0
    return _with_device(args, body)


def cmd_profile(args: argparse.Namespace) -> int:
    arrays = [load_npy(p) for p in args.input or []]
    blob = _expected_blob(args)

    def body(client: Any) -> int:
        from .device import check_active_blob, input_bytes, profile, send_inputs
        from .flash import op_name
        if blob is not None:
            check_active_blob(client, blob)
        if arrays:
            send_inputs(client, arrays)
        else:
            send_inputs(client, [np.zeros(input_bytes(client), np.int8)])
        prof = profile(client)
        info = client.info()
        if args.json:
            print(json.dumps({"counter": info.counter, "ticks": prof.ticks,
                              "ops": [{"code": c, "ticks": t} for c, t in prof.ops]}))
            return 0
        total = sum(t for _, t in prof.ops) or 1
        for i, (code, t) in enumerate(prof.ops):
            print(f"  {i:>3}  {op_name(code):<28} {t:>12,}  {100 * t / total:5.1f} %")
        print(f"  invoke {prof.ticks:,} ticks ({info.counter})")
        return 0
    return _with_device(args, body)


def add_parsers(sub: Any) -> None:
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--port", "-p", required=True,
                       help="serial device, pyserial URL (socket://h:p, rfc2217://, loop://) or "
                            "qemu:cortex-m3|m4|m7|m33|m55")
        p.add_argument("--flash-image", metavar="FILE",
                       help="with --port qemu:...: keep the emulated flash in FILE between runs")
        p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
        p.add_argument("--retries", type=int, default=8, help="retransmissions per request")
        p.add_argument("--reconnect-timeout", type=float, default=20.0, metavar="S",
                       help="how long to try reopening a dropped connection (default 20 s)")

    p = sub.add_parser("info", help="show a board's agent: engine, slots, operators")
    common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("flash", help="write a blob into a board's inactive slot and activate it")
    common(p)
    p.add_argument("blob")
    p.add_argument("--chunk", type=int, default=4096, help="bytes per WRITE (default 4096)")
    p.add_argument("--force", action="store_true", help="write even if already active")
    p.add_argument("--fresh", action="store_true",
                   help="start the transfer at 0 even if the device kept part of this blob")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_flash)

    p = sub.add_parser("invoke", help="run the board's active model on an input")
    common(p)
    p.add_argument("--input", "-i", action="append", required=True, metavar="X.npy")
    p.add_argument("--output", "-o", metavar="Y.npy")
    p.add_argument("--blob", metavar="BLOB",
                   help="refuse unless the device runs BLOB (operators, layout versions, arena) "
                        "and it is the active model")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_invoke)

    p = sub.add_parser("profile", help="per-operator counter ticks of the board's active model")
    common(p)
    p.add_argument("--input", "-i", action="append", metavar="X.npy",
                   help="input(s) (default: zeros)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--blob", metavar="BLOB",
                   help="refuse unless the device runs BLOB and it is the active model")
    p.set_defaults(func=cmd_profile)
