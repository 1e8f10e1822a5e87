"""Quantization arithmetic computed offline, exactly as TFLite Micro computes it at Prepare time.

Every function mirrors the TFLite routine of the same name; the double/float32 precision of each
step matters for bit-exactness (see ../shared/REFERENCE.md section 2).
"""
from __future__ import annotations

import math

import numpy as np

INT8_MIN, INT8_MAX = -128, 127
INT16_MIN, INT16_MAX = -32768, 32767


def round_half_away(x: float) -> int:
    """C++ std::round: halves round away from zero (Python's round() rounds to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLite QuantizeMultiplier (double-rounding build): (multiplier Q31, shift; >0 = left)."""
    if real == 0.0:
        return 0, 0
    frac, shift = math.frexp(real)
    q = round_half_away(frac * (1 << 31))
    if q > (1 << 31):
        raise ValueError(f"multiplier {real} cannot be quantized")
    if q == (1 << 31):
        q //= 2
        shift += 1
    if shift < -31:
        shift, q = 0, 0
    return int(q), int(shift)


def quantize_multiplier_smaller_than_one_exp(real: float) -> tuple[int, int]:
    """TFLite QuantizeMultiplierSmallerThanOneExp: shift is <= 0."""
    if not (0.0 < real < 1.0):
        raise ValueError(f"multiplier {real} is not in (0, 1)")
    mult, shift = quantize_multiplier(real)
    if shift > 0:
        raise ValueError(f"multiplier {real} gives a left shift")
    return mult, shift


def quantize_multiplier_greater_than_one(real: float) -> tuple[int, int]:
    if not real > 1.0:
        raise ValueError(f"multiplier {real} is not > 1")
    mult, shift = quantize_multiplier(real)
    if shift < 0:
        raise ValueError(f"multiplier {real} gives a right shift")
    return mult, shift


def per_channel_multipliers(input_scale: float, filter_scales: np.ndarray, output_scale: float,
                            channels: int) -> tuple[np.ndarray, np.ndarray]:
    """PopulateConvolutionQuantizationParams: effective = in * filter[c] / out, in double."""
    mults = np.zeros(channels, dtype=np.int32)
    shifts = np.zeros(channels, dtype=np.int8)
    per_channel = len(filter_scales) > 1
    for c in range(channels):
        fs = float(filter_scales[c] if per_channel else filter_scales[0])
        effective = float(np.float32(input_scale)) * fs / float(np.float32(output_scale))
        m, s = quantize_multiplier(effective)
        _check_shift(s)
        mults[c], shifts[c] = m, s
    return mults, shifts


def _check_shift(shift: int) -> None:
    if not -31 <= shift <= 30:
        raise ValueError(f"requantization shift {shift} outside [-31, 30]")


def activation_range(activation: str, scale: float, zero_point: int,
                     qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: x / scale in float32, rounded half away from zero."""
    s = np.float32(scale)

    def quantize(x: float) -> int:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            q = float(np.float32(np.float32(x) / s))
        if not math.isfinite(q) or abs(q) >= 2.0 ** 31:
            raise ValueError(f"fused activation {activation}: bound {x} / scale {float(s)!r} "
                             "does not fit int32")
        return zero_point + round_half_away(q)

    if activation in ("NONE", None):
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, quantize(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise ValueError(f"fused activation {activation} not supported")


def add_params(a_scale: float, b_scale: float, out_scale: float, left_shift: int = 20
               ) -> tuple[int, int, int, int, int, int]:
    """TFLM add_common PrepareGeneralSubAdd / CalculateOpDataAdd for int8 (left_shift 20)."""
    twice_max = 2.0 * float(max(np.float32(a_scale), np.float32(b_scale)))
    real_a = float(np.float32(a_scale)) / twice_max
    real_b = float(np.float32(b_scale)) / twice_max
    real_out = twice_max / ((1 << left_shift) * float(np.float32(out_scale)))
    am, ash = quantize_multiplier_smaller_than_one_exp(real_a)
    bm, bsh = quantize_multiplier_smaller_than_one_exp(real_b)
    om, osh = quantize_multiplier_smaller_than_one_exp(real_out)
    return am, ash, bm, bsh, om, osh


def softmax_params(beta: float, input_scale: float, input_integer_bits: int = 5
                   ) -> tuple[int, int, int]:
    """PreprocessSoftmaxScaling + CalculateInputRadius: (input_multiplier, left_shift, diff_min)."""
    real = min(float(np.float32(beta)) * float(np.float32(input_scale)) *
               float(1 << (31 - input_integer_bits)), float((1 << 31) - 1))
    mult, left_shift = quantize_multiplier_greater_than_one(real)
    max_input_rescaled = (1.0 * ((1 << input_integer_bits) - 1) *
                          float(1 << (31 - input_integer_bits)) / float(1 << left_shift))
    diff_min = -int(math.floor(max_input_rescaled))
    return mult, left_shift, diff_min
