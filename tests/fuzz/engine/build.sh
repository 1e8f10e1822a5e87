#!/usr/bin/env bash
# Build the C engine fuzz target: `build.sh OUT_DIR` -> OUT_DIR/fuzzer (run by tools/fuzz.sh).
#
# The engine is compiled by its own runtime_c/CMakeLists.txt (whatever source list it holds,
# reference kernels), with clang, coverage instrumentation and the sanitizers of $FUZZ_CFLAGS
# (libFuzzer's main is linked only into the harness); the harness and tests/c/blobmut.c (the
# structure-aware mutations) are linked against it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
CC=${FUZZ_CC:-clang}
flags=${FUZZ_CFLAGS:--g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined}
# the library gets the instrumentation without libFuzzer's main()
lib_flags=$(printf '%s' "$flags" | sed -E 's/-fsanitize=fuzzer([, ]|$)/-fsanitize=fuzzer-no-link\1/')

cmake -S "$root/runtime_c" -B "$out/engine" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE= \
  -DCMAKE_C_FLAGS="$lib_flags" -DPYRT_WERROR=OFF -DPYRT_KERNELS=reference >/dev/null
cmake --build "$out/engine" -j1
lib=$(find "$out/engine" -name 'libpyruntime_engine.a' | head -1)
[ -n "$lib" ] || { echo "build.sh: libpyruntime_engine.a not built" >&2; exit 1; }
# shellcheck disable=SC2086  # $flags is a list of flags
"$CC" $flags -std=c99 -Wall -Wextra -Werror -I"$root/runtime_c/include" -I"$root/tests/c" \
  "$here/fuzz_engine.c" "$root/tests/c/blobmut.c" "$lib" -o "$out/fuzzer"
