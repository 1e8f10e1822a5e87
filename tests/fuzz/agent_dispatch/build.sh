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
# The two small models: made fresh by the project's converter when its venv exists (the blob
# format follows the engine), else the checked-in ones.
models=$HOST_DIR
py=${PYRT_VENV:-$REPO/.venv}/bin/python
if [ -x "$py" ] && "$py" "$HOST_DIR/make_models.py" --out "$out/obj" >"$out/obj/models.log" 2>&1; then
  models=$out/obj
fi
echo "models from $models"
{ blob_c model_a "$models/model_a.blob"; blob_c model_b "$models/model_b.blob"; } >"$out/obj/models.c"
# The engine as the firmware links it (every operator); objects first, one compile each.
objs=()
for src in $(engine_sources); do
  rel=${src#"$ENGINE_DIR"/}
  obj="$out/obj/engine_${rel//\//_}"  # the path names it: kernels/x.c and kernels/arm_dsp/x.c
  obj="${obj%.c}.o"
  # shellcheck disable=SC2086
  "$CC" $FUZZ_CFLAGS -std=c99 -Wall -Wextra -Werror -I"$ENGINE_DIR/include" -I"$ENGINE_DIR/src" \
    -c "$src" -o "$obj"
  objs+=("$obj")
done
[ ${#objs[@]} -gt 0 ] || { echo "no engine sources found under $ENGINE_DIR" >&2; exit 1; }
agent_cc -o "$out/fuzzer" "$here/fuzz_dispatch.c" "$out/obj/models.c" \
  "$AGENT_DIR/agent.c" "$AGENT_DIR/link.c" "$AGENT_DIR/slots.c" "$AGENT_DIR/model.c" \
  "$HOST_DIR/board_host.c" "$HOST_DIR/flash_mem.c" "$HOST_DIR/ref_frame.c" "${objs[@]}" -lm
