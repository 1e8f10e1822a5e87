/* STM32L4R5/L4S5 (L4+) flash erase/program driver, dual-bank mode (DBANK = 1: two banks of
 * 256 pages of 4 KB; bank 1 at 0x08000000, bank 2 at 0x08100000 on 2 MB parts).
 * Programming is by 64-bit double words (8-byte aligned, written as two 32-bit words, the
 * ECC is computed per double word: a double word can only be written once after erase).
 * Run the code from one bank while erasing/programming the other (read-while-write). */
#ifndef FLASH_L4_H
#define FLASH_L4_H

#include <stddef.h>
#include <stdint.h>

#define FLASH_L4_BASE 0x08000000u
#define FLASH_L4_SIZE 0x200000u
#define FLASH_L4_BANK_SIZE 0x100000u
#define FLASH_L4_PAGE_SIZE 4096u

typedef enum {
  FLASH_L4_OK = 0,
  FLASH_L4_E_RANGE = 1,   /* address outside flash, or misaligned */
  FLASH_L4_E_MODE = 2,    /* DBANK = 0 (single-bank mode) is not supported */
  FLASH_L4_E_LOCKED = 3,  /* unlock sequence refused */
  FLASH_L4_E_HW = 4,      /* error flags in FLASH_SR after the operation (see flash_l4_last_sr) */
  FLASH_L4_E_VERIFY = 5   /* read-back differs */
} flash_l4_status;

/* Erase the 4 KB page containing addr. */
flash_l4_status flash_l4_erase_page(uint32_t addr);
/* Erase every page overlapping [addr, addr + len). */
flash_l4_status flash_l4_erase(uint32_t addr, uint32_t len);
/* Program len bytes (multiple of 8) at addr (8-aligned, erased), then verify. */
flash_l4_status flash_l4_program(uint32_t addr, const void *data, uint32_t len);
/* FLASH_SR as it was after the last failed operation. */
uint32_t flash_l4_last_sr(void);

#endif /* FLASH_L4_H */
