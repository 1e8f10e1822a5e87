"""The tables of docs/benchmarks.md, each a list of Markdown lines built from Measurements."""
from __future__ import annotations

from typing import Any

from ..kernels import kernel_set
from ..layer_kinds import DESCRIPTIONS, KINDS, kind_split
from .baseline import BASELINE
from .compare import M4, M55, code_check, ram_bytes, speed_checks
from .runs import Measurements, brief_error
from .text import mpi, num, ratio, share, table


def _mpi(r: dict[str, Any]) -> str:
    return mpi(r["macs"], r["instructions"])


def _exact(runs: dict[str, dict[str, Any]]) -> str:
    """"yes" when every measured -O build matched the host, else per -O."""
    if all(r["outputs_match"] for r in runs.values()):
        return "yes"
    return ", ".join(f"-{o} {'yes' if r['outputs_match'] else '**NO**'}" for o, r in runs.items())


def _get(r: dict[str, Any] | None, key: str) -> int | None:
    return None if r is None else int(r[key])


def targets_table(m: Measurements) -> list[str]:
    """Every model on every target: speed, RAM, flash, bit-exactness."""
    rows = []
    for model in m.models:
        for target in m.targets:
            runs = {o: r for o in ("O2", "Os") if (r := m.run(model, target, o)) is not None}
            if not runs:
                continue
            o2, os_ = runs.get("O2"), runs.get("Os")
            r = o2 or next(iter(runs.values()))
            rows.append([model, target, kernel_set(target), num(_get(o2, "instructions")),
                         _mpi(o2) if o2 else "-", num(_get(os_, "instructions")),
                         num(r["arena_bytes"]), num(r["state_bytes"]), num(r["stack_bytes"]),
                         num(_get(o2, "code_bytes")), num(_get(os_, "code_bytes")),
                         num(r["blob_bytes"]), _exact(runs)])
    return table(["model", "target", "kernels", "instructions -O2", "MAC/instr",
                  "instructions -Os", "arena B", "state B", "stack B", "code -O2 B",
                  "code -Os B", "blob B", "bit-exact"], rows, right=range(3, 12))


def _baseline_models(m: Measurements, target: str, opt: str = "O2") -> list[str]:
    return [x for x in BASELINE if m.run(x, target, opt) is not None]


def speed_table(m: Measurements) -> list[str]:
    """M4 -O2 against TFLM's reference kernels, CMSIS-NN and the issue's goals."""
    rows = []
    for model in _baseline_models(m, M4):
        r, base = m.run(model, M4), BASELINE[model]
        assert r is not None
        ins = r["instructions"]
        rows.append([model, num(ins), _mpi(r), num(base.m4_ref), ratio(ins, base.m4_ref),
                     num(base.m4_cmsis), ratio(ins, base.m4_cmsis),
                     *(c.cell() for c in speed_checks(m, model))])
    return table(["model", "pyruntime M4", "MAC/instr", "TFLM reference", "ratio",
                  "TFLM + CMSIS-NN", "ratio", "0.7x target", "0.45x stretch"], rows,
                 right=range(1, 7))


def speed_os_table(m: Measurements) -> list[str]:
    """M4 -Os against TFLM + CMSIS-NN at -Os."""
    rows = []
    for model in _baseline_models(m, M4, "Os"):
        r, o2, base = m.run(model, M4, "Os"), m.run(model, M4), BASELINE[model]
        assert r is not None
        ins = r["instructions"]
        rows.append([model, num(ins), num(base.m4_cmsis_os), ratio(ins, base.m4_cmsis_os),
                     ratio(ins, o2["instructions"]) if o2 else "-"])
    return table(["model", "pyruntime M4 -Os", "TFLM + CMSIS-NN -Os", "ratio",
                  "pyruntime -Os / -O2"], rows, right=range(1, 5))


def m55_table(m: Measurements) -> list[str]:
    """M55 -O2 against CMSIS-NN's Helium kernels."""
    rows = []
    for model in _baseline_models(m, M55):
        r, m4, base = m.run(model, M55), m.run(model, M4), BASELINE[model]
        assert r is not None
        ins = r["instructions"]
        rows.append([model, num(ins), _mpi(r), num(base.m55), ratio(ins, base.m55),
                     ratio(ins, m4["instructions"]) if m4 else "-"])
    return table(["model", "pyruntime M55", "MAC/instr", "TFLM + CMSIS-NN (Helium)", "ratio",
                  "pyruntime M55 / M4"], rows, right=range(1, 6))


