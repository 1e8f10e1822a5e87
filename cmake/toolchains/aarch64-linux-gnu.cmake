# Cortex-A, 64-bit Linux user space (aarch64-linux-gnu-gcc). Run the results with
#   qemu-aarch64 -L /usr/aarch64-linux-gnu ./prog        (binfmt is not set up here)
# PYRT_A64_CPU (cache, default "generic") picks -mcpu; e.g. cortex-a53 (no dotprod),
# cortex-a55 / cortex-a76 (dotprod). Advanced SIMD (NEON) is always part of AArch64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(PYRT_A64_CPU "generic" CACHE STRING "-mcpu for aarch64 (generic, cortex-a53, cortex-a55, ...)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PYRT_A64_CPU)

find_program(CMAKE_C_COMPILER aarch64-linux-gnu-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})

set(CMAKE_C_FLAGS_INIT "-mcpu=${PYRT_A64_CPU}")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/aarch64-linux-gnu)
