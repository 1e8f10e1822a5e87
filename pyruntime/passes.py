"""Graph passes run before lowering: constant folding and RESHAPE aliasing."""
from __future__ import annotations

from .ir import Graph

RESHAPE_CODES = {22, 43, 70}  # RESHAPE, SQUEEZE, EXPAND_DIMS: pure reinterpretations


def fold_constant_reshapes(graph: Graph) -> None:
    """A reshape of a constant is a constant: give the output the data and drop the operator."""
    keep = []
    for op in graph.ops:
        if op.code in RESHAPE_CODES and op.inputs and op.inputs[0] >= 0 and op.outputs \
                and graph.tensors[op.inputs[0]].is_const:
            src, dst = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            if src.elements == dst.elements and src.dtype == dst.dtype:
                dst.data = src.data.reshape(dst.shape)  # type: ignore[union-attr]
                continue
        keep.append(op)
    graph.ops = keep


def alias_reshapes(graph: Graph) -> dict[int, int]:
    """Drop RESHAPE operators whose output can share its input's arena bytes.

    Returns {output tensor: input tensor}; the planner gives both the same offset. A reshape is
    kept when dropping it would leave the model with no operator, or when its input and output
    differ in type or size (the lowering then refuses it with a clear message).
    """
    aliases: dict[int, int] = {}
    keep = []
    for op in graph.ops:
        if op.code in RESHAPE_CODES and len(graph.ops) > 1 and op.inputs and op.inputs[0] >= 0 \
                and op.outputs:
            src, dst = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            if not src.is_const and src.dtype == dst.dtype and src.nbytes == dst.nbytes:
                aliases[op.outputs[0]] = aliases.get(op.inputs[0], op.inputs[0])
                continue
        keep.append(op)
    if not keep and graph.ops:  # every op was a reshape: keep the last one, the blob needs one
        keep = [graph.ops[-1]]
        aliases.pop(graph.ops[-1].outputs[0], None)
    graph.ops = keep
    return aliases
