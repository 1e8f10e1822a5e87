/* slots.c - A/B model slots on the flash region (see slots.h). */
#include "slots.h"

#include <string.h>

#include "flash.h"
#include "link.h"
#include "proto.h"

#define HDR_MAGIC 0x4C535950u /* "PYSL" */
#define HDR_VERSION 1u
#define HDR_BYTES 32u

static slot_info info[SLOT_COUNT];
static slot_session sess;
static uint32_t slot_size, page;

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void wr32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t slot_base(uint8_t s) { return (uint32_t)s * slot_size; }

uint32_t slots_capacity(void) { return slot_size - page; }

const uint8_t *slots_data(uint8_t s) { return flash_geometry_get()->base + slot_base(s) + page; }

const slot_info *slots_get(uint8_t s) { return &info[s]; }

const slot_session *slots_session(void) { return &sess; }

static void scan(uint8_t s)
{
  const uint8_t *h = flash_geometry_get()->base + slot_base(s);
  slot_info *si = &info[s];
  memset(si, 0, sizeof *si);
  if (rd32(h) != HDR_MAGIC || (rd32(h + 4) & 0xFFFFu) != HDR_VERSION ||
      crc32_update(0, h, 28u) != rd32(h + 28)) {
    return;
  }
  si->len = rd32(h + 8);
  si->crc = rd32(h + 12);
  si->seq = rd32(h + 16);
  si->format_major = h[20];
  si->format_minor = h[21];
  if (si->len == 0u || si->len > slots_capacity()) {
    return;
  }
  si->valid = crc32_update(0, slots_data(s), si->len) == si->crc;
}

int slots_init(void)
{
  const flash_geometry *g;
  int st = (int)flash_init();
  uint8_t s;
  g = flash_geometry_get();
  page = g->page_size;
  slot_size = (g->size / SLOT_COUNT) & ~(page - 1u);
  for (s = 0; s < SLOT_COUNT; s++) {
    scan(s);
  }
  return st;
}

int slots_by_age(uint8_t order[SLOT_COUNT])
{
  int n = 0;
  if (info[0].valid) {
    order[n++] = 0;
  }
  if (info[1].valid) {
    if (n == 1 && info[1].seq > info[0].seq) {
      order[1] = order[0];
      order[0] = 1;
      n = 2;
    } else {
      order[n++] = 1;
    }
  }
  return n;
}

int slots_begin(uint32_t total, uint32_t crc, uint8_t target)
{
  if (total == 0u || total > slots_capacity()) {
    return ST_E_TOO_BIG;
  }
  if (sess.open && sess.total == total && sess.crc == crc && sess.slot == target) {
    return ST_OK; /* resume: the host continues at sess.written */
  }
  memset(&sess, 0, sizeof sess);
  /* invalidate the target first: its old header must never describe new data */
  info[target].valid = 0;
  if (flash_erase_page(slot_base(target)) != FLASH_OK) {
    return ST_E_FLASH;
  }
  sess.open = 1;
  sess.slot = target;
  sess.total = total;
  sess.crc = crc;
  return ST_OK;
}

int slots_write(uint32_t offset, const uint8_t *data, uint32_t len)
{
  const flash_geometry *g = flash_geometry_get();
  uint32_t base, end = offset + len, skip;
  if (!sess.open) {
    return ST_E_STATE;
  }
  if (offset > sess.written) {
    return ST_E_OFFSET;
  }
  if (offset > sess.total || len > sess.total - offset) {
    return ST_E_RANGE;
  }
  if (offset % g->prog_align != 0u || (len % g->prog_align != 0u && end != sess.total)) {
    return ST_E_RANGE;
  }
  base = slot_base(sess.slot) + page;
  /* bytes already written (a retransmission): must be identical */
  skip = sess.written - offset < len ? sess.written - offset : len;
  if (memcmp(g->base + base + offset, data, skip) != 0) {
    return ST_E_MISMATCH;
  }
  offset += skip;
  data += skip;
  len -= skip;
  if (len == 0u) {
    return ST_OK;
  }
  while (sess.erased_end < end) {
    if (flash_erase_page(base + sess.erased_end) != FLASH_OK) {
      return ST_E_FLASH;
    }
    sess.erased_end += page;
  }
  {
    uint32_t whole = len & ~(g->prog_align - 1u);
    if (whole != 0u && flash_program(base + offset, data, whole) != FLASH_OK) {
      return ST_E_FLASH;
    }
    if (whole != len) { /* the blob's last bytes: pad the program unit with 0xFF */
      uint8_t tail[16];
      memset(tail, 0xFF, sizeof tail);
      memcpy(tail, data + whole, len - whole);
      if (g->prog_align > sizeof tail ||
          flash_program(base + offset + whole, tail, g->prog_align) != FLASH_OK) {
        return ST_E_FLASH;
      }
    }
  }
  sess.written = end;
  return ST_OK;
}

int slots_crc(uint32_t offset, uint32_t len, uint32_t *crc)
{
  if (!sess.open) {
    return ST_E_STATE;
  }
  if (offset > sess.written || len > sess.written - offset) {
    return ST_E_RANGE;
  }
  *crc = crc32_update(0, slots_data(sess.slot) + offset, len);
  return ST_OK;
}

int slots_commit(uint8_t format_major, uint8_t format_minor, uint32_t *seq)
{
  uint8_t h[HDR_BYTES];
  uint8_t other = (uint8_t)(1u - sess.slot);
  uint32_t next = 1;
  if (!sess.open || sess.written != sess.total) {
    return ST_E_STATE;
  }
  if (info[other].valid) {
    next = info[other].seq + 1u;
  }
  memset(h, 0xFF, sizeof h);
  wr32(h, HDR_MAGIC);
  h[4] = (uint8_t)HDR_VERSION;
  h[5] = 0;
  h[6] = (uint8_t)HDR_BYTES;
  h[7] = 0;
  wr32(h + 8, sess.total);
  wr32(h + 12, sess.crc);
  wr32(h + 16, next);
  h[20] = format_major;
  h[21] = format_minor;
  wr32(h + 28, crc32_update(0, h, 28u));
  /* the commit point: one program of the header */
  if (flash_program(slot_base(sess.slot), h, HDR_BYTES) != FLASH_OK) {
    return ST_E_FLASH;
  }
  scan(sess.slot);
  if (!info[sess.slot].valid) {
    return ST_E_CRC;
  }
  *seq = next;
  return ST_OK;
}

void slots_close_session(void) { memset(&sess, 0, sizeof sess); }

int slots_erase(uint8_t s)
{
  uint32_t off;
  if (sess.open && sess.slot == s) {
    slots_close_session();
  }
  info[s].valid = 0;
  for (off = 0; off < slot_size; off += page) {
    /* skip pages already erased: saves flash wear and time */
    const uint8_t *p = flash_geometry_get()->base + slot_base(s) + off;
    uint32_t i;
    for (i = 0; i < page && p[i] == 0xFFu; i++) {
    }
    if (i != page && flash_erase_page(slot_base(s) + off) != FLASH_OK) {
      return ST_E_FLASH;
    }
  }
  return ST_OK;
}
