#!/usr/bin/env bash
# Coverage-guided fuzzing of pyruntime (libFuzzer for C, atheris for Python).
#
#   bash tools/fuzz.sh list                  # the fuzz targets
#   bash tools/fuzz.sh TARGET SECONDS [ARGS] # run one target for SECONDS (ARGS go to libFuzzer)
#   bash tools/fuzz.sh all SECONDS           # every target, one after the other
#   bash tools/fuzz.sh TARGET merge          # minimize the working corpus into the checked-in one
#   bash tools/fuzz.sh TARGET triage         # its findings grouped by stack (tools/fuzz_triage.py)
#
# A target is a folder tests/fuzz/TARGET/ holding
#   build.sh   (C targets) `build.sh OUT_DIR` builds OUT_DIR/fuzzer with clang
#              -fsanitize=fuzzer,address,undefined (flags in $FUZZ_CFLAGS), or
#   harness.py (Python targets) an atheris harness, run by the project venv's python;
#   corpus/    a small checked-in seed corpus;  dict  an optional libFuzzer dictionary;
#   options    optional libFuzzer flags for every run of the target (e.g. -max_len=4194304),
#              whitespace-separated; flags given on the command line come after them.
#
# The working corpus grows in build/fuzz/TARGET/corpus (seeded from corpus/); a crash, leak,
# sanitizer report, timeout (-timeout, default 10 s) or out-of-memory (-rss_limit_mb, default
# 1024) is written to build/fuzz/TARGET/findings/ and the script exits non-zero: a finding is a
# failure (also in libFuzzer's -fork mode with -ignore_crashes=1, which keeps going after a
# crash: every new file in findings/ counts). Each run appends one line (time, target, seconds,
# executions, coverage, result and the new findings' paths) to build/fuzz/runs.log.
# PYRT_FUZZ_OUT=DIR puts the working folders (and runs.log) under DIR instead of build/fuzz.
# Sanitizer reports carry stacks (UBSAN_OPTIONS=print_stacktrace=1 unless set).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
FUZZ_DIR=tests/fuzz
OUT_ROOT="${PYRT_FUZZ_OUT:-build/fuzz}"  # tests/test_fuzz.py uses its own, apart from long runs
case "$OUT_ROOT" in /*) ;; *) OUT_ROOT="$ROOT/$OUT_ROOT" ;; esac
export FUZZ_CFLAGS="${FUZZ_CFLAGS:--g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined}"
VENV="${PYRT_VENV:-.venv}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

targets() {
  local d
  for d in "$FUZZ_DIR"/*/; do
    d=${d%/}
    if [ -f "$d/build.sh" ] || [ -f "$d/harness.py" ]; then basename "$d"; fi
  done
}

usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

