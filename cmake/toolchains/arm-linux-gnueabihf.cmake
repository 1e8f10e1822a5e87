# Cortex-A, 32-bit Linux user space, hard float with NEON (arm-linux-gnueabihf-gcc).
# Run the results with  qemu-arm -L /usr/arm-linux-gnueabihf ./prog
# PYRT_A32_CPU (cache, default cortex-a7) picks -mcpu; Debian's armhf compiler defaults to Thumb-2.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)

set(PYRT_A32_CPU "cortex-a7" CACHE STRING "-mcpu for armhf (cortex-a7, cortex-a9, cortex-a53, ...)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PYRT_A32_CPU)

find_program(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})

set(CMAKE_C_FLAGS_INIT "-mcpu=${PYRT_A32_CPU} -mfpu=neon -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")

set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm;-L;/usr/arm-linux-gnueabihf)
