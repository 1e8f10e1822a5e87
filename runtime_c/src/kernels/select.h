/*
 * Kernel set selection, at compile time, from the target's ACLE feature macros.
 *
 * Every kernel file is always compiled; the preprocessor decides which are empty:
 * - mve/ (Armv8.1-M with integer MVE, Helium: Cortex-M55/M85): built when the compiler defines
 *   __ARM_FEATURE_MVE with bit 0 (integer) set; preferred to arm_dsp, which these cores also
 *   have, so a kernel the mve set lacks falls back to its arm_dsp variant, then the reference;
 * - neon/ (Advanced SIMD: AArch64 Cortex-A53/A55/A7x, Armv7-A with NEON): built when the compiler
 *   defines __ARM_NEON; with __ARM_FEATURE_DOTPROD its multiply core uses SDOT; preferred to
 *   arm_dsp, which Armv7-A also builds, so a kernel the neon set lacks falls back to its arm_dsp
 *   variant there (AArch64 has no arm_dsp set), then the reference;
 * - arm_dsp/ (Armv7E-M, Armv8-M Mainline with the DSP extension: Cortex-M4/M7/M33/M55, and
 *   Armv7-A): built when the compiler defines __ARM_FEATURE_DSP and __ARM_FEATURE_SIMD32;
 * - a reference kernel (kernels/<name>.c) is built unless a variant of an active set replaces
 *   it, so every kernel the sets lack falls back to the reference.
 * -DPYRT_KERNELS_REFERENCE forces the reference set on any target (CMake: PYRT_KERNELS=reference).
 * -DPYRT_REF_KERNELS_ONLY=1 compiles only the reference kernels, renamed pyrt_ref_* (kernels.h),
 * for test builds that compare them with a variant set.
 *
 * Adding a variant: the file arm_dsp/<name>.c (guarded by PYRT_USE_DSP(<name>)) or
 * mve/<name>.c (guarded by PYRT_USE_MVE(<name>)) or neon/<name>.c (guarded by
 * PYRT_USE_NEON(<name>)) and its line below.
 * pyruntime/kernels.py mirrors which kernels each set has (for the scratch the converter plans).
 */
#ifndef PYRT_KERNELS_SELECT_H
#define PYRT_KERNELS_SELECT_H

#ifndef PYRT_REF_KERNELS_ONLY
#define PYRT_REF_KERNELS_ONLY 0
#endif

#if !PYRT_REF_KERNELS_ONLY && !defined(PYRT_KERNELS_REFERENCE) && defined(__ARM_FEATURE_DSP) && \
    defined(__ARM_FEATURE_SIMD32)
#define PYRT_SET_ARM_DSP 1
#else
#define PYRT_SET_ARM_DSP 0
#endif

#if !PYRT_REF_KERNELS_ONLY && !defined(PYRT_KERNELS_REFERENCE) && defined(__ARM_FEATURE_MVE) && \
    (__ARM_FEATURE_MVE & 1)
#define PYRT_SET_MVE 1
#else
#define PYRT_SET_MVE 0
#endif

#if !PYRT_REF_KERNELS_ONLY && !defined(PYRT_KERNELS_REFERENCE) && defined(__ARM_NEON)
#define PYRT_SET_NEON 1
#else
#define PYRT_SET_NEON 0
#endif

/* ---- the neon set: one line per kernel it provides ---- */
#define PYRT_NEON_conv_s8 1
#define PYRT_NEON_conv_1x1_s8 1
#define PYRT_NEON_conv_few_ch_s8 1
#define PYRT_NEON_dw_conv_3x3_s8 1
#define PYRT_NEON_fully_connected_s8 1
#define PYRT_NEON_add_s8 1
#define PYRT_NEON_sub_s8 1
#define PYRT_NEON_mul_s8 1
#define PYRT_NEON_avg_pool_s8 1
#define PYRT_NEON_max_pool_s8 1

/* ---- the mve set: one line per kernel it provides ---- */
#define PYRT_MVE_conv_s8 1
#define PYRT_MVE_conv_1x1_s8 1
#define PYRT_MVE_conv_few_ch_s8 1
#define PYRT_MVE_fully_connected_s8 1
#define PYRT_MVE_add_s8 1
#define PYRT_MVE_sub_s8 1
#define PYRT_MVE_mul_s8 1
#define PYRT_MVE_avg_pool_s8 1
#define PYRT_MVE_max_pool_s8 1
#define PYRT_MVE_softmax_s8 1
#define PYRT_MVE_conv_s16 1
#define PYRT_MVE_fully_connected_s16 1
#define PYRT_MVE_dw_conv_s16 1
#define PYRT_MVE_dw_conv_s8 1
#define PYRT_MVE_dw_conv_3x3_s8 1

/* ---- the arm_dsp set: one line per kernel it provides ---- */
#define PYRT_DSP_conv_s8 1
#define PYRT_DSP_conv_1x1_s8 1
#define PYRT_DSP_conv_few_ch_s8 1
#define PYRT_DSP_dw_conv_s8 1
#define PYRT_DSP_dw_conv_3x3_s8 1
#define PYRT_DSP_fully_connected_s8 1
#define PYRT_DSP_avg_pool_s8 1
#define PYRT_DSP_max_pool_s8 1
#define PYRT_DSP_add_s8 1
#define PYRT_DSP_sub_s8 1
#define PYRT_DSP_mul_s8 1
#define PYRT_DSP_softmax_s8 1

/* PYRT_USE_MVE(k): the mve file of kernel k is built; PYRT_USE_NEON(k): the neon one;
 * PYRT_USE_DSP(k): the arm_dsp one (unless an mve or neon variant replaces it);
 * PYRT_BUILD_REF(k): the reference one (no variant). */
#define PYRT_USE_MVE(k) (PYRT_SET_MVE && PYRT_MVE_##k)
#define PYRT_USE_NEON(k) (PYRT_SET_NEON && PYRT_NEON_##k)
#define PYRT_USE_DSP(k) \
  (PYRT_SET_ARM_DSP && PYRT_DSP_##k && !PYRT_USE_MVE(k) && !PYRT_USE_NEON(k))
#define PYRT_BUILD_REF(k) \
  (PYRT_REF_KERNELS_ONLY || (!PYRT_USE_MVE(k) && !PYRT_USE_NEON(k) && !PYRT_USE_DSP(k)))

/* The name of the active kernel set, for reports ("reference", "arm_dsp", "mve" or "neon"; mve
 * builds run arm_dsp and reference kernels where the mve set has none, neon builds arm_dsp
 * (Armv7-A) or reference ones (AArch64)). */
#if PYRT_SET_MVE
#define PYRT_KERNEL_SET_NAME "mve"
#elif PYRT_SET_NEON
#define PYRT_KERNEL_SET_NAME "neon"
#elif PYRT_SET_ARM_DSP
#define PYRT_KERNEL_SET_NAME "arm_dsp"
#else
#define PYRT_KERNEL_SET_NAME "reference"
#endif

/* Keeps a translation unit whose kernel is not built non-empty (ISO C). */
typedef int pyrt_kernel_unit;

#endif /* PYRT_KERNELS_SELECT_H */
