/*
 * fuzz_dispatch.c - libFuzzer target for the agent's command dispatcher and A/B slot logic
 * (firmware/apps/agent/agent.c, slots.c, model.c with the real engine) on an in-memory NOR
 * flash (../agent_host/flash_mem.c) that loses power whenever the input says so.
 *
 * Input: byte 0 picks a flash geometry; then a sequence of steps (see step()): requests with
 * arbitrary types and bodies (sent as valid frames through link_feed), retransmissions,
 * transfers of three small blobs (two real models and a mutable copy of one), power cuts in
 * the middle of an erase or a program (the agent is then re-initialised from the flash
 * contents, as after a reset), flash failures and clean reboots.
 *
 * Invariants checked after every step and every reboot:
 *   - every request gets exactly one response (type | 0x80, same seq, status first), and a
 *     retransmitted request the same bytes as before;
 *   - a model is active exactly when an active slot is reported, and that slot has an intact
 *     header and data matching the header's CRC;
 *   - no erase or program touches the active slot, or lies outside the flash (flash_mem);
 *   - a session resumed from the journal after a reboot is one the host began, and every
 *     byte it claims as written is what the host sent for that session;
 *   - a committed model is byte for byte the blob the host sent.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "board_host.h"
#include "check.h"
#include "flash_mem.h"
#include "link.h"
#include "model.h"
#include "proto.h"
#include "ref_frame.h"
#include "slots.h"

#define CHECK_WHO "agent_dispatch"

extern const unsigned char model_a[], model_b[];
extern const unsigned int model_a_len, model_b_len;

static const struct {
  uint32_t size, page, align;
} geometries[] = {
    {64u * 1024u, 4096u, 8u}, /* the QEMU layout, scaled down: one progress point per page */
    {32u * 1024u, 1024u, 8u},
    {16u * 1024u, 256u, 8u},  /* journal records every 2 pages */
    {16u * 1024u, 256u, 16u}, /* 16-byte program unit: records every 3 pages */
    {16u * 1024u, 512u, 1u},
    {8u * 1024u, 64u, 8u},    /* header page too small for a journal */
};
#define N_GEOM (sizeof geometries / sizeof geometries[0])

/* ---- input reader ------------------------------------------------------------------- */
static const uint8_t *in;
static size_t in_n, in_pos;
static uint32_t next8(void) { return in_pos < in_n ? in[in_pos++] : 0u; }
static uint32_t next16(void) { return next8() | (next8() << 8); }

/* ---- the flash layout as the harness computes it ------------------------------------ */
static uint32_t slot_size, page;
static uint8_t *flash;
static uint32_t slot_base(uint8_t s) { return (uint32_t)s * slot_size; }

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

/* ---- blobs the steps transfer ------------------------------------------------------- */
static uint8_t mut[1024] __attribute__((aligned(16)));

static uint32_t mut_len;

/* sel % 5: model a, model b, the mutable copy with its blob CRC made right, the mutable copy
 * as it is, model a plus (sel / 5) % 16 bytes (a length that is no multiple of the program
 * unit: the blob's last program is padded) */
static const uint8_t *blob_src(uint32_t sel, uint32_t *len)
{
  static uint8_t tailed[1024 + 16] __attribute__((aligned(16)));
  switch (sel % 5u) {
  case 0:
    *len = model_a_len;
    return model_a;
  case 1:
    *len = model_b_len;
    return model_b;
  case 2: { /* the mutable copy with its blob CRC made right again */
    uint32_t total = rd32(mut + 8);
    if (total < 16u || total > mut_len) {
      total = mut_len;
    }
    wr32(mut + 12, ref_crc32(mut + 16, total - 16u));
    *len = mut_len;
    return mut;
  }
  case 3:
    *len = mut_len;
    return mut;
  default:
    memcpy(tailed, model_a, model_a_len);
    memset(tailed + model_a_len, 0xA5, 16);
    *len = model_a_len + (sel / 5u) % 16u;
    return tailed;
  }
}

