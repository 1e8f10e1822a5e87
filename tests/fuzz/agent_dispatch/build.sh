#!/usr/bin/env bash
# Build the agent_dispatch fuzz target: the agent's dispatcher and slot logic
# (firmware/apps/agent) with the real engine on an in-memory flash that loses power on demand.
# Usage: build.sh OUT_DIR (tools/fuzz.sh runs it; clang 14 with libFuzzer, flags from
# $FUZZ_CFLAGS). Produces OUT_DIR/fuzzer.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
# shellcheck source=../agent_host/common.sh
. "$here/../agent_host/common.sh"
mkdir -p "$out/obj"
blob_c() { # C array NAME from FILE
  echo "const unsigned char $1[] __attribute__((aligned(16))) = {"
  od -An -v -tx1 "$2" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
  echo "};"
  echo "const unsigned int $1_len = $(wc -c <"$2");"
}
{ blob_c model_a "$HOST_DIR/model_a.blob"; blob_c model_b "$HOST_DIR/model_b.blob"; } >"$out/obj/models.c"
# The engine as the firmware links it (every operator); objects first, one compile each.
objs=()
for src in $(engine_sources); do
  obj="$out/obj/engine_$(basename "${src%.c}").o"
  # shellcheck disable=SC2086
  "$CC" $FUZZ_CFLAGS -std=c99 -Wall -Wextra -Werror -I"$ENGINE_DIR/include" -I"$ENGINE_DIR/src" \
    -c "$src" -o "$obj"
  objs+=("$obj")
done
[ ${#objs[@]} -gt 0 ] || { echo "no engine sources found under $ENGINE_DIR" >&2; exit 1; }
agent_cc -o "$out/fuzzer" "$here/fuzz_dispatch.c" "$out/obj/models.c" \
  "$AGENT_DIR/agent.c" "$AGENT_DIR/link.c" "$AGENT_DIR/slots.c" "$AGENT_DIR/model.c" \
  "$HOST_DIR/board_host.c" "$HOST_DIR/flash_mem.c" "$HOST_DIR/ref_frame.c" "${objs[@]}" -lm
