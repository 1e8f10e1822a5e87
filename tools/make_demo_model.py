"""Build the demo model examples/digits_int8.tflite (deterministic, seeded).

scikit-learn's bundled 8x8 digits (no download) -> float MLP 64 -> 32 ReLU -> 10, trained with
MLPClassifier -> post-training int8 quantization in numpy (activation ranges calibrated on the
training split, per-channel symmetric int8 FC weights, int32 biases) -> TFLite graph

    input int8 [1,8,8,1] (pixels 0..16) -> RESHAPE [1,64] -> FULLY_CONNECTED + RELU
    -> FULLY_CONNECTED -> SOFTMAX (int8, scale 1/256, zero point -128)

Also writes examples/digits_samples.npy (int8 [20,1,8,8,1], quantized held-out images) and
examples/digits_labels.npy (int32 [20]), then prints float and TFLM int8 accuracy on the
held-out split.

Usage: python tools/make_demo_model.py [--out-dir examples] [--no-eval]
"""
from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pyruntime.tflite_builder import (  # noqa: E402
    Activation,
    BuiltinOp,
    FullyConnectedOptions,
    ModelBuilder,
    ReshapeOptions,
    SoftmaxOptions,
    activation_qparams,
    quantize,
    quantize_bias,
    quantize_per_channel_symmetric,
)

SEED = 0
HIDDEN = 32
NUM_SAMPLES = 20
PIXEL_MAX = 16.0
MODEL_NAME = "digits_int8.tflite"
SAMPLES_NAME = "digits_samples.npy"
LABELS_NAME = "digits_labels.npy"


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray  # float64 [n, 64], pixel values 0..16
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class FloatMLP:
    """Weights in TFLite layout ([out, in]) acting on raw pixel values 0..16."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def hidden(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x @ self.w1.T + self.b1, 0.0)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return self.hidden(x) @ self.w2.T + self.b2


def load_split(seed: int = SEED) -> Split:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float64)
    y = digits.target.astype(np.int32)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    return Split(x_tr, y_tr, x_te, y_te)


def train_float_mlp(split: Split, seed: int = SEED) -> FloatMLP:
    """Train on pixels / 16; fold the 1/16 into the first layer so the model takes raw pixels."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        activation="relu",
        solver="adam",
        alpha=1e-3,
        max_iter=400,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(split.x_train / PIXEL_MAX, split.y_train)
    w1, w2 = clf.coefs_
    b1, b2 = clf.intercepts_
    return FloatMLP(w1.T / PIXEL_MAX, b1.copy(), w2.T.copy(), b2.copy())


@dataclass(frozen=True)
class QuantParams:
    in_scale: float
    in_zp: int
    hid_scale: float
    hid_zp: int
    logit_scale: float
    logit_zp: int


def calibrate(mlp: FloatMLP, x_calib: np.ndarray) -> QuantParams:
    in_scale, in_zp = activation_qparams(0.0, PIXEL_MAX)
    hidden = mlp.hidden(x_calib)
    hid_scale, hid_zp = activation_qparams(0.0, float(hidden.max()))
    logits = mlp.logits(x_calib)
    logit_scale, logit_zp = activation_qparams(float(logits.min()), float(logits.max()))
    return QuantParams(in_scale, in_zp, hid_scale, hid_zp, logit_scale, logit_zp)


