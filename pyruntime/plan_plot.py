"""A picture of a blob's memory plan: the arena (bytes, vertical) over operator index (horizontal).

Each arena tensor is a rectangle spanning the operators it is alive over and the bytes it
occupies, labelled with its index; scratch buffers are hatched; the operator where the occupied
bytes peak is marked, and the arena size drawn as a line. Tensors that share bytes while both
are alive (in-place execution) show as overlapping rectangles.

matplotlib is an optional extra (`pip install pyruntime[plot]`); without it `plot_plan` raises
PyruntimeError saying so.

    plot_plan(read_blob(data), "plan.png")
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from . import blob as fmt
from .errors import PyruntimeError
from .inspect_blob import lifetimes


class Rect(NamedTuple):
    first: int
    last: int
    offset: int
    nbytes: int
    label: str
    scratch: bool


def plan_rects(b: fmt.Blob) -> list[Rect]:
    """Every arena tensor and scratch buffer of the plan as (operator range, byte range)."""
    life = lifetimes(b)
    rects = [Rect(*life[t], r.offset, r.nbytes, f"t{t}", False)
             for t, r in enumerate(b.tensors) if r.storage == fmt.STORAGE_ARENA and t in life]
    rects += [Rect(i, i, op.scratch_offset, op.scratch_bytes, f"s{i}", True)
              for i, op in enumerate(b.ops) if op.scratch_bytes]
    return rects


def peak(rects: list[Rect], n_ops: int) -> tuple[int, int]:
    """(operator index, highest occupied byte) where the plan's footprint is largest."""
    best = (0, 0)
    for i in range(max(n_ops, 1)):
        top = max((r.offset + r.nbytes for r in rects if r.first <= i <= r.last), default=0)
        if top > best[1]:
            best = (i, top)
    return best


def plot_plan(b: fmt.Blob, path: str | Path, title: str = "") -> None:
    """Draw the plan of blob `b` into an image file (format from the suffix: .png, .svg, .pdf)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError as exc:
        raise PyruntimeError("--plot needs matplotlib: pip install 'pyruntime[plot]'") from exc
    rects = plan_rects(b)
    n_ops = len(b.ops)
    fig, ax = plt.subplots(figsize=(max(6.0, min(24.0, 0.35 * n_ops + 3)), 6))
    cmap = plt.get_cmap("tab20")
    for k, r in enumerate(rects):
        ax.add_patch(Rectangle((r.first - 0.45, r.offset), r.last - r.first + 0.9, r.nbytes,
                               facecolor=cmap(k % 20), edgecolor="black", linewidth=0.6,
                               alpha=0.55 if r.scratch else 0.75, hatch="//" if r.scratch else None))
        if r.nbytes >= b.arena_bytes / 40:
            ax.text((r.first + r.last) / 2, r.offset + r.nbytes / 2, r.label, ha="center",
                    va="center", fontsize=7)
    at, top = peak(rects, n_ops)
    ax.axhline(b.arena_bytes, color="red", linewidth=1, linestyle="--")
    ax.annotate(f"peak {top:,} B at op {at}", (at, top), xytext=(0, 8),
                textcoords="offset points", ha="center", color="red", fontsize=8,
                arrowprops={"arrowstyle": "->", "color": "red"})
    ax.set_xlim(-0.8, n_ops - 0.2)
    ax.set_ylim(0, max(b.arena_bytes, 1) * 1.08)
    ax.set_xlabel("operator index")
    ax.set_ylabel("arena offset (bytes)")
    ax.set_title(title or f"memory plan: arena {b.arena_bytes:,} bytes, {n_ops} operators")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:
        raise PyruntimeError(f"{path}: cannot write the plot: {exc}") from exc
    finally:
        plt.close(fig)
