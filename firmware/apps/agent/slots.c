/* slots.c - A/B model slots and the transfer journal on the flash region (see slots.h). */
#include "slots.h"

#include <string.h>

#include "bytes.h"
#include "flash.h"
#include "link.h"
#include "proto.h"

#define HDR_MAGIC 0x4C535950u /* "PYSL" */
#define HDR_VERSION 1u
#define HDR_BYTES 32u
#define JR_MAGIC 0x524A5950u /* "PYJR" */
#define JR_VERSION 1u
#define JR_BYTES 32u
#define MAX_ALIGN 16u /* largest program unit handled (tail and journal buffers) */

static slot_info info[SLOT_COUNT];
static slot_session sess;
static uint32_t slot_size, page;
/* journal layout in a header page: session record at jr_off, rec_count progress records of
 * rec_size bytes from rec_off; a progress point every `stride` data bytes (0: no journal) */
static uint32_t jr_off, rec_off, rec_size, rec_count, stride;

static uint32_t slot_base(uint8_t s) { return (uint32_t)s * slot_size; }

static uint32_t round_up(uint32_t v, uint32_t a) { return (v + a - 1u) / a * a; }

static const uint8_t *flash_at(uint32_t offset) { return flash_geometry_get()->base + offset; }

static int all_erased(const uint8_t *p, uint32_t n)
{
  uint32_t i;
  for (i = 0; i < n && p[i] == 0xFFu; i++) {
  }
  return i == n;
}

uint32_t slots_capacity(void) { return slot_size - page; }

const uint8_t *slots_data(uint8_t s) { return flash_at(slot_base(s) + page); }

const slot_info *slots_get(uint8_t s) { return &info[s]; }

const slot_session *slots_session(void) { return &sess; }

uint32_t slots_journal_stride(void) { return stride; }