/* ---- what the host sent per session: (total, crc, slot) -> bytes ------------------- */
#define N_SHADOW 16
static struct {
  int used;
  uint32_t total, crc;
  uint8_t slot;
  uint8_t data[FLASH_MEM_MAX / 2], known[FLASH_MEM_MAX / 2];
} shadow[N_SHADOW];
static int shadow_next;

static int shadow_find(uint32_t total, uint32_t crc, uint8_t slot)
{
  int i;
  for (i = 0; i < N_SHADOW; i++) {
    if (shadow[i].used && shadow[i].total == total && shadow[i].crc == crc &&
        shadow[i].slot == slot) {
      return i;
    }
  }
  return -1;
}

/* (total, crc) of every BEGIN sent, answered or not: a BEGIN cut by a power loss after its
 * session record was complete is resumed at 0 after the reboot */
static struct {
  uint32_t total, crc;
} begun[N_SHADOW];
static int begun_n;

static int was_begun(uint32_t total, uint32_t crc)
{
  int i;
  for (i = 0; i < begun_n && i < N_SHADOW; i++) {
    if (begun[i].total == total && begun[i].crc == crc) {
      return 1;
    }
  }
  return 0;
}

/* A fresh session for this key: nothing of it is written yet. */
static void shadow_reset(uint32_t total, uint32_t crc, uint8_t slot)
{
  int i = shadow_find(total, crc, slot);
  if (i < 0) {
    i = shadow_next;
    shadow_next = (shadow_next + 1) % N_SHADOW;
  }
  shadow[i].used = 1;
  shadow[i].total = total;
  shadow[i].crc = crc;
  shadow[i].slot = slot;
  memset(shadow[i].known, 0, sizeof shadow[i].known);
}

/* ---- invariants --------------------------------------------------------------------- */
static int slot_intact(uint8_t s, uint32_t *len)
{
  const uint8_t *h = flash + slot_base(s);
  *len = rd32(h + 8);
  return rd32(h) == 0x4C535950u && (h[4] | (h[5] << 8)) == 1 && ref_crc32(h, 28) == rd32(h + 28) &&
         *len != 0u && *len <= slot_size - page &&
         ref_crc32(flash + slot_base(s) + page, *len) == rd32(h + 12);
}

static void check_active(void)
{
  uint8_t a = agent_active_slot();
  uint32_t len;
  CHECK((a != SLOT_NONE) == (model_active() != 0), "active slot %u but model_active %d", a,
        model_active());
  if (a != SLOT_NONE) {
    CHECK(a < 2u && slot_intact(a, &len), "active slot %u fails its header or data CRC", a);
  }
}

/* Before every erase/program: never the active slot (its header page or its blob). */
static void guard(uint32_t offset, uint32_t len, int erase)
{
  uint8_t a = agent_active_slot();
  uint32_t lo, hi;
  if (a == SLOT_NONE || a > 1u) {
    return;
  }
  lo = slot_base(a);
  hi = lo + page + rd32(flash + lo + 8);
  if (hi > lo + slot_size) {
    hi = lo + slot_size;
  }
  CHECK(offset + len <= lo || offset >= hi, "%s [%u, %u) touches active slot %u [%u, %u)",
        erase ? "erase" : "program", (unsigned)offset, (unsigned)(offset + len), a,
        (unsigned)lo, (unsigned)hi);
}

