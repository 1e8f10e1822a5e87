/* flash_mem.c - in-memory NOR flash with power cuts for the agent fuzz targets (see
 * flash_mem.h). */
#include "flash_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t region[FLASH_MEM_MAX] __attribute__((aligned(16)));
static flash_geometry geom;
static uint32_t ops;
static int cut_armed, fail_armed;
static uint32_t cut_after, cut_torn, fail_after;
static uint8_t cut_noise;
static jmp_buf *cut_env;
static flash_mem_hook hook;

static void die(const char *what, uint32_t offset, uint32_t len)
{
  fprintf(stderr, "flash_mem: %s at offset %u length %u (region %u B, page %u, align %u)\n",
          what, (unsigned)offset, (unsigned)len, (unsigned)geom.size, (unsigned)geom.page_size,
          (unsigned)geom.prog_align);
  abort();
}

void flash_mem_setup(uint32_t size, uint32_t page, uint32_t align)
{
  if (size > FLASH_MEM_MAX || page == 0u || size % page != 0u || align == 0u) {
    die("bad geometry", 0, size);
  }
  memset(region, 0xFF, sizeof region);
  geom.base = region;
  geom.size = size;
  geom.page_size = page;
  geom.prog_align = align;
  geom.persistent = 1;
  geom.name = "host-mem";
  ops = 0;
  hook = NULL;
  flash_mem_disarm();
}

uint8_t *flash_mem_bytes(void) { return region; }

void flash_mem_arm_cut(uint32_t after, uint32_t torn, uint8_t noise, jmp_buf *env)
{
  cut_armed = 1;
  cut_after = after;
  cut_torn = torn;
  cut_noise = noise;
  cut_env = env;
}

void flash_mem_arm_fail(uint32_t after)
{
  fail_armed = 1;
  fail_after = after;
}

void flash_mem_disarm(void) { cut_armed = fail_armed = 0; }

void flash_mem_set_hook(flash_mem_hook h) { hook = h; }

uint32_t flash_mem_ops(void) { return ops; }

/* Count one operation; 1 when an armed failure hits it. A cut never returns. */
static int operation(uint8_t *dst, const uint8_t *src, uint32_t len)
{
  ops++;
  if (cut_armed && cut_after-- == 0u) {
    uint32_t done = len != 0u ? cut_torn % len : 0u;
    uint32_t i;
    cut_armed = 0;
    for (i = 0; i < done; i++) {
      dst[i] = src != NULL ? (uint8_t)(dst[i] & src[i]) : 0xFFu;
    }
    if (done < len) { /* the byte being changed when the power went */
      dst[done] = src != NULL ? (uint8_t)(dst[done] & (src[done] | cut_noise))
                              : (uint8_t)(dst[done] | cut_noise);
    }
    longjmp(*cut_env, 1);
  }
  if (fail_armed && fail_after-- == 0u) {
    fail_armed = 0;
    return 1;
  }
  return 0;
}

flash_status flash_init(void) { return geom.size != 0u ? FLASH_OK : FLASH_E_IO; }

const flash_geometry *flash_geometry_get(void) { return &geom; }

flash_status flash_erase_page(uint32_t offset)
{
  if (offset % geom.page_size != 0u || offset >= geom.size) {
    die("erase outside the region or misaligned", offset, geom.page_size);
  }
  if (hook != NULL) {
    hook(offset, geom.page_size, 1);
  }
  if (operation(region + offset, NULL, geom.page_size)) {
    return FLASH_E_IO;
  }
  memset(region + offset, 0xFF, geom.page_size);
  return FLASH_OK;
}

flash_status flash_program(uint32_t offset, const void *data, uint32_t len)
{
  const uint8_t *src = (const uint8_t *)data;
  uint32_t i;
  if (offset % geom.prog_align != 0u || len % geom.prog_align != 0u || offset > geom.size ||
      len > geom.size - offset) {
    die("program outside the region or misaligned", offset, len);
  }
  if (hook != NULL) {
    hook(offset, len, 0);
  }
  if (operation(region + offset, src, len)) {
    return FLASH_E_IO;
  }
  for (i = 0; i < len; i++) {
    region[offset + i] = (uint8_t)(region[offset + i] & src[i]);
  }
  return memcmp(region + offset, src, len) == 0 ? FLASH_OK : FLASH_E_VERIFY;
}

flash_status flash_read(uint32_t offset, void *dst, uint32_t len)
{
  if (offset > geom.size || len > geom.size - offset) {
    return FLASH_E_RANGE;
  }
  memcpy(dst, region + offset, len);
  return FLASH_OK;
}
