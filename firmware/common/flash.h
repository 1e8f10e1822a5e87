/*
 * flash.h - the page-based flash abstraction used by the agent's A/B model slots.
 *
 * A board provides one region of NOR-like flash: `size` bytes in pages of `page_size`
 * bytes, memory-mapped at `base` (the engine runs a model in place from it). Semantics
 * follow real NOR flash: an erased page reads 0xFF; programming can only clear bits
 * (implementations AND the new data into the old); a program must be `prog_align`-aligned
 * in offset and length. All offsets are relative to the start of the region.
 *
 * Implementations:
 *   flash_qemu.c       emulated boards: a RAM mirror in the board's blob window, written
 *                      through to a host file with semihosting (SYS_OPEN/READ/WRITE/SEEK/FLEN)
 *                      on every erase and program, so that killing QEMU at any moment leaves
 *                      the file as real flash would be. File name: the token "flash=PATH" of
 *                      the semihosting command line (QEMU -append), default "pyrt_flash.img".
 *   flash_nucleo_l4.c  NUCLEO-L4R5ZI: flash bank 2 (0x08100000, 1 MB) through flash_l4.c.
 */
#ifndef PYRT_FLASH_H
#define PYRT_FLASH_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  FLASH_OK = 0,
  FLASH_E_RANGE = 1, /* offset/length outside the region or misaligned */
  FLASH_E_IO = 2,    /* host file (QEMU) or flash controller (hardware) error */
  FLASH_E_VERIFY = 3 /* read-back after program differs */
} flash_status;

typedef struct {
  const uint8_t *base; /* memory-mapped address of offset 0 */
  uint32_t size;       /* bytes in the region */
  uint32_t page_size;  /* erase unit */
  uint32_t prog_align; /* program unit (offset and length multiple of it) */
  uint8_t persistent;  /* 1: contents survive a reset/power cycle */
  const char *name;    /* "qemu-file", "qemu-ram", "stm32l4-bank2" */
} flash_geometry;

/* Bring the region up (QEMU: open/create the backing file and load it). Idempotent. */
flash_status flash_init(void);
const flash_geometry *flash_geometry_get(void);
/* Erase the page that starts at `offset` (page-aligned). */
flash_status flash_erase_page(uint32_t offset);
/* Program `len` bytes at `offset` (both multiples of prog_align; target bytes erased). */
flash_status flash_program(uint32_t offset, const void *data, uint32_t len);
/* Copy `len` bytes from `offset` (any alignment). */
flash_status flash_read(uint32_t offset, void *dst, uint32_t len);

#endif /* PYRT_FLASH_H */
