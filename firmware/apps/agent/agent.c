/*
 * agent.c - request handling of the on-device agent (see agent.h, docs/serial_protocol.md).
 *
 * A request repeated with the same sequence number and CRC (the host retransmitting after a
 * lost response) gets the cached response again without being executed twice.
 */
#include "agent.h"

#include <string.h>

#include "board.h"
#include "bytes.h"
#include "flash.h"
#include "link.h"
#include "model.h"
#include "proto.h"
#include "pyruntime.h"
#include "slots.h"

static uint8_t active_slot;
static int flash_ok;
/* the previous request, to recognise a retransmission */
static uint16_t last_seq;
static uint8_t last_type;
static uint32_t last_crc;
static int have_last;
/* engine status and ticks of the last profiled invoke (PROFILE pages) */
static pyrt_status prof_pst;
static uint32_t prof_ticks;

uint8_t agent_active_slot(void) { return active_slot; }

static uint8_t *wrstr(uint8_t *p, const char *s)
{
  size_t n = strlen(s);
  if (n > 63u) {
    n = 63u;
  }
  *p++ = (uint8_t)n;
  memcpy(p, s, n);
  return p + n;
}

/* Activate the newest valid slot that the engine accepts. */
static void activate_best(void)
{
  uint8_t order[SLOT_COUNT];
  int i, n = slots_by_age(order);
  active_slot = SLOT_NONE;
  model_deactivate();
  for (i = 0; i < n; i++) {
    pyrt_status pst;
    int32_t idx;
    const slot_info *si = slots_get(order[i]);
    if (model_activate(slots_data(order[i]), si->len, &pst, &idx) == ST_OK) {
      active_slot = order[i];
      return;
    }
  }
}

/* The slot a new blob goes to: not the active one; with no active model, not the newest
 * valid one. */
static uint8_t target_slot(void)
{
  uint8_t order[SLOT_COUNT];
  if (active_slot != SLOT_NONE) {
    return (uint8_t)(1u - active_slot);
  }
  if (slots_by_age(order) > 0) {
    return (uint8_t)(1u - order[0]);
  }
  return 0;
}

static uint8_t info_flags(void)
{
  uint8_t flags = 0;
  if (flash_geometry_get()->persistent && flash_ok) {
    flags |= INFO_FLAG_PERSISTENT;
  }
  if (slots_session()->open) {
    flags |= INFO_FLAG_SESSION;
  }
  if (model_active()) {
    flags |= INFO_FLAG_MODEL;
  }
  if (slots_journal_stride() != 0u) {
    flags |= INFO_FLAG_JOURNAL;
  }
  return flags;
}

void agent_boot(void)
{
  uint8_t ready[4];
  link_init();
  have_last = 0;
  prof_pst = PYRT_OK;
  prof_ticks = 0;
  flash_ok = slots_init() == 0;
  activate_best();
  (void)slots_resume(target_slot()); /* a transfer cut by a reset continues where it stopped */
  /* tell a connected host that the device (re)started: a request it has in flight is lost */
  ready[0] = ST_OK;
  ready[1] = (uint8_t)PROTO_VERSION;
  ready[2] = info_flags();
  ready[3] = active_slot;
  link_send_small(TYPE_READY, 0, ready, sizeof ready);
}

static uint32_t do_info(uint8_t *b)
{
  const flash_geometry *g = flash_geometry_get();
  const slot_session *ss = slots_session();
  const link_stats *ls = link_get_stats();
  uint8_t codes[256], layouts[256];
  uint8_t *p = b, s;
  uint32_t n, i;
  *p++ = ST_OK;
  *p++ = (uint8_t)PROTO_VERSION;
  *p++ = PYRT_VERSION_MAJOR;
  *p++ = PYRT_VERSION_MINOR;
  *p++ = PYRT_VERSION_PATCH;
  *p++ = PYRT_FORMAT_MAJOR;
  *p++ = PYRT_FORMAT_MINOR;
  *p++ = info_flags();
  p = wr16(p, PROTO_MAX_DATA);
  *p++ = active_slot;
  *p++ = SLOT_COUNT;
  p = wr32(p, slots_capacity());
  p = wr32(p, model_arena_capacity());
  p = wr32(p, model_state_capacity());
  for (s = 0; s < SLOT_COUNT; s++) {
    const slot_info *si = slots_get(s);
    *p++ = si->valid;
    *p++ = si->format_major;
    *p++ = si->format_minor;
    *p++ = 0;
    p = wr32(p, si->len);
    p = wr32(p, si->crc);
    p = wr32(p, si->seq);
  }
  *p++ = ss->open;
  *p++ = ss->slot;
  p = wr16(p, 0);
  p = wr32(p, ss->total);
  p = wr32(p, ss->crc);
  p = wr32(p, ss->written);
  p = wr32(p, ls->frames_ok);
  p = wr32(p, ls->frames_bad);
  p = wrstr(p, PYRT_BOARD_NAME);
  p = wrstr(p, PYRT_CPU_NAME);
  p = wrstr(p, board_counter_name());
  p = wrstr(p, g->name);
  /* operator codes (protocol 1), then (code, layout-version mask) pairs */
  n = model_supported_ops(codes, layouts, 255u);
  *p++ = (uint8_t)n;
  memcpy(p, codes, n);
  p += n;
  *p++ = (uint8_t)n;
  for (i = 0; i < n; i++) {
    *p++ = codes[i];
    *p++ = layouts[i];
  }
  return (uint32_t)(p - b);
}

