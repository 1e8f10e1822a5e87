# QEMU mps2-an385 (cortex-m3). Numbers from /work/shared/REFERENCE.md section 3.
# The 16 MiB large-RAM window at 0x21000000 holds: the model blob (QEMU -device loader) at +0,
# the input file at +8 MiB, and the .bigram section (arena, state) from +9 MiB.
set(PYRT_BOARD_CPU cortex-m3)
set(PYRT_BOARD_QEMU_MACHINE mps2-an385)
set(PYRT_BOARD_QEMU_EXTRA "")
set(PYRT_BOARD_CODE_ORIGIN 0x00000000)
set(PYRT_BOARD_CODE_LENGTH 0x400000)
set(PYRT_BOARD_RAM_ORIGIN 0x20000000)
set(PYRT_BOARD_RAM_LENGTH 0x400000)
pyrt_board_bigram_window(0x21000000)
set(PYRT_BOARD_STACK_SIZE 0x8000)
set(PYRT_BOARD_NUM_IRQS 32)
set(PYRT_BOARD_SOURCES ${PYRT_FW_COMMON}/mps2/mps2_board.c ${PYRT_FW_COMMON}/semihost_exit.c)
set(PYRT_BOARD_DEFINES MPS2_UART_BASE=0x40004000u MPS2_FPGAIO_BASE=0x40028000u)
