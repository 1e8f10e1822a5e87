# Shared by the agent fuzz targets' build.sh (sourced): paths and the compiler command.
#   agent_cc ARGS...            clang with $FUZZ_CFLAGS, warnings as errors, the agent's and
#                               the host shim's include paths
#   engine_sources              the engine's C files, as runtime_c/CMakeLists.txt lists them
HOST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HOST_DIR/../../.." && pwd)
AGENT_DIR=$REPO/firmware/apps/agent
ENGINE_DIR=$REPO/runtime_c
CC=${CC:-clang}
FUZZ_CFLAGS=${FUZZ_CFLAGS:--g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined}

agent_cc() {
  # shellcheck disable=SC2086
  "$CC" $FUZZ_CFLAGS -std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
    -DPYRT_BOARD_NAME='"host"' -DPYRT_CPU_NAME='"x86_64"' \
    -I"$HOST_DIR" -I"$AGENT_DIR" -I"$REPO/firmware/common" -I"$ENGINE_DIR/include" "$@"
}

# The engine's C files as runtime_c/CMakeLists.txt names them, read at build time because
# the list changes: explicit src/... paths and file(GLOB) patterns such as src/ops/*.c,
# expanded here; a CMakeLists naming none falls back to every .c file under src/.
engine_sources() {
  local patterns p f
  patterns=$(grep -oE 'src/[A-Za-z0-9_/*.-]*\.c' "$ENGINE_DIR/CMakeLists.txt" | sort -u || true)
  [ -n "$patterns" ] || patterns=$(cd "$ENGINE_DIR" && find src -name '*.c' | sort)
  while read -r p; do
    for f in "$ENGINE_DIR"/$p; do # the pattern part unquoted: expanded as a glob
      if [ -f "$f" ]; then echo "$f"; fi
    done
  done <<<"$patterns" | sort -u
}
