"""Render docs/operators.md from the operator table (`pyruntime.ops.OPS`)."""
from __future__ import annotations

from .ops import OPS

HEADER = """# Supported operators

Generated from `pyruntime/ops/` by `python -m pyruntime ops --markdown > docs/operators.md`;
a test fails when this file and the table disagree. The engine's operator code is the TFLite
`BuiltinOperator` number. Parameters are the i32 words of the operator record
(docs/blob_format.md), in order. Anything not listed, or a listed operator with a type,
version or option outside what is listed, is refused at conversion with the operator's index,
name and the unsupported parameter.

| operator | code | TFLite versions | types |
|---|---|---|---|
"""


def operators_markdown() -> str:
    defs = sorted(OPS.values(), key=lambda d: d.name)
    out = [HEADER]
    for d in defs:
        out.append(f"| [{d.name}](#{d.name.lower()}) | {d.code} | "
                   f"{', '.join(map(str, d.versions))} | {d.types} |\n")
    for d in defs:
        out.append(f"\n## {d.name}\n\n")
        out.append(f"- code {d.code}\n")
        out.append(f"- inputs: {d.inputs}\n- outputs: {d.outputs}\n")
        if d.notes:
            out.append(f"- {d.notes}\n")
        if d.params:
            out.append("\n| # | parameter | meaning |\n|---|---|---|\n")
            for i, (name, meaning) in enumerate(d.params):
                out.append(f"| {i} | {name} | {meaning} |\n")
        else:
            out.append("- no parameters\n")
    return "".join(out)