/* After a reboot: a resumed session is one the host began, with the host's bytes. */
static void check_resumed(void)
{
  const slot_session *ss = slots_session();
  const uint8_t *data;
  uint32_t i;
  int k;
  if (!ss->open) {
    return;
  }
  CHECK(slots_journal_stride() != 0u, "a session resumed without a journal");
  CHECK(ss->written <= ss->total && ss->total <= slot_size - page && ss->slot < 2u,
        "resumed session slot %u written %u total %u", ss->slot, (unsigned)ss->written,
        (unsigned)ss->total);
  data = flash + slot_base(ss->slot) + page;
  k = shadow_find(ss->total, ss->crc, ss->slot);
  if (k < 0 && ss->written == 0u && was_begun(ss->total, ss->crc)) {
    shadow_reset(ss->total, ss->crc, ss->slot); /* a BEGIN whose answer the cut took */
    return;
  }
  if (k < 0) { /* only the journal of a committed transfer may outlive its history */
    CHECK(ss->written == ss->total && ref_crc32(data, ss->total) == ss->crc,
          "resumed an unknown session (total %u crc %08x slot %u) at %u", (unsigned)ss->total,
          (unsigned)ss->crc, ss->slot, (unsigned)ss->written);
    return;
  }
  for (i = 0; i < ss->written; i++) {
    CHECK(shadow[k].known[i] && shadow[k].data[i] == data[i],
          "resumed session claims byte %u (of %u written) the host %s", (unsigned)i,
          (unsigned)ss->written, shadow[k].known[i] ? "sent differently" : "never sent");
  }
}

/* ---- requests ----------------------------------------------------------------------- */
static jmp_buf cut_env;
static uint16_t seq;
static uint8_t req_wire[REF_WIRE_MAX];
static size_t req_n;
static uint8_t req_type;
static uint16_t req_seq;
static int have_req, rebooted_since_req;
static uint8_t last_tx[BOARD_HOST_TX_MAX];
static size_t last_tx_n;
static ref_frame resp;

static int trace; /* AGENT_FUZZ_TRACE=1: one line per request and reboot on stderr */

/* After agent_boot: the device announced itself, once (READY, seq 0, its state). */
static void check_ready(void)
{
  static ref_frame ready;
  size_t n;
  const uint8_t *tx = board_host_tx(&n);
  CHECK(ref_split(tx, n, &ready, 1) == 1 && ready.type == TYPE_READY && ready.seq == 0u &&
            ready.body_len == 4u && ready.body[0] == ST_OK &&
            ready.body[1] == PROTO_VERSION && ready.body[3] == agent_active_slot() &&
            ((ready.body[2] & INFO_FLAG_SESSION) != 0) == (slots_session()->open != 0),
        "no single READY frame describing the device after a boot");
  board_host_tx_reset();
}

static void reboot(void)
{
  flash_mem_disarm();
  board_host_tx_reset();
  agent_boot();
  check_ready();
  if (trace) {
    fprintf(stderr, "  reboot: active slot %u, session %s at %u\n", agent_active_slot(),
            slots_session()->open ? "resumed" : "none", (unsigned)slots_session()->written);
  }
  rebooted_since_req = 1;
  check_active();
  check_resumed();
}

/* Feed the request in req_wire to the agent. 1: answered (resp holds the response),
 * 0: the power was cut on the way (the agent has rebooted). */
static int exchange(int repeat)
{
  static link_frame f;
  static size_t i;
  static int handled;
  const uint8_t *tx;
  size_t n;
  board_host_tx_reset();
  handled = 0;
  if (setjmp(cut_env) != 0) {
    if (trace) {
      fprintf(stderr, "  type 0x%02x seq %u: power cut\n", req_type, req_seq);
    }
    reboot();
    return 0;
  }
  for (i = 0; i < req_n; i++) {
    if (link_feed(req_wire[i], &f)) {
      handled++;
      agent_handle(&f);
    }
  }
  CHECK(handled == 1, "one request frame was decoded %d times", handled);
  tx = board_host_tx(&n);
  CHECK(ref_split(tx, n, &resp, 1) == 1, "request type %u: no single well-formed response",
        req_type);
  CHECK(resp.type == (uint8_t)(req_type | RESP_FLAG) && resp.seq == req_seq &&
            resp.body_len >= 1u && resp.body_len <= PROTO_MAX_BODY,
        "request type %u seq %u answered with type %u seq %u, %u bytes", req_type, req_seq,
        resp.type, resp.seq, (unsigned)resp.body_len);
  if (repeat && !rebooted_since_req) {
    CHECK(n == last_tx_n && memcmp(tx, last_tx, n) == 0,
          "a retransmitted request got a different response");
  }
  if (trace) {
    fprintf(stderr, "  type 0x%02x seq %u%s -> status %u, %u B, active slot %u\n", req_type,
            req_seq, repeat ? " (again)" : "", resp.body[0], (unsigned)resp.body_len,
            agent_active_slot());
  }
  memcpy(last_tx, tx, n);
  last_tx_n = n;
  rebooted_since_req = 0;
  check_active();
  return 1;
}