def build_tflite(mlp: FloatMLP, qp: QuantParams) -> bytes:
    mb = ModelBuilder(description="pyruntime demo: sklearn digits MLP 64-32-10, int8")
    x = mb.add_tensor("input", [1, 8, 8, 1], np.int8, scale=qp.in_scale, zero_point=qp.in_zp)
    shape = mb.add_tensor("reshape/shape", [2], np.int32, data=np.array([1, 64]))
    flat = mb.add_tensor("reshape", [1, 64], np.int8, scale=qp.in_scale, zero_point=qp.in_zp)
    mb.add_operator(BuiltinOp.RESHAPE, [x, shape], [flat], ReshapeOptions(new_shape=(1, 64)))

    w1_q, w1_s = quantize_per_channel_symmetric(mlp.w1, axis=0)
    b1_q, b1_s = quantize_bias(mlp.b1, qp.in_scale, w1_s)
    w1 = mb.add_tensor("fc1/weights", w1_q.shape, np.int8, data=w1_q, scale=w1_s, quantized_dimension=0)
    b1 = mb.add_tensor("fc1/bias", b1_q.shape, np.int32, data=b1_q, scale=b1_s, quantized_dimension=0)
    hid = mb.add_tensor("fc1/relu", [1, HIDDEN], np.int8, scale=qp.hid_scale, zero_point=qp.hid_zp)
    fc1_options = FullyConnectedOptions(Activation.RELU)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [flat, w1, b1], [hid], fc1_options)

    w2_q, w2_s = quantize_per_channel_symmetric(mlp.w2, axis=0)
    b2_q, b2_s = quantize_bias(mlp.b2, qp.hid_scale, w2_s)
    w2 = mb.add_tensor("fc2/weights", w2_q.shape, np.int8, data=w2_q, scale=w2_s, quantized_dimension=0)
    b2 = mb.add_tensor("fc2/bias", b2_q.shape, np.int32, data=b2_q, scale=b2_s, quantized_dimension=0)
    logits = mb.add_tensor("fc2", [1, 10], np.int8, scale=qp.logit_scale, zero_point=qp.logit_zp)
    mb.add_operator(BuiltinOp.FULLY_CONNECTED, [hid, w2, b2], [logits], FullyConnectedOptions())

    probs = mb.add_tensor("softmax", [1, 10], np.int8, scale=1.0 / 256, zero_point=-128)
    mb.add_operator(BuiltinOp.SOFTMAX, [logits], [probs], SoftmaxOptions(beta=1.0))
    mb.set_inputs([x])
    mb.set_outputs([probs])
    return mb.build()


def quantize_images(x: np.ndarray, qp: QuantParams) -> np.ndarray:
    """float pixels [n, 64] -> int8 [n, 1, 8, 8, 1]."""
    return quantize(x, qp.in_scale, qp.in_zp).reshape(-1, 1, 8, 8, 1)


def tflm_predict(model: bytes, images_q: np.ndarray) -> np.ndarray:
    """Run each int8 [1,8,8,1] image through TFLM; returns the int8 outputs [n, 10]."""
    from tflite_micro import runtime

    interp = runtime.Interpreter.from_bytes(model, arena_size=16 * 1024)
    outs = []
    for img in images_q:
        interp.set_input(np.ascontiguousarray(img), 0)
        interp.invoke()
        outs.append(np.array(interp.get_output(0)).reshape(-1))
    return np.stack(outs)


@dataclass(frozen=True)
class DemoArtifacts:
    model: bytes
    samples: np.ndarray  # int8 [NUM_SAMPLES, 1, 8, 8, 1]
    labels: np.ndarray  # int32 [NUM_SAMPLES]
    split: Split
    mlp: FloatMLP
    qparams: QuantParams


def make_demo(seed: int = SEED) -> DemoArtifacts:
    split = load_split(seed)
    mlp = train_float_mlp(split, seed)
    qp = calibrate(mlp, split.x_train)
    model = build_tflite(mlp, qp)
    samples = quantize_images(split.x_test[:NUM_SAMPLES], qp)
    labels = split.y_test[:NUM_SAMPLES].astype(np.int32)
    return DemoArtifacts(model, samples, labels, split, mlp, qp)


def evaluate(art: DemoArtifacts) -> tuple[float, float, float]:
    """(float accuracy, TFLM int8 accuracy, argmax agreement) on the held-out split."""
    float_pred = np.argmax(art.mlp.logits(art.split.x_test), axis=1)
    int8_out = tflm_predict(art.model, quantize_images(art.split.x_test, art.qparams))
    int8_pred = np.argmax(int8_out, axis=1)
    y = art.split.y_test
    agreement = float(np.mean(float_pred == int8_pred))
    return float(np.mean(float_pred == y)), float(np.mean(int8_pred == y)), agreement


def write_outputs(art: DemoArtifacts, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_NAME).write_bytes(art.model)
    np.save(out_dir / SAMPLES_NAME, art.samples)
    np.save(out_dir / LABELS_NAME, art.labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "examples")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-eval", action="store_true", help="skip the TFLM accuracy run")
    args = parser.parse_args(argv)

    art = make_demo(args.seed)
    write_outputs(art, args.out_dir)
    print(f"wrote {args.out_dir / MODEL_NAME} ({len(art.model)} bytes), "
          f"{SAMPLES_NAME} {art.samples.shape}, {LABELS_NAME} {art.labels.shape}")
    if not args.no_eval:
        acc_f, acc_q, agree = evaluate(art)
        n = len(art.split.y_test)
        print(f"held-out split ({n} images): float {acc_f:.4f}, int8 TFLM {acc_q:.4f}, "
              f"float/int8 agreement {agree:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
