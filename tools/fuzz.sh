#!/usr/bin/env bash
# Coverage-guided fuzzing of pyruntime (libFuzzer for C, atheris for Python).
#
#   bash tools/fuzz.sh list                  # the fuzz targets
#   bash tools/fuzz.sh TARGET SECONDS [ARGS] # run one target for SECONDS (ARGS go to libFuzzer)
#   bash tools/fuzz.sh all SECONDS           # every target, one after the other
#   bash tools/fuzz.sh TARGET merge          # minimize the working corpus into the checked-in one
#
# A target is a folder tests/fuzz/TARGET/ holding
#   build.sh   (C targets) `build.sh OUT_DIR` builds OUT_DIR/fuzzer with clang
#              -fsanitize=fuzzer,address,undefined (flags in $FUZZ_CFLAGS), or
#   harness.py (Python targets) an atheris harness, run by the project venv's python;
#   corpus/    a small checked-in seed corpus;  dict  an optional libFuzzer dictionary.
#
# The working corpus grows in build/fuzz/TARGET/corpus (seeded from corpus/); a crash, leak,
# sanitizer report, timeout (-timeout, default 10 s) or out-of-memory (-rss_limit_mb, default
# 1024) is written to build/fuzz/TARGET/findings/ and the script exits non-zero: a finding is a
# failure. Each run appends one line (target, seconds, executions, coverage, result) to
# build/fuzz/runs.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
FUZZ_DIR=tests/fuzz
OUT_ROOT=build/fuzz
export FUZZ_CFLAGS="${FUZZ_CFLAGS:--g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined}"
VENV="${PYRT_VENV:-.venv}"

targets() {
  local d
  for d in "$FUZZ_DIR"/*/; do
    d=${d%/}
    if [ -f "$d/build.sh" ] || [ -f "$d/harness.py" ]; then basename "$d"; fi
  done
}

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

run_target() { # target seconds [libFuzzer args]
  local t=$1 secs=$2; shift 2
  local src="$FUZZ_DIR/$t" out="$OUT_ROOT/$t"
  [ -d "$src" ] || { echo "fuzz: unknown target '$t' (known: $(targets | tr '\n' ' '))" >&2; exit 2; }
  mkdir -p "$out/corpus" "$out/findings"
  [ -d "$src/corpus" ] && cp -n "$src/corpus"/* "$out/corpus/" 2>/dev/null || true
  local args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=1024
              -print_final_stats=1 -artifact_prefix="$out/findings/")
  [ -f "$src/dict" ] && args+=(-dict="$src/dict")
  local cmd
  if [ -f "$src/build.sh" ]; then
    echo "== fuzz $t: building"
    bash "$src/build.sh" "$ROOT/$out" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
    cmd=("$out/fuzzer")
  else
    [ -x "$VENV/bin/python" ] || { echo "fuzz: $VENV missing: run bash tools/test.sh first" >&2; exit 1; }
    cmd=("$VENV/bin/python" "$src/harness.py")
  fi
  echo "== fuzz $t: ${secs} s"
  local rc=0 status
  # the fuzzer's own status: with pipefail, `|| true` would replace PIPESTATUS by its own
  set +e
  "${cmd[@]}" "${args[@]}" "$@" "$out/corpus" 2>&1 | tee "$out/last.log" | grep -E "^(#[0-9]+ +(DONE|INITED)|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|stat::)"
  status=("${PIPESTATUS[@]}")
  set -e
  rc=${status[0]}
  local execs cov
  execs=$(grep -Eo "stat::number_of_executed_units: [0-9]+" "$out/last.log" | grep -Eo "[0-9]+$" | tail -1 || true)
  cov=$(grep -Eo "cov: [0-9]+ ft: [0-9]+" "$out/last.log" | tail -1 || true)
  local result=ok
  [ "$rc" -eq 0 ] || result="FINDING(exit $rc)"
  printf '%s\t%s\t%ss\texecs=%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "${execs:-?}" \
    "${cov:-cov: ?}" "$result" >>"$OUT_ROOT/runs.log"
  echo "== fuzz $t: $result, ${execs:-?} executions, ${cov:-coverage unknown}"
  return "$rc"
}

merge_target() { # minimize the working corpus into the checked-in one
  local t=$1 src="$FUZZ_DIR/$1" out="$OUT_ROOT/$1"
  mkdir -p "$src/corpus.new"
  if [ -f "$src/build.sh" ]; then
    bash "$src/build.sh" "$ROOT/$out" >"$out/build.log" 2>&1
    "$out/fuzzer" -merge=1 "$src/corpus.new" "$src/corpus" "$out/corpus"
  else
    "$VENV/bin/python" "$src/harness.py" -merge=1 "$src/corpus.new" "$src/corpus" "$out/corpus"
  fi
  rm -rf "$src/corpus" && mv "$src/corpus.new" "$src/corpus"
  echo "== fuzz $t: corpus now $(ls "$src/corpus" | wc -l) files, $(du -sh "$src/corpus" | cut -f1)"
}

[ $# -ge 1 ] || usage
case "$1" in
  list) targets ;;
  all)
    [ $# -ge 2 ] || usage
    status=0
    for t in $(targets); do run_target "$t" "$2" || status=1; done
    exit $status ;;
  -h|--help) usage ;;
  *)
    [ $# -ge 2 ] || usage
    if [ "$2" = merge ]; then merge_target "$1"; else t=$1 s=$2; shift 2; run_target "$t" "$s" "$@"; fi ;;
esac
