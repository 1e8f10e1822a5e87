/*
 * flash_nucleo_l4.c - flash region of the NUCLEO-L4R5ZI (see flash.h): flash bank 2
 * (0x08100000, 1 MB, 256 pages of 4 KB) through boards/nucleo_l4r5zi/flash_l4.c, while the
 * firmware runs from bank 1 (read-while-write). Programming is by 64-bit double words.
 */
#include <string.h>

#include "flash.h"
#include "flash_l4.h"

#define REGION_ADDR (FLASH_L4_BASE + FLASH_L4_BANK_SIZE)
#define REGION_SIZE FLASH_L4_BANK_SIZE

static const flash_geometry geom = {(const uint8_t *)(uintptr_t)REGION_ADDR, REGION_SIZE,
                                    FLASH_L4_PAGE_SIZE, 8u, 1u, "stm32l4-bank2"};

static flash_status map(flash_l4_status st)
{
  switch (st) {
  case FLASH_L4_OK:
    return FLASH_OK;
  case FLASH_L4_E_RANGE:
    return FLASH_E_RANGE;
  case FLASH_L4_E_VERIFY:
    return FLASH_E_VERIFY;
  default:
    return FLASH_E_IO;
  }
}

flash_status flash_init(void) { return FLASH_OK; }

const flash_geometry *flash_geometry_get(void) { return &geom; }

flash_status flash_erase_page(uint32_t offset)
{
  if (offset % FLASH_L4_PAGE_SIZE != 0u || offset >= REGION_SIZE) {
    return FLASH_E_RANGE;
  }
  return map(flash_l4_erase_page(REGION_ADDR + offset));
}

flash_status flash_program(uint32_t offset, const void *data, uint32_t len)
{
  if (offset > REGION_SIZE || len > REGION_SIZE - offset) {
    return FLASH_E_RANGE;
  }
  return map(flash_l4_program(REGION_ADDR + offset, data, len));
}

flash_status flash_read(uint32_t offset, void *dst, uint32_t len)
{
  if (offset > REGION_SIZE || len > REGION_SIZE - offset) {
    return FLASH_E_RANGE;
  }
  memcpy(dst, geom.base + offset, len);
  return FLASH_OK;
}