static uint32_t do_begin(const uint8_t *body, uint32_t len, uint8_t *b)
{
  const slot_session *ss = slots_session();
  if ((len != 8u && len != 9u) || (len == 9u && (body[8] & ~BEGIN_FRESH) != 0u)) {
    b[0] = ST_E_LENGTH;
    return 1;
  }
  b[0] = (uint8_t)slots_begin(rd32(body), rd32(body + 4), target_slot(),
                              len == 9u && (body[8] & BEGIN_FRESH) != 0u);
  b[1] = ss->slot;
  wr32(b + 2, ss->written);
  wr32(b + 6, slots_capacity());
  return 10;
}

static uint32_t do_commit(const uint8_t *body, uint32_t len, uint8_t *b)
{
  const slot_session *ss = slots_session();
  uint8_t *p = b + 1;
  pyrt_status pst = PYRT_OK;
  int32_t idx = -1;
  uint32_t crc = 0, seq = 0;
  int st;
  uint8_t slot = ss->slot;
  memset(b, 0, 15);
  if (len != 4u) {
    b[0] = ST_E_LENGTH;
    return 1;
  }
  if (!ss->open || ss->written != ss->total) {
    b[0] = ST_E_STATE;
    return 1;
  }
  if (rd32(body) != ss->crc || slots_crc(0, ss->total, &crc) != ST_OK || crc != ss->crc) {
    slots_close_session(1); /* flash content or host claim wrong: the host must start over */
    b[0] = ST_E_CRC;
    return 1;
  }
  st = model_activate(slots_data(slot), ss->total, &pst, &idx);
  if (st == ST_OK) {
    const uint8_t *blob = slots_data(slot);
    st = slots_commit(blob[4], blob[6], &seq); /* format major/minor: u16 at 4 and 6 */
  }
  if (st == ST_OK) {
    active_slot = slot;
  } else {
    activate_best(); /* the engine state now belongs to the rejected blob: restore */
  }
  slots_close_session(st != ST_OK); /* a refused blob is not resumed after a reset */
  b[0] = (uint8_t)st;
  *p++ = slot;
  p = wr32(p, seq);
  *p++ = (uint8_t)pst;
  p = wr32(p, (uint32_t)idx);
  return (uint32_t)(p - b);
}

static uint32_t do_run(uint8_t *b)
{
  pyrt_status pst = PYRT_OK;
  uint32_t ticks = 0, i, n, total;
  uint8_t *p = b + 1;
  int st = model_run(0, &pst, &ticks);
  b[0] = (uint8_t)st;
  *p++ = (uint8_t)pst;
  p = wr32(p, ticks);
  n = st == ST_OK ? model_io_count(1) : 0u;
  if (n > 16u) {
    n = 16u;
  }
  *p++ = (uint8_t)n;
  for (i = 0; i < n; i++) { /* type, rank, dims (i32 each), bytes */
    pyrt_tensor t;
    uint32_t d;
    memset(&t, 0, sizeof t);
    (void)model_io_tensor(1, i, &t);
    *p++ = t.type;
    *p++ = t.rank;
    for (d = 0; d < t.rank && d < PYRT_MAX_DIMS; d++) {
      p = wr32(p, (uint32_t)t.dims[d]);
    }
    p = wr32(p, t.bytes);
  }
  total = st == ST_OK ? model_io_bytes(1) : 0u;
  if (total != 0u && n == model_io_count(1) && (uint32_t)(p - b) + 1u + total <= PROTO_MAX_BODY) {
    *p++ = 1; /* outputs inline */
    model_io_access(1, 0, p, total);
    p += total;
  } else {
    *p++ = 0;
  }
  return (uint32_t)(p - b);
}

