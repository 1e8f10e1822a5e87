#!/usr/bin/env bash
# Line/branch coverage of the agent sources reached by a fuzz target's corpus.
#   bash tests/fuzz/agent_host/coverage.sh agent_dispatch [CORPUS_DIR...]
# Builds the target with clang source-based coverage (no sanitizers) into
# build/fuzz/TARGET/coverage, runs it over the corpora (default: the checked-in corpus and
# regressions plus the working corpus build/fuzz/TARGET/corpus) and prints llvm-cov's report
# for firmware/apps/agent/*.c.
set -euo pipefail
target=${1:?usage: coverage.sh TARGET [CORPUS_DIR...]}
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$repo/build/fuzz/$target/coverage
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  for d in "$repo/tests/fuzz/$target/corpus" "$repo/tests/fuzz/$target/regressions" \
           "$repo/build/fuzz/$target/corpus"; do
    [ -d "$d" ] && dirs+=("$d")
  done
fi
mkdir -p "$out"
FUZZ_CFLAGS="-g -O0 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping" \
  bash "$repo/tests/fuzz/$target/build.sh" "$out" >"$out/build.log" 2>&1 ||
  { cat "$out/build.log" >&2; exit 1; }
rm -f "$out"/*.profraw
LLVM_PROFILE_FILE="$out/run.profraw" "$out/fuzzer" -runs=0 "${dirs[@]}" >"$out/run.log" 2>&1
llvm-profdata merge -sparse "$out/run.profraw" -o "$out/run.profdata"
llvm-cov report "$out/fuzzer" -instr-profile="$out/run.profdata" \
  "$repo"/firmware/apps/agent/*.c