def ram_table(m: Measurements) -> list[str]:
    """M4 arena + state against TFLM's arena (head + tail)."""
    rows = []
    for model in _baseline_models(m, M4):
        r, base = m.run(model, M4), BASELINE[model]
        assert r is not None
        rows.append([model, num(r["arena_bytes"]), num(r["state_bytes"]), num(ram_bytes(r)),
                     num(base.arena), ratio(ram_bytes(r), base.arena), num(r["stack_bytes"])])
    return table(["model", "arena B", "state B", "arena + state B", "TFLM arena B", "ratio",
                  "stack B"], rows, right=range(1, 7))


def code_table(m: Measurements) -> list[str]:
    """M4 engine code at -O2 (against the issue's limit) and -Os, against TFLM + CMSIS-NN."""
    rows = []
    for model in _baseline_models(m, M4):
        r, r_os, base, check = m.run(model, M4), m.run(model, M4, "Os"), BASELINE[model], \
            code_check(m, model)
        assert r is not None and check is not None
        code_os = _get(r_os, "code_bytes")
        rows.append([model, num(r["code_bytes"]), num(base.code), ratio(r["code_bytes"], base.code),
                     check.cell(), num(code_os), num(base.code_os),
                     ratio(code_os, base.code_os) if code_os is not None else "-"])
    return table(["model", "pyruntime -O2 B", "TFLM + CMSIS-NN -O2 B", "ratio", "0.5x limit",
                  "pyruntime -Os B", "TFLM + CMSIS-NN -Os B", "ratio"], rows,
                 right=(1, 2, 3, 5, 6, 7))


def kinds_legend() -> list[str]:
    return table(["kind", "operators"], [[k, DESCRIPTIONS[k]] for k in KINDS])


def kinds_overview(m: Measurements, target: str) -> list[str]:
    """Share of each model's instructions (and MAC/instr) by kind on one target."""
    models = [x for x in m.models if m.run(x, target) is not None]
    splits = {}
    for x in models:
        r = m.run(x, target)
        assert r is not None
        splits[x] = {k["kind"]: k for k in kind_split(r)}
    rows = []
    for kind in KINDS:
        if any(kind in s for s in splits.values()):
            rows.append([kind, *(_share_cell(s[kind]) if kind in s else "-"
                                 for s in splits.values())])
    return table(["kind", *models], rows, right=range(1, len(models) + 1))


def _share_cell(k: dict[str, Any]) -> str:
    """"48.2% (0.156)": share of the instructions and MAC/instr."""
    m = mpi(k["macs"], k["instructions"])
    return share(k["share"]) + (f" ({m})" if m != "-" else "")


def kinds_table(m: Measurements, model: str, targets: tuple[str, ...] = (M4, M55)) -> list[str]:
    """One model's split by kind: operators, MACs, and per target instructions, share of the
    total and MAC/instr."""
    results = {t: r for t in targets if (r := m.run(model, t)) is not None}
    splits = {t: {k["kind"]: k for k in kind_split(r)} for t, r in results.items()}
    first = next(iter(splits.values()))
    rows = []
    for kind in KINDS:
        if kind not in first:
            continue
        cells = [kind, num(first[kind]["ops"] or None), num(first[kind]["macs"])]
        for s in splits.values():
            k = s[kind]
            cells += [num(k["instructions"]), share(k["share"]), mpi(k["macs"], k["instructions"])]
        rows.append(cells)
    total = ["total", num(sum(k["ops"] for k in first.values())),
             num(sum(k["macs"] for k in first.values()))]
    for r in results.values():
        total += [num(r["instructions"]), "100%", _mpi(r)]
    rows.append(total)
    head = ["kind", "operators", "MACs"]
    for t in results:
        short = t.replace("cortex-", "").upper()
        head += [f"{short} instructions", "share", "MAC/instr"]
    return table(head, rows, right=range(1, len(head)))


def errors_table(m: Measurements) -> list[str]:
    rows = [[model, target, f"-{opt}", brief_error(msg).replace("|", "/")]
            for (model, target, opt), msg in sorted(m.errors.items())]
    return table(["model", "target", "opt", "error"], rows)
