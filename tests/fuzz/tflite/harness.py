"""atheris harness: the .tflite reader and the converter (`pyruntime.convert.convert`).

Run through tools/fuzz.sh (`bash tools/fuzz.sh tflite 900`). A finding is any exception other
than the documented ConversionError / ModelReadError, a ConversionError marked `internal` (a
converter bug caught by the last-resort handler), a converted blob the engine refuses or cannot
run, a hang (-timeout) or memory above -rss_limit_mb (1 GiB). Half of the mutations are
structure-aware (tools/mutate_campaign.py: flatbuffer fields overwritten with boundary values),
half libFuzzer's own byte mutations.
"""
import os
import random
import sys

import atheris

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

# imported first, instrumented in __main__ (tools/fuzz_instrument.py)
import numpy as np
from pyruntime.convert import convert
from pyruntime.errors import ConversionError
from pyruntime.runtime import Engine

import mutate_campaign  # noqa: E402


def TestOneInput(data: bytes) -> None:
    try:
        conv = convert(data, max_arena_bytes=1 << 20, max_tensor_bytes=1 << 20,
                       max_constant_bytes=4 << 20)
    except ConversionError as exc:
        if exc.internal:
            raise
        return
    engine = Engine(conv.blob)  # convert() promises a blob the engine accepts
    engine.invoke(*(np.zeros(t.shape, t.dtype) for t in engine.inputs))


def CustomMutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        mutant = mutate_campaign.structured_mutant("tflite", data, rng, max_size)
        if mutant is not None:
            return mutant
    return atheris.Mutate(data, max_size)


if __name__ == "__main__":
    from fuzz_instrument import instrument_packages
    instrument_packages(["pyruntime", "tflite"])
    atheris.Setup(sys.argv, TestOneInput, custom_mutator=CustomMutator)
    atheris.Fuzz()