static uint32_t do_profile(const uint8_t *body, uint32_t len, uint8_t *b)
{
  const model_op_time *ops;
  uint32_t first, n, count, i;
  uint8_t *p = b + 1;
  int st = ST_OK;
  if (len != 2u) {
    b[0] = ST_E_LENGTH;
    return 1;
  }
  first = rd16(body);
  if (first == 0u) {
    st = model_run(1, &prof_pst, &prof_ticks);
  } else if (!model_active()) {
    st = ST_E_STATE;
  }
  n = model_profile(&ops);
  if (st != ST_OK) {
    n = 0;
  }
  count = first < n ? n - first : 0u;
  if (count > (PROTO_MAX_DATA - 16u) / 6u) {
    count = (PROTO_MAX_DATA - 16u) / 6u;
  }
  b[0] = (uint8_t)st;
  *p++ = (uint8_t)prof_pst;
  p = wr32(p, prof_ticks);
  p = wr16(p, n);
  p = wr16(p, first);
  p = wr16(p, count);
  for (i = 0; i < count; i++) {
    p = wr16(p, ops[first + i].code);
    p = wr32(p, ops[first + i].ticks);
  }
  return (uint32_t)(p - b);
}

static uint32_t do_erase(const uint8_t *body, uint32_t len, uint8_t *b)
{
  uint8_t s;
  int st = ST_OK;
  if (len != 5u) {
    b[0] = ST_E_LENGTH;
    return 1;
  }
  if (rd32(body) != ERASE_MAGIC || body[4] > ERASE_ALL) {
    b[0] = ST_E_MAGIC;
    return 1;
  }
  if (body[4] == ERASE_ALL) {
    model_deactivate();
    active_slot = SLOT_NONE;
  }
  for (s = 0; s < SLOT_COUNT && st == ST_OK; s++) {
    if (s != active_slot) {
      st = slots_erase(s);
    }
  }
  b[0] = (uint8_t)st;
  return 1;
}

/* WRITE and INPUT: u32 offset + at most PROTO_MAX_DATA bytes of data. */
static int data_length_ok(uint32_t len) { return len >= 4u && len - 4u <= PROTO_MAX_DATA; }

/* Execute one request; returns the response body length (written at b). */
static uint32_t dispatch(const link_frame *f, uint8_t *b)
{
  const uint8_t *body = f->body;
  uint32_t len = f->body_len, v;
  int st;
  switch (f->type) {
  case CMD_INFO:
    return do_info(b);
  case CMD_BEGIN:
    return do_begin(body, len, b);
  case CMD_WRITE:
    if (!data_length_ok(len)) {
      b[0] = ST_E_LENGTH;
      return 1;
    }
    b[0] = (uint8_t)slots_write(rd32(body), body + 4, len - 4u);
    wr32(b + 1, slots_session()->written);
    return 5;
  case CMD_VERIFY:
    if (len != 8u) {
      b[0] = ST_E_LENGTH;
      return 1;
    }
    v = 0;
    b[0] = (uint8_t)slots_crc(rd32(body), rd32(body + 4), &v);
    wr32(b + 1, v);
    wr32(b + 5, slots_session()->written);
    return 9;
  case CMD_COMMIT:
    return do_commit(body, len, b);
  case CMD_INPUT:
    if (!data_length_ok(len)) {
      b[0] = ST_E_LENGTH;
      return 1;
    }
    /* the tensor copy reads from the receive buffer, which stays valid until the next frame */
    st = model_io_access(0, rd32(body), (uint8_t *)(uintptr_t)(body + 4), len - 4u);
    b[0] = (uint8_t)st;
    wr32(b + 1, model_io_bytes(0));
    return 5;
  case CMD_RUN:
    if (len != 0u) {
      b[0] = ST_E_LENGTH;
      return 1;
    }
    return do_run(b);
  case CMD_OUTPUT:
    if (len != 8u || rd32(body + 4) > PROTO_MAX_DATA) {
      b[0] = ST_E_LENGTH;
      return 1;
    }
    v = rd32(body + 4);
    st = model_io_access(1, rd32(body), b + 1, v);
    b[0] = (uint8_t)st;
    return st == ST_OK ? 1u + v : 1u;
  case CMD_PROFILE:
    return do_profile(body, len, b);
  case CMD_ERASE:
    return do_erase(body, len, b);
  default:
    b[0] = ST_E_COMMAND;
    return 1;
  }
}

void agent_handle(const link_frame *f)
{
  if (have_last && f->seq == last_seq && f->type == last_type && f->crc == last_crc) {
    link_resend();
    return;
  }
  link_send((uint8_t)(f->type | RESP_FLAG), f->seq, dispatch(f, link_tx_body()));
  last_seq = f->seq;
  last_type = f->type;
  last_crc = f->crc;
  have_last = 1;
}
