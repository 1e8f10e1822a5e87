"""Scalar integer emulation of TFLite's / gemmlowp's fixed-point arithmetic, and TFLite's
float32 generator of int16 lookup tables.

Used offline to build the 256-entry tables of the int8 activations (the engine then only
looks values up), so every function here mirrors the C++ routine of the same name bit for bit
(two's-complement wrap-around where the C++ wraps). Inputs and outputs are Python ints.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def wrap32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


def wrap16(x: int) -> int:
    x &= 0xFFFF
    return x - (1 << 16) if x & 0x8000 else x


def _div_trunc(a: int, b: int) -> int:
    """C integer division (truncation toward zero), b > 0."""
    q = abs(a) // b
    return q if a >= 0 else -q


def srdhm(a: int, b: int) -> int:
    """gemmlowp SaturatingRoundingDoublingHighMul (int32)."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return wrap32(_div_trunc(ab + nudge, 1 << 31))


def srdhm16(a: int, b: int) -> int:
    """gemmlowp SaturatingRoundingDoublingHighMul (int16)."""
    if a == b == -32768:
        return 32767
    ab = a * b
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    return wrap16(_div_trunc(ab + nudge, 1 << 15))


def rdbpot(x: int, exponent: int) -> int:
    """gemmlowp RoundingDivideByPOT (int32), exponent in [0, 31]."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def rdbpot16(x: int, exponent: int) -> int:
    """gemmlowp RoundingDivideByPOT on int16 lanes (the mask is truncated to int16)."""
    mask = wrap16((1 << exponent) - 1)
    remainder = wrap16(x & mask)
    threshold = wrap16((mask >> 1) + (1 if x < 0 else 0))
    return wrap16((x >> exponent) + (1 if remainder > threshold else 0))


def mbqm(x: int, mult: int, shift: int) -> int:
    """TFLite MultiplyByQuantizedMultiplier (double rounding), shift in [-31, 30]."""
    left = shift if shift > 0 else 0
    right = -shift if shift < 0 else 0
    return rdbpot(srdhm(wrap32(x * (1 << left)), mult), right)


def sat_shl(x: int, exponent: int) -> int:
    """gemmlowp SaturatingRoundingMultiplyByPOT for exponent > 0."""
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return wrap32(x << exponent)


def rounding_half_sum(a: int, b: int) -> int:
    s = a + b
    return wrap32(_div_trunc(s + (1 if s >= 0 else -1), 2))


def exp_quarter(a: int) -> int:
    """exp(a) for a in [-1/4, 0), Q0.31."""
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rdbpot(x4, 2)
    poly = rdbpot(wrap32(srdhm(wrap32(x4_over_4 + x3), constant_1_over_3) + x2), 1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + poly)))


_EXP_MULTS = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
              (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    """gemmlowp exp_on_negative_values for FixedPoint<int32, integer_bits> (<= 5); Q0.31."""
    frac_bits = 31 - integer_bits
    one_quarter = 1 << (frac_bits - 2)
    mask = one_quarter - 1
    a_mod = (a & mask) - one_quarter
    result = exp_quarter(sat_shl(a_mod, integer_bits))
    remainder = wrap32(a_mod - a)
    for exponent, mult in _EXP_MULTS:
        if integer_bits > exponent and remainder & (1 << (frac_bits + exponent)):
            result = srdhm(result, mult)
    return INT32_MAX if a == 0 else result


def _newton_reciprocal(a: int) -> int:
    """x ~ 1 / (1 + a) in Q2.29 after gemmlowp's three Newton-Raphson steps."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    x = wrap32(1515870810 + srdhm(half_denominator, -1010580540))
    for _ in range(3):
        one_minus = wrap32((1 << 29) - srdhm(half_denominator, x))
        x = wrap32(x + sat_shl(srdhm(x, one_minus), 2))
    return x


def one_over_one_plus_x(a: int) -> int:
    return sat_shl(_newton_reciprocal(a), 1)


def one_minus_x_over_one_plus_x(a: int) -> int:
    return sat_shl(wrap32(_newton_reciprocal(a) - (1 << 29)), 2)


def logistic_q4(a: int) -> int:
    """gemmlowp logistic(FixedPoint<int32, 4>) -> Q0.31."""
    if a == 0:
        return 1 << 30
    abs_a = a if a > 0 else wrap32(-a)
    pos = one_over_one_plus_x(exp_on_negative_values(wrap32(-abs_a), 4))
    return pos if a > 0 else wrap32(INT32_MAX - pos)


