"""Write the two tiny blobs the agent fuzz targets flash (model_a.blob, model_b.blob).

    .venv/bin/python tests/fuzz/agent_host/make_models.py [--out DIR]

The checked-in blobs are made by the converter of their commit; agent_dispatch/build.sh
makes fresh ones with the project's converter when the venv exists (the blob format moves
with the engine), and the harness refuses to start when the engine rejects them.

A: int8 [1,16] -> FULLY_CONNECTED (8 units, RELU) -> SOFTMAX; B: int8 [1,8] -> SOFTMAX.
Small on purpose (a few hundred bytes) so a fuzz input can carry a whole transfer.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from pyruntime.convert import convert
from pyruntime.tflite_builder import (Activation, BuiltinOp, FullyConnectedOptions,
                                      ModelBuilder, SoftmaxOptions)

HERE = Path(__file__).resolve().parent


def model_a() -> bytes:
    rng = np.random.default_rng(1)
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 16], "int8", scale=0.05, zero_point=-3)
    w = mb.add_tensor("w", [8, 16], "int8", data=rng.integers(-127, 128, (8, 16)), scale=0.02)
    b = mb.add_tensor("b", [8], "int32", data=rng.integers(-500, 500, 8), scale=0.001)
    h = mb.add_tensor("h", [1, 8], "int8", scale=0.1, zero_point=-128)
    y = mb.add_tensor("y", [1, 8], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [x, w, b], [h],
                    FullyConnectedOptions(activation=Activation.RELU))
    mb.add_operator(BuiltinOp.SOFTMAX, [h], [y], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def model_b() -> bytes:
    mb = ModelBuilder()
    x = mb.add_tensor("x", [1, 8], "int8", scale=0.1, zero_point=-3)
    y = mb.add_tensor("y", [1, 8], "int8", scale=1 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [x], [y], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x])
    mb.set_outputs([y])
    return mb.build()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="folder for the blobs (default: here)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, tfl in (("model_a", model_a()), ("model_b", model_b())):
        blob = convert(tfl).blob
        (args.out / f"{name}.blob").write_bytes(blob)
        print(f"{name}.blob: {len(blob)} B")


if __name__ == "__main__":
    main()