static uint8_t body[PROTO_MAX_FRAME];
static uint8_t req_body[PROTO_MAX_FRAME];
static uint32_t req_len;

/* Send a new request (repeat = 0) or the previous one again, same seq (repeat = 1), with the
 * host's bookkeeping of BEGIN and WRITE. 1: answered, 0: cut by a power loss. */
/* An INFO response is laid out as docs/serial_protocol.md says, to its last byte, and
 * agrees with the agent's state. */
static void check_info(const ref_frame *r)
{
  const uint8_t *b = r->body;
  uint32_t pos = 24u + 2u * 16u + 24u, i, n;
  const slot_session *ss = slots_session();
  CHECK(r->body_len > pos && b[10] == agent_active_slot() && b[11] == 2u &&
            b[pos - 24] == ss->open && rd32(b + pos - 12) == ss->written,
        "INFO header or session fields wrong");
  for (i = 0; i < 4u; i++) { /* board, cpu, counter, flash names */
    CHECK(pos < r->body_len && b[pos] <= 63u, "INFO string %u", (unsigned)i);
    pos += 1u + b[pos];
  }
  CHECK(pos < r->body_len, "INFO ends before its operator list");
  n = b[pos];
  CHECK(pos + 1u + n < r->body_len && b[pos + 1u + n] == n &&
            pos + 2u + 3u * n == r->body_len,
        "INFO operator tables: %u codes, body %u B", (unsigned)n, (unsigned)r->body_len);
  for (i = 0; i < n; i++) {
    CHECK(b[pos + 2u + n + 2u * i] == b[pos + 1u + i] && b[pos + 3u + n + 2u * i] != 0u &&
              (i == 0u || b[pos + 1u + i] > b[pos + i]),
          "INFO layout table entry %u", (unsigned)i);
  }
}

static int host_send(uint8_t type, const uint8_t *b, uint32_t len, int repeat)
{
  static uint8_t old_data[FLASH_MEM_MAX / 2], old_known[FLASH_MEM_MAX / 2];
  const slot_session *ss = slots_session();
  int k = -1, answered;
  uint32_t offset = 0, n = 0;
  if (!repeat) {
    req_type = type;
    req_seq = ++seq;
    memmove(req_body, b, len);
    req_len = len;
    req_n = ref_encode(PROTO_VERSION, type, req_seq, req_body, len, req_wire);
    have_req = 1;
  }
  if (!repeat && type == CMD_BEGIN && len >= 8u && !was_begun(rd32(b), rd32(b + 4))) {
    begun[begun_n % N_SHADOW].total = rd32(b);
    begun[begun_n % N_SHADOW].crc = rd32(b + 4);
    begun_n++;
  }
  if (req_type == CMD_WRITE && req_len >= 4u && ss->open) {
    offset = rd32(req_body);
    n = req_len - 4u;
    k = shadow_find(ss->total, ss->crc, ss->slot);
    if (offset > sizeof shadow[0].data || n > sizeof shadow[0].data - offset) {
      k = -1;
    }
  }
  /* written bytes are the session's from the moment the device accepts them: a power cut
   * only strikes after its checks passed, and the reboot inside exchange() already checks
   * the journal against the shadow */
  if (k >= 0) {
    memcpy(old_data, shadow[k].data + offset, n);
    memcpy(old_known, shadow[k].known + offset, n);
    memcpy(shadow[k].data + offset, req_body + 4, n);
    memset(shadow[k].known + offset, 1, n);
  }
  answered = exchange(repeat);
  if (answered && req_type == CMD_INFO && resp.body[0] == ST_OK) {
    check_info(&resp);
  }
  if (k >= 0 && answered && resp.body[0] != ST_OK) { /* refused: nothing of it was kept */
    memcpy(shadow[k].data + offset, old_data, n);
    memcpy(shadow[k].known + offset, old_known, n);
  }
  if (req_type == CMD_BEGIN && answered && resp.body[0] == ST_OK && resp.body_len == 10u) {
    uint32_t total = rd32(req_body), crc = rd32(req_body + 4), written = rd32(resp.body + 2);
    if (written == 0u) {
      shadow_reset(total, crc, resp.body[1]);
    } else {
      CHECK(shadow_find(total, crc, resp.body[1]) >= 0 &&
                !(req_len == 9u && (req_body[8] & BEGIN_FRESH) != 0u),
            "BEGIN kept a session at %u the host never began", (unsigned)written);
    }
  }
  return answered;
}

