"""atheris harness: the Python blob reader and `inspect` (`read_blob`, `describe`) and Engine
construction (pyrt_query / pyrt_init through cffi).

Run through tools/fuzz.sh (`bash tools/fuzz.sh blob_py 900`). A finding is any exception other
than the documented BlobFormatError / EngineError / ResourceLimitError, a blob the engine accepts
but read_blob refuses (the reader checks a subset of the loader's rules), a hang or memory above
1 GiB. Half of the mutations are structure-aware (tools/mutate_campaign.py: header, section
table, tensor, I/O and operator record fields, CRC fixed up), half libFuzzer's byte mutations.
"""
import os
import random
import sys

import atheris

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

# imported first, instrumented in __main__ (tools/fuzz_instrument.py)
from pyruntime.blob import read_blob
from pyruntime.errors import BlobFormatError, EngineError, ResourceLimitError
from pyruntime.inspect_blob import describe
from pyruntime.runtime import Engine

import mutate_campaign  # noqa: E402


def TestOneInput(data: bytes) -> None:
    read_ok = True
    try:
        describe(read_blob(data))
    except BlobFormatError:
        read_ok = False
    try:
        Engine(data, max_arena_bytes=16 << 20)
    except (EngineError, ResourceLimitError):
        return
    if not read_ok:
        raise AssertionError("read_blob refuses a blob the engine accepts")


def CustomMutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        mutant = mutate_campaign.structured_mutant("blob", data, rng, max_size)
        if mutant is not None:
            return mutant
    out = bytearray(atheris.Mutate(data, max_size))
    if rng.random() < 0.8:
        mutate_campaign.fix_crc(out)  # else almost every byte mutation stops at the CRC
    return bytes(out)


if __name__ == "__main__":
    from fuzz_instrument import instrument_packages
    instrument_packages(["pyruntime"])
    atheris.Setup(sys.argv, TestOneInput, custom_mutator=CustomMutator)
    atheris.Fuzz()
