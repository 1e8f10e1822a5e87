"""The summary of docs/benchmarks.md: sentences computed from the measurements, so that no
figure in the prose can go stale."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..kernels import kernel_set
from ..layer_kinds import INTERPRETER, kind_split
from .baseline import BASELINE, CODE_GOAL, SPEED_GOALS
from .compare import M4, M55, Check, code_check, ram_bytes, speed_checks
from .runs import Measurements
from .text import mpi, num, pct, share

FOCUS_SHARE = 0.8  # "where the instructions go" names the largest kinds up to this share
WEAK_SHARE = 0.1  # a kind this large at the lowest MAC/instr is the first place to look


def join(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def span(values: Sequence[float]) -> str:
    """"0.61-0.87x" (or "0.61x" for one value)."""
    lo, hi = f"{min(values):.2f}x", f"{max(values):.2f}x"
    return lo if lo == hi else f"{lo[:-1]}-{hi}"


def _checks_text(checks: Sequence[Check], unit: str) -> str:
    met = [f"{c.model} ({num(c.value)} of {num(c.limit)}{unit})" for c in checks if c.met]
    missed = [f"{c.model} (by {num(-c.margin)}{unit}, {pct(-c.margin / c.limit)} over "
              f"{num(c.limit)})" for c in checks if not c.met]
    parts = ([f"met on {join(met)}"] if met else []) + \
        ([f"**missed** on {join(missed)}"] if missed else [])
    return "; ".join(parts)


def speed_bullet(m: Measurements) -> list[str]:
    models = [x for x in BASELINE if speed_checks(m, x)]
    if not models:
        return []
    ratios = [speed_checks(m, x)[0].value / BASELINE[x].m4_cmsis for x in models]
    lines = [f"- Speed on Cortex-M4 (-O2): {span(ratios)} TFLM + CMSIS-NN's instructions "
             f"({join(f'{x} {r:.2f}x' for x, r in zip(models, ratios))}):"]
    for i, (name, factor) in enumerate(SPEED_GOALS):
        checks = [speed_checks(m, x)[i] for x in models]
        lines.append(f"  - the {factor}x {name} is {_checks_text(checks, '')}.")
    return lines


def m55_bullet(m: Measurements) -> list[str]:
    pairs = [(x, r["instructions"] / BASELINE[x].m55) for x in BASELINE
             if (r := m.run(x, M55)) is not None]
    if not pairs:
        return []
    return [f"- Speed on Cortex-M55 (-O2) against CMSIS-NN's Helium kernels: "
            f"{span([r for _, r in pairs])} ({join(f'{x} {r:.2f}x' for x, r in pairs)}), "
            f"with pyruntime's {kernel_set(M55)} kernels."]


def code_bullet(m: Measurements) -> list[str]:
    checks = [c for x in BASELINE if (c := code_check(m, x)) is not None]
    if not checks:
        return []
    lines = [f"- Engine code on Cortex-M4 at -O2 (the model's operators only): the {CODE_GOAL}x "
             f"limit is {_checks_text(checks, ' B')}."]
    os_pairs = [(x, r["code_bytes"] / BASELINE[x].code_os) for x in BASELINE
                if (r := m.run(x, M4, "Os")) is not None]
    if os_pairs:
        lines[0] = lines[0][:-1] + (f"; at -Os it is {span([r for _, r in os_pairs])} "
                                    "TFLM + CMSIS-NN's -Os code.")
    return lines


def ram_bullet(m: Measurements) -> list[str]:
    pairs = [(x, ram_bytes(r) / BASELINE[x].arena) for x in BASELINE
             if (r := m.run(x, M4)) is not None]
    if not pairs:
        return []
    above = [x for x, r in pairs if r > 1]
    verdict = ("below TFLM's arena on every model" if not above else
               f"**above** TFLM's arena on {join(above)}")
    return [f"- RAM on Cortex-M4 (arena + engine state): {span([r for _, r in pairs])} of "
            f"TFLM's arena, {verdict}."]


def exact_bullet(m: Measurements) -> list[str]:
    bad = [f"{model} on {target} -{opt}" for (model, target, opt), r in sorted(m.runs.items())
           if not r["outputs_match"]]
    lines = []
    if m.runs:
        lines.append(f"- Bit-exact: {len(m.runs) - len(bad)} of {len(m.runs)} runs give outputs "
                     "identical to the host engine" +
                     (f"; **not bit-exact**: {join(bad)}." if bad else "."))
    if m.errors:
        lines.append(f"- **{len(m.errors)} run{'s' if len(m.errors) != 1 else ''} failed** "
                     f"({join(f'{a} on {b} -{c}' for a, b, c in sorted(m.errors))}): see "
                     "\"Failed runs\".")
    return lines


def targets_bullet(m: Measurements) -> list[str]:
    parts = []
    for target in m.targets:
        if target == M4:
            continue
        ratios = [r["instructions"] / m4["instructions"] for x in m.models
                  if (r := m.run(x, target)) is not None and (m4 := m.run(x, M4)) is not None]
        if ratios:
            parts.append(f"{target} {span(ratios)} ({kernel_set(target)} kernels)")
    if not parts:
        return []
    return [f"- Other targets, instructions against Cortex-M4 on the same models (-O2): "
            f"{join(parts)}."]


def kinds_bullets(m: Measurements, target: str = M4) -> list[str]:
    lines = []
    for model in m.models:
        r = m.run(model, target)
        if r is None:
            continue
        split = sorted(kind_split(r), key=lambda k: -k["instructions"])
        named, covered = [], 0.0
        for k in split:
            if covered >= FOCUS_SHARE:
                break
            rate = mpi(k["macs"], k["instructions"])
            named.append(f"{k['kind']} {share(k['share'])}"
                         + (f" ({rate} MAC/instr)" if rate != "-" else ""))
            covered += k["share"]
        weak = [k for k in split if k["macs"] and k["share"] >= WEAK_SHARE
                and k["kind"] != INTERPRETER]
        worst = min(weak, key=lambda k: k["macs_per_instruction"]) if len(weak) > 1 else None
        tail = (f"; least efficient large kind: {worst['kind']}" if worst else "")
        lines.append(f"  - {model}: {join(named)}{tail}.")
    if not lines:
        return []
    return [f"- Where the instructions go on {target} (-O2; largest kinds first):", *lines]


def summary(m: Measurements) -> list[str]:
    """The document's summary bullets."""
    return [*speed_bullet(m), *m55_bullet(m), *code_bullet(m), *ram_bullet(m),
            *exact_bullet(m), *targets_bullet(m), *kinds_bullets(m)]
