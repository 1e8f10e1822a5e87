"""What docs/benchmarks.md compares against: TFLM + CMSIS-NN as measured on the same emulated
boards (/work/shared/REFERENCE.md section 8) and the project issue's goals.

These are fixed external figures (another engine, measured once); every pyruntime figure of
the document is measured when it is generated.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Baseline:
    """TFLM (@90b983c) + CMSIS-NN, arm-none-eabi-gcc 12.2, only the model's operators."""

    m4_cmsis: int  # M4 instructions per Invoke, CMSIS-NN kernels, -O2
    m4_cmsis_os: int  # the same at -Os
    m4_ref: int  # M4, TFLM reference kernels, -O2
    m55: int  # M55, CMSIS-NN Helium kernels, -O2
    arena: int  # arena total (head + tail) on the 32-bit target
    code: int  # .text of TFLM + CMSIS-NN objects, -O2
    code_os: int  # the same at -Os
    code_limit: int  # the limit for pyruntime's engine code at -O2 (0.5x code, rounded)


BASELINE: dict[str, Baseline] = {
    "kws_ds_cnn": Baseline(m4_cmsis=7_697_358, m4_cmsis_os=9_225_215, m4_ref=43_114_751,
                           m55=1_813_112, arena=22_820, code=79_601, code_os=65_899,
                           code_limit=39_800),
    "vww_mobilenet": Baseline(m4_cmsis=24_101_896, m4_cmsis_os=28_556_938, m4_ref=100_470_022,
                              m55=6_558_260, arena=100_708, code=79_601, code_os=65_899,
                              code_limit=39_800),
    "ic_resnet8": Baseline(m4_cmsis=29_860_941, m4_cmsis_os=41_071_809, m4_ref=107_488_161,
                           m55=4_909_547, arena=54_996, code=74_341, code_os=59_179,
                           code_limit=37_150),
    "ad_autoencoder": Baseline(m4_cmsis=582_952, m4_cmsis_os=843_423, m4_ref=1_954_063,
                               m55=149_971, arena=2_580, code=29_437, code_os=20_777,
                               code_limit=14_700),
}

# The goals for M4 instructions per inference, as a fraction of TFLM + CMSIS-NN's.
SPEED_GOALS = (("target", 0.7), ("stretch", 0.45))
CODE_GOAL = 0.5  # engine code at -O2 <= 0.5x TFLM + CMSIS-NN's (BASELINE code_limit)
