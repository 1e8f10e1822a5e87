# ST NUCLEO-L4R5ZI: STM32L4R5ZI (Cortex-M4F, 2 MB flash in two 1 MB banks, 640 KB SRAM),
# clocked at 120 MHz (MSI 4 MHz -> PLL), console on LPUART1 PG7/PG8 = ST-LINK virtual COM port
# (115200 8N1), counter = DWT->CYCCNT (CPU cycles). Builds here; runs only on the board.
#
# Memory use (DBANK=1, the factory setting: two banks of 256 x 4 KB pages):
#   CODE  0x08000000  1 MB   flash bank 1: firmware
#   blob  0x08100000  1 MB   flash bank 2: the model blob, written by a programmer
#                            (st-flash write blob.bin 0x08100000) or by flash_l4.c from an app
#   RAM   0x20000000  192 KB SRAM1: .data, .bss, stack
#   input 0x20030000  64 KB  SRAM2 (alias of 0x10000000): optional input file (see runner)
#   BIG   0x20040000  384 KB SRAM3: .bigram (arena, state)
set(PYRT_BOARD_CPU cortex-m4)
set(PYRT_BOARD_QEMU_MACHINE "")
set(PYRT_BOARD_CODE_ORIGIN 0x08000000)
set(PYRT_BOARD_CODE_LENGTH 0x100000)
set(PYRT_BOARD_RAM_ORIGIN 0x20000000)
set(PYRT_BOARD_RAM_LENGTH 0x30000)
set(PYRT_BOARD_BIG_ORIGIN 0x20040000)
set(PYRT_BOARD_BIG_LENGTH 0x60000)
set(PYRT_BOARD_BLOB_ADDR 0x08100000)
set(PYRT_BOARD_BLOB_MAX 0x100000)
set(PYRT_BOARD_INPUT_ADDR 0x20030000)
set(PYRT_BOARD_INPUT_MAX 0x10000)
set(PYRT_BOARD_STACK_SIZE 0x4000)
set(PYRT_BOARD_ARENA_DEFAULT 368640)  # 360 KB of SRAM3; the state buffer takes 16 KB more
set(PYRT_BOARD_NUM_IRQS 95)
set(PYRT_BOARD_SOURCES ${PYRT_BOARD_DIR}/board.c ${PYRT_BOARD_DIR}/flash_l4.c)
