"""Coverage instrumentation of chosen packages for the atheris harnesses (tests/fuzz/*/harness.py).

`atheris.instrument_imports()` misses pyruntime in an editable install (scikit-build-core loads
it through an import hook: the first blob_py run reported no coverage at all), and
`atheris.instrument_all()` instruments every loaded function, numpy's included (a minute of
start-up, and coverage figures dominated by numpy). This instruments, in place, every Python
function and method defined in the named packages once they are imported.
"""
from __future__ import annotations

import sys
import types
from collections.abc import Iterable


def instrument_packages(prefixes: Iterable[str]) -> int:
    """Instrument the functions of every loaded module under `prefixes`; returns how many."""
    import atheris

    prefixes = tuple(prefixes)
    seen: set[int] = set()
    for name, mod in list(sys.modules.items()):
        if mod is None or not any(name == p or name.startswith(p + ".") for p in prefixes):
            continue
        for obj in list(vars(mod).values()):
            members = list(vars(obj).values()) if isinstance(obj, type) and \
                getattr(obj, "__module__", "") == name else [obj]
            for f in members:
                if isinstance(f, (staticmethod, classmethod)):
                    f = f.__func__
                elif isinstance(f, property):
                    f = f.fget
                if isinstance(f, types.FunctionType) and f.__module__ == name \
                        and id(f) not in seen:
                    seen.add(id(f))
                    atheris.instrument_func(f)  # patches f.__code__ (nested code included)
    return len(seen)