run_target() { # target seconds [libFuzzer args]
  local t=$1 secs=$2; shift 2
  local src="$FUZZ_DIR/$t" out="$OUT_ROOT/$t"
  [ -d "$src" ] || { echo "fuzz: unknown target '$t' (known: $(targets | tr '\n' ' '))" >&2; exit 2; }
  mkdir -p "$out/corpus" "$out/findings"
  [ -d "$src/corpus" ] && cp -n "$src/corpus"/* "$out/corpus/" 2>/dev/null || true
  local args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=1024
              -print_final_stats=1 -artifact_prefix="$out/findings/")
  [ -f "$src/dict" ] && args+=(-dict="$src/dict")
  if [ -f "$src/options" ]; then
    local opts
    read -r -a opts <<<"$(grep -v '^#' "$src/options" | tr '\n' ' ')"
    args+=("${opts[@]}")
  fi
  local cmd
  if [ -f "$src/build.sh" ]; then
    echo "== fuzz $t: building"
    bash "$src/build.sh" "$out" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
    cmd=("$out/fuzzer")
  else
    [ -x "$VENV/bin/python" ] || { echo "fuzz: $VENV missing: run bash tools/test.sh first" >&2; exit 1; }
    cmd=("$VENV/bin/python" "$src/harness.py")
  fi
  echo "== fuzz $t: ${secs} s"
  local before rc status
  before=$(find "$out/findings" -type f | sort)
  set +e
  "${cmd[@]}" "${args[@]}" "$@" "$out/corpus" 2>&1 | tee "$out/last.log" |
    grep --line-buffered -E "^(#[0-9]+:? +(DONE|INITED|cov)|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|CRASH|stat::|INFO: exiting)"
  status=("${PIPESTATUS[@]}")
  set -e
  rc=${status[0]}
  local new execs cov
  new=$(comm -13 <(printf '%s\n' "$before") <(find "$out/findings" -type f | sort) | grep -v '^$' | tr '\n' ' ' || true)
  # -a: a log rewritten by a second run in the same folder may hold NUL bytes
  execs=$(grep -aEo "stat::number_of_executed_units: [0-9]+" "$out/last.log" | grep -Eo "[0-9]+$" | tail -1 || true)
  # -fork mode prints no final stats: its last "#N: cov: ..." line counts the executions
  [ -n "$execs" ] || execs=$(grep -aEo "^#[0-9]+" "$out/last.log" | tr -d '#' | tail -1 || true)
  cov=$(grep -aEo "cov: [0-9]+ ft: [0-9]+" "$out/last.log" | tail -1 || true)
  local result=ok
  if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
    result="FINDING(exit $rc)"
    [ "$rc" -ne 0 ] || rc=1
  fi
  printf '%s\t%s\t%ss\texecs=%s\t%s\t%s%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "${execs:-?}" \
    "${cov:-cov: ?}" "$result" "${new:+	$new}" >>"$OUT_ROOT/runs.log"
  echo "== fuzz $t: $result, ${execs:-?} executions, ${cov:-coverage unknown}"
  [ -z "$new" ] || echo "== fuzz $t: findings: $new"
  return "$rc"
}

merge_target() { # minimize the working corpus into the checked-in one
  local t=$1 src="$FUZZ_DIR/$1" out="$OUT_ROOT/$1" opts=()
  mkdir -p "$src/corpus.new"
  [ -f "$src/options" ] && read -r -a opts <<<"$(grep -v '^#' "$src/options" | tr '\n' ' ')"
  if [ -f "$src/build.sh" ]; then
    bash "$src/build.sh" "$out" >"$out/build.log" 2>&1
    "$out/fuzzer" "${opts[@]}" -merge=1 "$src/corpus.new" "$src/corpus" "$out/corpus"
  else
    "$VENV/bin/python" "$src/harness.py" "${opts[@]}" -merge=1 "$src/corpus.new" "$src/corpus" "$out/corpus"
  fi
  rm -rf "$src/corpus" && mv "$src/corpus.new" "$src/corpus"
  echo "== fuzz $t: corpus now $(ls "$src/corpus" | wc -l) files, $(du -sh "$src/corpus" | cut -f1)"
}

triage_target() { # findings de-duplicated by stack, one reproducer each
  local t=$1 src="$FUZZ_DIR/$1" out="$OUT_ROOT/$1" cmd
  local files=("$out"/findings/*)
  [ -e "${files[0]}" ] || { echo "== fuzz $t: no findings"; return 0; }
  if [ -f "$src/build.sh" ]; then
    [ -x "$out/fuzzer" ] || bash "$src/build.sh" "$out" >"$out/build.log" 2>&1
    cmd=("$out/fuzzer")
  else
    cmd=("$VENV/bin/python" "$src/harness.py")
  fi
  python3 tools/fuzz_triage.py "${cmd[@]}" -- "${files[@]}"
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
    case "$2" in
      merge) merge_target "$1" ;;
      triage) triage_target "$1" ;;
      *) t=$1 s=$2; shift 2; run_target "$t" "$s" "$@" ;;
    esac ;;
esac
