"""Number and table formatting shared by docs/benchmarks.md's tables and prose."""
from __future__ import annotations

from collections.abc import Sequence


def num(x: int | None) -> str:
    """12,345 (or "-" when not measured)."""
    return "-" if x is None else f"{x:,}"


def ratio(a: float, b: float) -> str:
    """a / b as "0.87x"."""
    return f"{a / b:.2f}x" if b else "-"


def pct(x: float) -> str:
    """A margin: "12%"."""
    return f"{100 * x:.0f}%"


def share(x: float) -> str:
    """A share of the instructions: "48.2%"."""
    return f"{100 * x:.1f}%"


def mpi(macs: int, instructions: int) -> str:
    """MACs per instruction, "-" for operators without MACs."""
    return f"{macs / instructions:.3f}" if macs and instructions else "-"


def table(head: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
          ) -> list[str]:
    """A Markdown table; columns in `right` are right-aligned (numbers)."""
    rule = ["---:" if i in right else "---" for i in range(len(head))]
    return ["| " + " | ".join(r) + " |" for r in (head, rule, *rows)]
