/*
 * flash_qemu.c - flash region of the emulated boards (see flash.h).
 *
 * The region is a RAM mirror at the board's blob window (__pyrt_blob_addr, not part of any ELF
 * segment) backed by a host file through Arm semihosting: every erase and program is written
 * through (SYS_SEEK + SYS_WRITE) before it returns, so the file always holds what real flash
 * would hold if power were cut at that moment. The file name is taken from the semihosting
 * command line (SYS_GET_CMDLINE; QEMU -append "flash=PATH"); without one it is
 * "pyrt_flash.img" in QEMU's working directory. If the file cannot be opened the region stays
 * a volatile RAM flash (geometry.persistent = 0, name "qemu-ram").
 */
#include <string.h>

#include "flash.h"

#define FLASH_QEMU_SIZE (2u * 1024u * 1024u)
#define FLASH_QEMU_PAGE 4096u
#define FLASH_QEMU_ALIGN 8u

#define SYS_OPEN 0x01u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define SYS_SEEK 0x0Au
#define SYS_FLEN 0x0Cu
#define SYS_GET_CMDLINE 0x15u
#define MODE_RPLUS_B 3u /* "r+b" */
#define MODE_WPLUS_B 7u /* "w+b" */

extern const uint8_t __pyrt_blob_addr[];
extern const uint8_t __pyrt_blob_max[];

static flash_geometry geom;
static int initialised;
static int32_t fd = -1;
static char path[192];
static uint8_t erased_page[FLASH_QEMU_PAGE];

static int32_t semihost(uint32_t op, void *arg)
{
  register uint32_t r0 __asm("r0") = op;
  register void *r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

static uint8_t *mirror(void) { return (uint8_t *)(uintptr_t)__pyrt_blob_addr; }

static int file_seek(uint32_t pos)
{
  uint32_t a[2];
  a[0] = (uint32_t)fd;
  a[1] = pos;
  return semihost(SYS_SEEK, a) == 0;
}

static int file_write(uint32_t pos, const void *p, uint32_t n)
{
  uint32_t a[3];
  if (!file_seek(pos)) {
    return 0;
  }
  a[0] = (uint32_t)fd;
  a[1] = (uint32_t)(uintptr_t)p;
  a[2] = n;
  return semihost(SYS_WRITE, a) == 0; /* returns the number of bytes NOT written */
}

static uint32_t file_read(uint32_t pos, void *p, uint32_t n)
{
  uint32_t a[3];
  if (!file_seek(pos)) {
    return 0;
  }
  a[0] = (uint32_t)fd;
  a[1] = (uint32_t)(uintptr_t)p;
  a[2] = n;
  return n - (uint32_t)semihost(SYS_READ, a);
}

/* "flash=PATH" from the semihosting command line, else the default name. */
static void find_path(void)
{
  static char cmd[256];
  uint32_t a[2];
  const char *def = "pyrt_flash.img";
  size_t i, n;
  a[0] = (uint32_t)(uintptr_t)cmd;
  a[1] = sizeof cmd - 1u;
  memcpy(path, def, strlen(def) + 1u);
  if (semihost(SYS_GET_CMDLINE, a) != 0) {
    return;
  }
  n = a[1] < sizeof cmd - 1u ? a[1] : sizeof cmd - 1u;
  cmd[n] = '\0';
  for (i = 0; i + 6u <= n; i++) {
    if ((i == 0u || cmd[i - 1u] == ' ') && memcmp(cmd + i, "flash=", 6) == 0) {
      size_t j = 0;
      i += 6u;
      while (i < n && cmd[i] != ' ' && j + 1u < sizeof path) {
        path[j++] = cmd[i++];
      }
      path[j] = '\0';
      return;
    }
  }
}

static int32_t open_file(uint32_t mode)
{
  uint32_t a[3];
  a[0] = (uint32_t)(uintptr_t)path;
  a[1] = mode;
  a[2] = (uint32_t)strlen(path);
  return semihost(SYS_OPEN, a);
}

flash_status flash_init(void)
{
  uint32_t size = FLASH_QEMU_SIZE, have = 0, a[1], pos;
  int32_t flen;
  if (initialised) {
    return FLASH_OK;
  }
  if ((uint32_t)(uintptr_t)__pyrt_blob_max < size) {
    size = (uint32_t)(uintptr_t)__pyrt_blob_max & ~(FLASH_QEMU_PAGE - 1u);
  }
  memset(erased_page, 0xFF, sizeof erased_page);
  memset(mirror(), 0xFF, size);
  geom.base = mirror();
  geom.size = size;
  geom.page_size = FLASH_QEMU_PAGE;
  geom.prog_align = FLASH_QEMU_ALIGN;
  geom.persistent = 0;
  geom.name = "qemu-ram";
  initialised = 1;

  find_path();
  fd = open_file(MODE_RPLUS_B);
  if (fd < 0) {
    fd = open_file(MODE_WPLUS_B); /* new file: fully erased below */
    if (fd < 0) {
      return FLASH_E_IO;
    }
  }
  a[0] = (uint32_t)fd;
  flen = semihost(SYS_FLEN, a);
  if (flen > 0) {
    have = (uint32_t)flen < size ? (uint32_t)flen : size;
    if (file_read(0, mirror(), have) != have) {
      fd = -1;
      memset(mirror(), 0xFF, size);
      return FLASH_E_IO;
    }
  }
  /* a new or short file: extend it with erased pages */
  for (pos = have & ~(FLASH_QEMU_PAGE - 1u); pos < size; pos += FLASH_QEMU_PAGE) {
    if (!file_write(pos, mirror() + pos, FLASH_QEMU_PAGE)) {
      fd = -1;
      return FLASH_E_IO;
    }
  }
  geom.persistent = 1;
  geom.name = "qemu-file";
  return FLASH_OK;
}

const flash_geometry *flash_geometry_get(void) { return &geom; }

flash_status flash_erase_page(uint32_t offset)
{
  if (!initialised || offset % FLASH_QEMU_PAGE != 0u || offset >= geom.size) {
    return FLASH_E_RANGE;
  }
  memset(mirror() + offset, 0xFF, FLASH_QEMU_PAGE);
  if (fd >= 0 && !file_write(offset, erased_page, FLASH_QEMU_PAGE)) {
    return FLASH_E_IO;
  }
  return FLASH_OK;
}

flash_status flash_program(uint32_t offset, const void *data, uint32_t len)
{
  const uint8_t *src = (const uint8_t *)data;
  uint8_t *dst;
  uint32_t i;
  if (!initialised || offset % FLASH_QEMU_ALIGN != 0u || len % FLASH_QEMU_ALIGN != 0u ||
      offset > geom.size || len > geom.size - offset) {
    return FLASH_E_RANGE;
  }
  dst = mirror() + offset;
  for (i = 0; i < len; i++) {
    dst[i] = (uint8_t)(dst[i] & src[i]); /* NOR: programming only clears bits */
  }
  if (fd >= 0 && len != 0u && !file_write(offset, dst, len)) {
    return FLASH_E_IO;
  }
  return memcmp(dst, src, len) == 0 ? FLASH_OK : FLASH_E_VERIFY;
}

flash_status flash_read(uint32_t offset, void *dst, uint32_t len)
{
  if (!initialised || offset > geom.size || len > geom.size - offset) {
    return FLASH_E_RANGE;
  }
  memcpy(dst, mirror() + offset, len);
  return FLASH_OK;
}
