#!/usr/bin/env bash
# Build the agent_frame fuzz target: the agent's frame decoder (firmware/apps/agent/link.c)
# against a reference decoder. Usage: build.sh OUT_DIR (tools/fuzz.sh runs it; clang 14 with
# libFuzzer, flags from $FUZZ_CFLAGS). Produces OUT_DIR/fuzzer.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
# shellcheck source=../agent_host/common.sh
. "$here/../agent_host/common.sh"
mkdir -p "$out"
agent_cc -o "$out/fuzzer" "$here/fuzz_frame.c" "$AGENT_DIR/link.c" "$HOST_DIR/board_host.c" \
  "$HOST_DIR/ref_frame.c"
