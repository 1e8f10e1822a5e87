# Bare-metal Arm Cortex-M toolchain (arm-none-eabi-gcc + newlib-nano).
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-none-eabi.cmake -DPYRT_CPU=cortex-m4 ...
#
# PYRT_CPU selects the core and its FPU/vector flags:
#   cortex-m0plus  -mcpu=cortex-m0plus                      (no FPU)
#   cortex-m3      -mcpu=cortex-m3                          (no FPU)
#   cortex-m4      -mcpu=cortex-m4  hard float fpv4-sp-d16
#   cortex-m7      -mcpu=cortex-m7  hard float fpv5-d16
#   cortex-m33     -mcpu=cortex-m33 hard float fpv5-sp-d16 (DSP)
#   cortex-m55     -mcpu=cortex-m55 hard float (FPU + MVE/Helium)
# The flags go into CMAKE_<LANG>_FLAGS_INIT so they reach compile AND link (multilib selection).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(PYRT_CPU "cortex-m4" CACHE STRING "Target Cortex-M core")
set_property(CACHE PYRT_CPU PROPERTY STRINGS
  cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33 cortex-m55)
# try_compile() projects re-read this file: forward the choice to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PYRT_CPU)

if(PYRT_CPU STREQUAL "cortex-m0plus")
  set(_pyrt_cpu_flags "-mcpu=cortex-m0plus -mfloat-abi=soft")
elseif(PYRT_CPU STREQUAL "cortex-m3")
  set(_pyrt_cpu_flags "-mcpu=cortex-m3 -mfloat-abi=soft")
elseif(PYRT_CPU STREQUAL "cortex-m4")
  set(_pyrt_cpu_flags "-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(PYRT_CPU STREQUAL "cortex-m7")
  set(_pyrt_cpu_flags "-mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-d16")
elseif(PYRT_CPU STREQUAL "cortex-m33")
  set(_pyrt_cpu_flags "-mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16")
elseif(PYRT_CPU STREQUAL "cortex-m55")
  # -mfpu=auto (the default) enables FP + MVE-F from -mcpu.
  set(_pyrt_cpu_flags "-mcpu=cortex-m55 -mfloat-abi=hard")
else()
  message(FATAL_ERROR "PYRT_CPU='${PYRT_CPU}' is not one of: "
    "cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33 cortex-m55")
endif()

set(PYRT_CPU_FLAGS "${_pyrt_cpu_flags}" CACHE INTERNAL "CPU flags for ${PYRT_CPU}")

find_program(CMAKE_C_COMPILER arm-none-eabi-gcc REQUIRED)
find_program(CMAKE_ASM_COMPILER arm-none-eabi-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER arm-none-eabi-g++)
find_program(CMAKE_OBJCOPY arm-none-eabi-objcopy)
find_program(CMAKE_SIZE arm-none-eabi-size)

set(CMAKE_C_FLAGS_INIT "-mthumb ${_pyrt_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_ASM_FLAGS_INIT "-mthumb ${_pyrt_cpu_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

# No host executables can run: test the compiler with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
