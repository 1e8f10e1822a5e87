# QEMU mps3-an547 (cortex-m55). Numbers from /work/shared/REFERENCE.md section 3.
# The 16 MiB large-RAM window at 0x60000000 holds: the model blob (QEMU -device loader) at +0,
# the input file at +8 MiB, and the .bigram section (arena, state) from +9 MiB.
set(PYRT_BOARD_CPU cortex-m55)
set(PYRT_BOARD_QEMU_MACHINE mps3-an547)
set(PYRT_BOARD_QEMU_EXTRA "-global;mps2-fpgaio.prescale-clk=1000000000")
set(PYRT_BOARD_CODE_ORIGIN 0x10000000)
set(PYRT_BOARD_CODE_LENGTH 0x80000)
set(PYRT_BOARD_RAM_ORIGIN 0x30000000)
set(PYRT_BOARD_RAM_LENGTH 0x80000)
pyrt_board_bigram_window(0x60000000)
set(PYRT_BOARD_STACK_SIZE 0x8000)
set(PYRT_BOARD_NUM_IRQS 96)
set(PYRT_BOARD_SOURCES ${PYRT_FW_COMMON}/mps2/mps2_board.c ${PYRT_FW_COMMON}/semihost_exit.c)
set(PYRT_BOARD_DEFINES MPS2_UART_BASE=0x49303000u MPS2_FPGAIO_BASE=0x49302000u)