def tanh_q4(a: int) -> int:
    """gemmlowp tanh(FixedPoint<int32, 4>) -> Q0.31."""
    if a == 0:
        return 0
    n = a if a < 0 else wrap32(-a)
    t = one_minus_x_over_one_plus_x(exp_on_negative_values(n, 5))  # ExactMulByPot<1>
    return wrap32(-t) if a < 0 else t


# ---- int16 lookup tables (TFLite LUTPopulate<int16_t>, float32 arithmetic) -------------------

def _libm_expf() -> Callable[[float], float] | None:
    """glibc's expf, which TFLM calls (float32 results can differ from exp rounded to float)."""
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        f = libm.expf
    except (OSError, AttributeError):
        return None
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return f  # type: ignore[no-any-return]


_EXPF = _libm_expf()
F32 = np.float32


def expf(x: np.float32) -> np.float32:
    return F32(_EXPF(float(x))) if _EXPF is not None else F32(math.exp(float(x)))


def roundf(x: np.float32) -> np.float32:
    """std::round on float: halves away from zero."""
    return F32(math.floor(float(x) + 0.5) if x >= 0 else -math.floor(-float(x) + 0.5))


def lut_populate_int16(transform: Callable[[np.float32], np.float32], input_scale: float,
                       input_zero_point: int, output_scale: float, output_zero_point: int
                       ) -> np.ndarray:
    """LUTPopulateInt16<float>: 513 int16 entries, every step rounded to float32 as in C++."""
    in_s, out_s = F32(input_scale), F32(output_scale)
    input_min = in_s * F32(-32768 - input_zero_point)
    input_max = in_s * F32(32767 - input_zero_point)
    output_min = out_s * F32(-32768 - output_zero_point)
    output_max = out_s * F32(32767 - output_zero_point)
    step = (input_max - input_min) / F32(512)
    half_step = step / F32(2)
    inv = F32(65536) / (output_max - output_min)
    lo, hi = F32(-32768), F32(32767)
    lut = np.zeros(513, dtype=np.int16)
    for i in range(512):
        val = transform(input_min + F32(i) * step)
        val_mid = transform(input_min + F32(i) * step + half_step)
        val_next = transform(input_min + F32(i + 1) * step)
        sample = roundf(val * inv)
        mid_interp = roundf((val_next * inv + roundf(val * inv)) / F32(2))
        mid = roundf(val_mid * inv)
        bias = roundf((mid_interp - mid) / F32(2))
        lut[i] = int(min(max(sample - bias, lo), hi))
    lut[512] = int(min(max(roundf(transform(input_max) * inv), lo), hi))
    return lut


def lut_lookup16(value: int, lut: np.ndarray) -> int:
    """TFLite LUTLookup(int16_t, const int16_t*): 9-bit index, 7-bit linear interpolation."""
    index = 256 + (value >> 7)
    base = int(lut[index])
    slope = wrap16(int(lut[index + 1]) - base)
    return wrap16(base + ((slope * (value & 0x7F) + 64) >> 7))


# ---- int16 LOGISTIC / TANH (TFLite reference_integer_ops, 256-entry uint16 sigmoid table) ----

def sigmoid_table_uint16() -> np.ndarray:
    """sigmoid(i / 24) in Q0.16 for i in [0, 256), as TFLite's int16 LOGISTIC/TANH use it.

    Each node is raised by half the mean sag of its two adjacent linear-interpolation
    segments (the chord's error at the segment midpoint, e_j below; e_-1 = -e_0 by the
    symmetry of sigmoid about 0), then rounded; the last node saturates to 65535. Checked
    against TFLM's outputs for every int16 input (tests/test_ops_activation.py)."""
    def s(x: float) -> float:
        return 65536.0 / (1.0 + math.exp(-x / 24.0))

    sag = [s(j + 0.5) - (s(j) + s(j + 1)) / 2.0 for j in range(256)]
    table = np.zeros(256, dtype=np.uint16)
    for i in range(255):
        prev = sag[i - 1] if i > 0 else -sag[0]
        table[i] = int(math.floor(s(i) + (prev + sag[i]) / 4.0 + 0.5))
    table[255] = 65535
    return table


def checked_log2(x: float) -> tuple[bool, int]:
    """TFLite CheckedLog2 in float32: (x is a power of two within 1e-3 in log2, rounded log2)."""
    xl = np.float32(math.log(float(np.float32(x)))) * (np.float32(1.0) /
                                                       np.float32(math.log(2.0)))
    xl = np.float32(xl)
    r = roundf(xl)
    return bool(abs(np.float32(xl - r)) < np.float32(1e-3)), int(r)