static void scan(uint8_t s)
{
  const uint8_t *h = flash_at(slot_base(s));
  slot_info *si = &info[s];
  memset(si, 0, sizeof *si);
  if (rd32(h) != HDR_MAGIC || rd16(h + 4) != HDR_VERSION ||
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

/* Where the journal lives in a header page and how often it records progress: enough
 * records for every point of a full slot, one point per page if they fit. */
static void journal_layout(uint32_t align)
{
  uint32_t a = align < 8u ? 8u : align;
  uint32_t data_pages = slot_size / page - 1u;
  jr_off = round_up(HDR_BYTES, a);
  rec_off = jr_off + round_up(JR_BYTES, a);
  rec_size = a;
  rec_count = page > rec_off ? (page - rec_off) / rec_size : 0u;
  stride = 0;
  if (a <= MAX_ALIGN && rec_count >= 2u && data_pages > 0u) {
    stride = (data_pages + rec_count - 2u) / (rec_count - 1u) * page;
  }
}

int slots_init(void)
{
  const flash_geometry *g;
  int st = (int)flash_init();
  uint8_t s;
  g = flash_geometry_get();
  memset(&sess, 0, sizeof sess);
  memset(info, 0, sizeof info);
  page = g->page_size;
  slot_size = (g->size / SLOT_COUNT) & ~(page - 1u);
  stride = 0;
  /* a failed flash_init may still leave a usable (volatile) region: keep using it */
  if (page == 0u || (page & (page - 1u)) != 0u || g->prog_align == 0u ||
      (g->prog_align & (g->prog_align - 1u)) != 0u || g->prog_align > page ||
      slot_size < 2u * page) {
    slot_size = page = 0;
    return st != 0 ? st : FLASH_E_RANGE;
  }
  journal_layout(g->prog_align);
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

/* The 32-byte records of a header page (slot header, journal session record): magic, u16
 * version, u16 size, u32 total, u32 crc, u32 `word`, u8 b20, u8 b21, 0xFF.., u32 CRC. */
static void fill_record(uint8_t r[32], uint32_t magic, uint32_t version, uint32_t size,
                        uint32_t word, uint8_t b20, uint8_t b21)
{
  memset(r, 0xFF, 32);
  wr32(r, magic);
  wr16(r + 4, version);
  wr16(r + 6, size);
  wr32(r + 8, sess.total);
  wr32(r + 12, sess.crc);
  wr32(r + 16, word);
  r[20] = b20;
  r[21] = b21;
  wr32(r + 28, crc32_update(0, r, 28u));
}

static int is_point(uint32_t w, uint32_t total) { return w == total || w % stride == 0u; }

int slots_resume(uint8_t s)
{
  const uint8_t *h, *j;
  uint32_t total, i, last = 0, next = 0;
  if (stride == 0u || s >= SLOT_COUNT || info[s].valid) {
    return 0;
  }
  h = flash_at(slot_base(s));
  j = h + jr_off;
  if (!all_erased(h, HDR_BYTES)) {
    return 0; /* a header torn by a cut at COMMIT: only a fresh session can be committed */
  }
  if (rd32(j) != JR_MAGIC || rd16(j + 4) != JR_VERSION || rd16(j + 6) != rec_size ||
      crc32_update(0, j, 28u) != rd32(j + 28) || rd32(j + 16) != stride) {
    return 0;
  }
  total = rd32(j + 8);
  if (total == 0u || total > slots_capacity()) {
    return 0;
  }
  for (i = 0; i < rec_count; i++) {
    const uint8_t *r = h + rec_off + i * rec_size;
    uint32_t w = rd32(r);
    if (all_erased(r, rec_size)) {
      break; /* records are appended in order: the first erased one ends the journal */
    }
    next = i + 1u; /* a torn record is skipped, never programmed again */
    if (rd32(r + 4) == ~w && w > last && w <= total && is_point(w, total)) {
      last = w;
    }
  }
  memset(&sess, 0, sizeof sess);
  sess.open = 1;
  sess.resumed = 1;
  sess.slot = s;
  sess.total = total;
  sess.crc = rd32(j + 12);
  sess.written = last;
  sess.erased_end = round_up(last, page); /* the page at `last` may hold torn bytes */
  sess.journal_point = last;
  sess.journal_next = next;
  return 1;
}

/* Program the session record of a fresh session (its header page is erased). */
static int journal_start(void)
{
  uint8_t r[JR_BYTES + MAX_ALIGN];
  uint32_t n = round_up(JR_BYTES, rec_size);
  if (stride == 0u) {
    return ST_OK;
  }
  memset(r, 0xFF, sizeof r);
  fill_record(r, JR_MAGIC, JR_VERSION, rec_size, stride, 0xFFu, 0xFFu);
  return flash_program(slot_base(sess.slot) + jr_off, r, n) == FLASH_OK ? ST_OK : ST_E_FLASH;
}

/* Append a progress record when `written` has passed a new point (after the data is in
 * flash). Best effort: a failed record only means a resume starts earlier. */
static void journal_note(void)
{
  uint8_t r[MAX_ALIGN];
  uint32_t point;
  if (stride == 0u || sess.journal_next >= rec_count) {
    return;
  }
  point = sess.written == sess.total ? sess.total : sess.written - sess.written % stride;
  if (point <= sess.journal_point) {
    return;
  }
  memset(r, 0xFF, sizeof r);
  wr32(r, point);
  wr32(r + 4, ~point);
  if (flash_program(slot_base(sess.slot) + rec_off + sess.journal_next * rec_size, r,
                    rec_size) == FLASH_OK) {
    sess.journal_point = point;
  }
  sess.journal_next++; /* a failed record may be half programmed: never reuse it */
}

int slots_begin(uint32_t total, uint32_t crc, uint8_t target, int fresh)
{
  int st;
  if (slot_size == 0u || target >= SLOT_COUNT) {
    return ST_E_FLASH;
  }
  if (total == 0u || total > slots_capacity()) {
    return ST_E_TOO_BIG;
  }
  if (!fresh && sess.open && sess.total == total && sess.crc == crc && sess.slot == target) {
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
  st = journal_start();
  if (st != ST_OK) {
    memset(&sess, 0, sizeof sess);
  }
  return st;
}

int slots_write(uint32_t offset, const uint8_t *data, uint32_t len)
{
  const flash_geometry *g = flash_geometry_get();
  uint32_t base, end, skip;
  if (!sess.open) {
    return ST_E_STATE;
  }
  if (offset > sess.written) {
    return ST_E_OFFSET;
  }
  if (len > sess.total - offset) { /* offset <= written <= total */
    return ST_E_RANGE;
  }
  end = offset + len;
  if (offset % g->prog_align != 0u || (len % g->prog_align != 0u && end != sess.total)) {
    return ST_E_RANGE;
  }
  base = slot_base(sess.slot) + page;
  /* bytes already written (a retransmission): must be identical */
  skip = sess.written - offset < len ? sess.written - offset : len;
  if (memcmp(flash_at(base + offset), data, skip) != 0) {
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
      uint8_t tail[MAX_ALIGN];
      memset(tail, 0xFF, sizeof tail);
      if (g->prog_align > sizeof tail) {
        return ST_E_FLASH;
      }
      memcpy(tail, data + whole, len - whole);
      if (flash_program(base + offset + whole, tail, g->prog_align) != FLASH_OK) {
        return ST_E_FLASH;
      }
    }
  }
  sess.written = end;
  journal_note();
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
  fill_record(h, HDR_MAGIC, HDR_VERSION, HDR_BYTES, next, format_major, format_minor);
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

void slots_close_session(int discard)
{
  if (discard && sess.open && !info[sess.slot].valid) {
    (void)flash_erase_page(slot_base(sess.slot)); /* best effort: resume would fail anyway */
  }
  memset(&sess, 0, sizeof sess);
}

int slots_erase(uint8_t s)
{
  uint32_t off;
  if (slot_size == 0u || s >= SLOT_COUNT) {
    return ST_E_FLASH;
  }
  if (sess.open && sess.slot == s) {
    slots_close_session(0);
  }
  info[s].valid = 0;
  for (off = 0; off < slot_size; off += page) {
    /* skip pages already erased: saves flash wear and time */
    if (!all_erased(flash_at(slot_base(s) + off), page) &&
        flash_erase_page(slot_base(s) + off) != FLASH_OK) {
      return ST_E_FLASH;
    }
  }
  return ST_OK;
}
