#!/usr/bin/env bash
# The main job, end to end, on a fresh Debian machine with nothing but Python installed:
#   1. system packages (compilers, CMake, Arm cross toolchains, QEMU), a venv, and the build
#      of pyruntime (C engine + Python extension);
#   2. convert the bundled int8 digits classifier (examples/, made by tools/make_demo_model.py);
#   3. run it on the host through the C engine and compare with TensorFlow Lite Micro.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/install_system_deps.sh
VENV="${PYRT_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
echo "== installing pyruntime into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ".[test]"
PYRT="$VENV/bin/pyruntime"
OUT=build/demo
mkdir -p "$OUT"

echo; echo "== convert examples/digits_int8.tflite"
"$PYRT" convert examples/digits_int8.tflite -o "$OUT/digits.blob"

echo; echo "== inspect the blob (layers, quantization, memory plan)"
"$PYRT" inspect "$OUT/digits.blob"

echo; echo "== run 20 test images on the host through the C engine"
"$PYRT" run "$OUT/digits.blob" --input examples/digits_samples.npy --output "$OUT/digits_out.npy" -q
"$VENV/bin/python" - "$OUT/digits_out.npy" <<'PY'
import sys
import numpy as np
out = np.load(sys.argv[1]).reshape(20, 10)
labels = np.load("examples/digits_labels.npy")
pred = out.argmax(axis=1)
print("labels:     ", " ".join(map(str, labels)))
print("predictions:", " ".join(map(str, pred)))
print(f"correct: {(pred == labels).sum()} / {len(labels)}")
PY

echo; echo "== compare with TensorFlow Lite Micro (the 20 images + 200 random inputs)"
"$PYRT" verify examples/digits_int8.tflite --inputs examples/digits_samples.npy --count 200

echo; echo "== run it on an emulated Cortex-M4 (QEMU mps2-an386): per-layer instruction counts"
# Builds the firmware once (cached in ~/.cache/pyruntime), checks the outputs equal the host's.
"$PYRT" bench "$OUT/digits.blob" --target cortex-m4