static int begin(uint32_t total, uint32_t crc, int fresh)
{
  wr32(body, total);
  wr32(body + 4, crc);
  body[8] = BEGIN_FRESH;
  return host_send(CMD_BEGIN, body, fresh ? 9u : 8u, 0);
}

static int write_chunk(uint32_t offset, const uint8_t *data, uint32_t len)
{
  wr32(body, offset);
  memcpy(body + 4, data, len);
  return host_send(CMD_WRITE, body, 4u + len, 0);
}

static int commit(const uint8_t *blob, uint32_t len)
{
  uint32_t crc = ref_crc32(blob, len);
  wr32(body, 0);
  wr32(body + 4, len);
  if (!host_send(CMD_VERIFY, body, 8u, 0)) {
    return 0;
  }
  wr32(body, crc);
  if (!host_send(CMD_COMMIT, body, 4u, 0)) {
    return 0;
  }
  if (resp.body[0] == ST_OK) {
    uint8_t s = resp.body[1];
    CHECK(agent_active_slot() == s && rd32(flash + slot_base(s) + 8) == len &&
              memcmp(flash + slot_base(s) + page, blob, len) == 0,
          "COMMIT OK but slot %u does not hold the %u-byte blob sent", s, (unsigned)len);
  }
  return 1;
}

/* BEGIN, WRITE in chunks from where the device stands, VERIFY, COMMIT. */
static void transfer(const uint8_t *blob, uint32_t len, uint32_t chunk, int fresh)
{
  uint32_t pos, guard_n = 0;
  if (!begin(len, ref_crc32(blob, len), fresh) || resp.body[0] != ST_OK) {
    return;
  }
  pos = rd32(resp.body + 2);
  while (pos < len && guard_n++ < 64u) {
    uint32_t n = len - pos < chunk ? len - pos : chunk;
    if (!write_chunk(pos, blob + pos, n) ||
        (resp.body[0] != ST_OK && resp.body[0] != ST_E_OFFSET)) {
      return;
    }
    pos = rd32(resp.body + 1);
  }
  (void)commit(blob, len);
}

