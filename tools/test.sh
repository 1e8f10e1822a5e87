#!/usr/bin/env bash
# Run the test suite: (re)install this tree into the project venv, then run pytest.
#
#   bash tools/test.sh                       # whole suite
#   bash tools/test.sh -k runtime -x         # extra arguments go to pytest
#   PYRT_SANITIZE=1 bash tools/test.sh       # C engine built with ASan + UBSan (.venv-asan)
#
# The install is editable (Python sources used in place, the C engine and its extension
# rebuilt incrementally under build/), so `python -m pyruntime` and `python -m pytest` also
# work from the repository root. .ci/run checks the regular (wheel) install separately.
#
# Environment: PYRT_VENV (default .venv, or .venv-asan), PYTHON (default python3) to create
# it, PYRT_SKIP_INSTALL=1 to test what is already installed in the venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitize="${PYRT_SANITIZE:-0}"
install_args=(-e ".[test,fuzz,plot]")
if [ "$sanitize" = 1 ]; then
  VENV="${PYRT_VENV:-.venv-asan}"
  install_args+=(--config-settings=cmake.define.PYRT_SANITIZE=ON --config-settings=build-dir=build/asan)
else
  VENV="${PYRT_VENV:-.venv}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
fi

if [ "${PYRT_SKIP_INSTALL:-0}" != 1 ]; then
  echo "== installing pyruntime (editable, with test, fuzz and plot extras) into $VENV"
  start=$(date +%s)
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${install_args[@]}"
  echo "== installed in $(( $(date +%s) - start )) s"
fi

if [ "$sanitize" = 1 ]; then
  # The interpreter is not instrumented: load the sanitizer runtimes first. Leak checking
  # is off (CPython keeps memory until exit); any other report aborts the test process.
  LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
  export LD_PRELOAD
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi

echo "== pytest"
exec "$VENV/bin/python" -m pytest -q "$@"
