/* STM32L4+ flash driver (see flash_l4.h). Register use per RM0432 section "Flash memory":
 * FLASH_KEYR unlock keys 0x45670123, 0xCDEF89AB; FLASH_SR: EOP 0, OPERR 1, PROGERR 3,
 * WRPERR 4, PGAERR 5, SIZERR 6, PGSERR 7, MISERR 8, FASTERR 9, RDERR 14, OPTVERR 15, BSY 16;
 * FLASH_CR: PG 0, PER 1, PNB 10:3, BKER 11, STRT 16, LOCK 31; FLASH_OPTR: DBANK 22. */
#include <string.h>

#include "flash_l4.h"
#include "stm32l4r5_regs.h"

#define SR_EOP (1u << 0)
#define SR_ERRORS 0xC3FAu /* OPERR PROGERR WRPERR PGAERR SIZERR PGSERR MISERR FASTERR RDERR OPTVERR */
#define SR_BSY (1u << 16)
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_PNB_SHIFT 3
#define CR_BKER (1u << 11)
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)
#define OPTR_DBANK (1u << 22)

static uint32_t last_sr;

uint32_t flash_l4_last_sr(void) { return last_sr; }

static void wait_idle(void)
{
  while ((FLASH_SR & SR_BSY) != 0u) {
  }
}

static flash_l4_status begin(void)
{
  if ((FLASH_OPTR & OPTR_DBANK) == 0u) {
    return FLASH_L4_E_MODE;
  }
  wait_idle();
  FLASH_SR = SR_ERRORS | SR_EOP; /* clear stale flags (write 1 to clear) */
  if ((FLASH_CR & CR_LOCK) != 0u) {
    FLASH_KEYR = 0x45670123u;
    FLASH_KEYR = 0xCDEF89ABu;
    if ((FLASH_CR & CR_LOCK) != 0u) {
      return FLASH_L4_E_LOCKED;
    }
  }
  return FLASH_L4_OK;
}

static flash_l4_status end(uint32_t cr_bits)
{
  uint32_t sr;
  wait_idle();
  sr = FLASH_SR;
  FLASH_CR &= ~cr_bits;
  FLASH_CR |= CR_LOCK;
  FLASH_SR = SR_ERRORS | SR_EOP;
  if ((sr & SR_ERRORS) != 0u) {
    last_sr = sr;
    return FLASH_L4_E_HW;
  }
  return FLASH_L4_OK;
}

flash_l4_status flash_l4_erase_page(uint32_t addr)
{
  uint32_t off, bank, page, cr;
  flash_l4_status st;
  if (addr < FLASH_L4_BASE || addr >= FLASH_L4_BASE + FLASH_L4_SIZE) {
    return FLASH_L4_E_RANGE;
  }
  off = addr - FLASH_L4_BASE;
  bank = off / FLASH_L4_BANK_SIZE;
  page = (off % FLASH_L4_BANK_SIZE) / FLASH_L4_PAGE_SIZE;
  st = begin();
  if (st != FLASH_L4_OK) {
    return st;
  }
  cr = FLASH_CR & ~((0xFFu << CR_PNB_SHIFT) | CR_BKER | CR_PG | CR_PER);
  cr |= CR_PER | (page << CR_PNB_SHIFT) | (bank != 0u ? CR_BKER : 0u);
  FLASH_CR = cr;
  FLASH_CR = cr | CR_STRT;
  return end(CR_PER | CR_BKER | (0xFFu << CR_PNB_SHIFT));
}

flash_l4_status flash_l4_erase(uint32_t addr, uint32_t len)
{
  uint32_t a = addr & ~(FLASH_L4_PAGE_SIZE - 1u);
  if (len == 0u) {
    return FLASH_L4_OK;
  }
  if (addr < FLASH_L4_BASE || len > FLASH_L4_BASE + FLASH_L4_SIZE - addr) {
    return FLASH_L4_E_RANGE;
  }
  for (; a < addr + len; a += FLASH_L4_PAGE_SIZE) {
    flash_l4_status st = flash_l4_erase_page(a);
    if (st != FLASH_L4_OK) {
      return st;
    }
  }
  return FLASH_L4_OK;
}

flash_l4_status flash_l4_program(uint32_t addr, const void *data, uint32_t len)
{
  const uint8_t *src = (const uint8_t *)data;
  flash_l4_status st;
  uint32_t i;
  if ((addr & 7u) != 0u || (len & 7u) != 0u || addr < FLASH_L4_BASE ||
      len > FLASH_L4_BASE + FLASH_L4_SIZE - addr) {
    return FLASH_L4_E_RANGE;
  }
  st = begin();
  if (st != FLASH_L4_OK) {
    return st;
  }
  FLASH_CR |= CR_PG;
  for (i = 0; i < len; i += 8u) {
    uint32_t lo, hi;
    volatile uint32_t *dst = (volatile uint32_t *)(uintptr_t)(addr + i);
    memcpy(&lo, src + i, 4);
    memcpy(&hi, src + i + 4u, 4);
    /* one double word: first word then second word, back to back */
    dst[0] = lo;
    dst[1] = hi;
    wait_idle();
    if ((FLASH_SR & SR_ERRORS) != 0u) {
      return end(CR_PG);
    }
    FLASH_SR = SR_EOP;
  }
  st = end(CR_PG);
  if (st != FLASH_L4_OK) {
    return st;
  }
  if (memcmp((const void *)(uintptr_t)addr, data, len) != 0) {
    return FLASH_L4_E_VERIFY;
  }
  return FLASH_L4_OK;
}