static void step(void)
{
  uint32_t op = next8(), len, n, i;
  const uint8_t *blob;
  switch (op % 12u) {
  case 0: /* any request: type, u16 length, body */
    op = next8();
    n = next16() % (PROTO_MAX_FRAME - PROTO_HDR - PROTO_CRC + 1u);
    for (i = 0; i < n; i++) {
      body[i] = (uint8_t)next8();
    }
    (void)host_send((uint8_t)op, body, n, 0);
    break;
  case 1: /* retransmit the last request */
    if (have_req) {
      (void)host_send(0, NULL, 0, 1);
    }
    break;
  case 2: { /* power cut in a coming erase/program */
    uint32_t after = next8() % 16u, torn = next16();
    flash_mem_arm_cut(after, torn, (uint8_t)next8(), &cut_env);
    break;
  }
  case 3:
    reboot();
    break;
  case 4: /* BEGIN for a blob, maybe fresh */
    blob = blob_src(next8(), &len);
    (void)begin(len, ref_crc32(blob, len), (int)(next8() & 1u));
    break;
  case 5: { /* WRITE part of a blob */
    uint32_t off;
    blob = blob_src(next8(), &len);
    off = next16() * 8u % (len + 8u);
    n = next16() % (PROTO_MAX_DATA + 1u);
    if (off > len) {
      off = len;
    }
    if (n > len - off) {
      n = len - off;
    }
    (void)write_chunk(off, blob + off, n);
    break;
  }
  case 6: /* VERIFY + COMMIT of a blob */
    blob = blob_src(next8(), &len);
    (void)commit(blob, len);
    break;
  case 7: /* an erase/program fails */
    flash_mem_arm_fail(next8() % 16u);
    break;
  case 8: /* patch the mutable blob */
    i = next16() % mut_len;
    mut[i] = (uint8_t)next8();
    break;
  case 9: /* INPUT from the input bytes, then RUN */
    n = next8();
    wr32(body, 0);
    for (i = 0; i < n; i++) {
      body[4 + i] = (uint8_t)next8();
    }
    if (host_send(CMD_INPUT, body, 4u + n, 0)) {
      (void)host_send(CMD_RUN, body, 0u, 0);
    }
    break;
  case 10: { /* a whole transfer, in chunks of 8..4096 bytes */
    uint32_t chunk = (next16() % 512u + 1u) * 8u;
    blob = blob_src(next8(), &len);
    transfer(blob, len, chunk, (int)(next8() & 1u));
    break;
  }
  default: /* ERASE inactive / all */
    wr32(body, ERASE_MAGIC);
    body[4] = (uint8_t)(next8() & 1u);
    (void)host_send(CMD_ERASE, body, 5u, 0);
    break;
  }
}

/* The two models must be blobs this engine runs, or most of the target is out of reach. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  static uint8_t copy[1024] __attribute__((aligned(16)));
  pyrt_status pst;
  int32_t idx;
  int i;
  (void)argc;
  (void)argv;
  for (i = 0; i < 2; i++) {
    uint32_t len = i == 0 ? model_a_len : model_b_len;
    CHECK(len <= sizeof copy, "model %c is %u B", 'a' + i, (unsigned)len);
    memcpy(copy, i == 0 ? model_a : model_b, len);
    CHECK(model_activate(copy, len, &pst, &idx) == ST_OK,
          "the engine refuses model_%c.blob (engine status %d): remake the blobs with "
          "tests/fuzz/agent_host/make_models.py (build.sh does when .venv exists)",
          'a' + i, (int)pst);
    model_deactivate();
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint32_t g, steps = 0;
  trace = getenv("AGENT_FUZZ_TRACE") != NULL;
  in = data;
  in_n = size;
  in_pos = 0;
  g = next8() % N_GEOM;
  flash_mem_setup(geometries[g].size, geometries[g].page, geometries[g].align);
  flash = flash_mem_bytes();
  page = geometries[g].page;
  slot_size = (geometries[g].size / 2u) & ~(page - 1u);
  memset(shadow, 0, sizeof shadow);
  shadow_next = 0;
  begun_n = 0;
  memcpy(mut, model_a, model_a_len);
  mut_len = model_a_len;
  seq = 0;
  have_req = 0;
  board_host_tx_reset();
  agent_boot();
  check_ready();
  rebooted_since_req = 1;
  check_active();
  flash_mem_set_hook(guard);
  while (in_pos < in_n && steps++ < 256u) {
    step();
  }
  return 0;
}
