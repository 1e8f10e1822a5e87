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

# The engine sources of the reference kernel set: the src/*.c and src/kernels/*.c files named
# in runtime_c/CMakeLists.txt (read at build time: the list changes), else every such file.
engine_sources() {
  local listed f
  listed=$(grep -oE 'src/(kernels/)?[A-Za-z0-9_]+\.c' "$ENGINE_DIR/CMakeLists.txt" | sort -u || true)
  if [ -z "$listed" ]; then
    listed=$(cd "$ENGINE_DIR" && ls src/*.c src/kernels/*.c)
  fi
  for f in $listed; do
    [ -f "$ENGINE_DIR/$f" ] && echo "$ENGINE_DIR/$f"
  done
}
