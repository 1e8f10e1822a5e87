"""pyruntime's measurements against the baseline and the issue's goals: one `Check` per goal,
shared by the tables and the generated prose."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .baseline import BASELINE, CODE_GOAL, SPEED_GOALS
from .runs import Measurements
from .text import num, pct

M4, M55 = "cortex-m4", "cortex-m55"


@dataclass(frozen=True)
class Check:
    """`value` against `limit` (smaller is better): met when value <= limit."""

    model: str
    goal: str  # e.g. "0.7x target"
    value: int
    limit: int

    @property
    def met(self) -> bool:
        return self.value <= self.limit

    @property
    def margin(self) -> int:
        """How far under (positive) or over (negative) the limit."""
        return self.limit - self.value

    def cell(self) -> str:
        """"met: 1,234 (5%) under 24,680" / "**missed**: 1,234 (5%) over 24,680"."""
        amount = f"{num(abs(self.margin))} ({pct(abs(self.margin) / self.limit)})"
        return (f"met: {amount} under {num(self.limit)}" if self.met else
                f"**missed**: {amount} over {num(self.limit)}")


def speed_checks(m: Measurements, model: str) -> list[Check]:
    """M4 instructions at -O2 against each of the issue's goals (a fraction of CMSIS-NN's)."""
    r, base = m.run(model, M4), BASELINE.get(model)
    if r is None or base is None:
        return []
    return [Check(model, f"{f}x {name}", r["instructions"], int(f * base.m4_cmsis))
            for name, f in SPEED_GOALS]


def code_check(m: Measurements, model: str) -> Check | None:
    """M4 engine code at -O2 against the issue's limit (0.5x TFLM + CMSIS-NN's)."""
    r, base = m.run(model, M4), BASELINE.get(model)
    if r is None or base is None:
        return None
    return Check(model, f"{CODE_GOAL}x code", r["code_bytes"], base.code_limit)


def ram_bytes(r: dict[str, Any]) -> int:
    """RAM pyruntime needs beside the stack: the arena plus the engine state."""
    return int(r["arena_bytes"]) + int(r["state_bytes"])
