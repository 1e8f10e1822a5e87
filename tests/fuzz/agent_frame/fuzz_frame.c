/*
 * fuzz_frame.c - libFuzzer target for the agent's frame decoder (firmware/apps/agent/link.c):
 * COBS, CRC, length limits and the receive state machine, fed arbitrary byte streams.
 *
 * Input: the byte stream the UART delivers. Every byte goes through link_feed; a plain
 * reference decoder (../agent_host/ref_frame.c) runs beside it and must agree on every
 * accepted frame (type, seq, body, CRC), on every NAK the device sends (seq, status) and on
 * the statistics. The input's first bytes also choose a response the device then encodes
 * (link_send) and that must decode back, through the device's decoder and the reference one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_host.h"
#include "check.h"
#include "link.h"
#include "proto.h"
#include "ref_frame.h"

#define CHECK_WHO "agent_frame"

/* the reference receiver's state */
static uint8_t ref_buf[REF_ENC_MAX];
static size_t ref_n;
static int ref_over;
static uint32_t ref_ok, ref_bad;
static uint8_t raw[REF_ENC_MAX];
static ref_frame want, got_tx[4];

/* What the reference expects from one more byte: 1 = a good frame (in want), 0 = none;
 * *nak = status of the NAK the device must send (0: none), *nak_seq its seq. */
static int ref_feed(uint8_t c, uint8_t *nak, uint16_t *nak_seq)
{
  long len;
  int good;
  *nak = 0;
  if (c != 0u) {
    if (ref_n < sizeof ref_buf) {
      ref_buf[ref_n++] = c;
    } else {
      ref_over = 1;
    }
    return 0;
  }
  if (ref_n == 0u && !ref_over) {
    return 0;
  }
  good = 0;
  if (ref_over) {
    ref_bad++;
  } else {
    len = ref_cobs_decode(ref_buf, ref_n, raw);
    memset(&want, 0, sizeof want);
    if (ref_parse(raw, len, &want) && want.version == PROTO_VERSION) {
      ref_ok++;
      good = 1;
    } else {
      ref_bad++;
      if (len >= 8 && want.version != PROTO_VERSION &&
          ref_crc32(raw, (size_t)len - 4u) == want.crc) {
        *nak = ST_E_VERSION;
      } else if (len >= 4) {
        *nak = ST_E_FRAME;
      }
      *nak_seq = want.seq;
    }
  }
  ref_n = 0;
  ref_over = 0;
  return good;
}

static void check_nak(uint8_t nak, uint16_t nak_seq)
{
  size_t n;
  const uint8_t *tx = board_host_tx(&n);
  int frames = ref_split(tx, n, got_tx, 4);
  CHECK(frames == (nak != 0u ? 1 : 0), "expected %d NAK(s), device sent %d frame(s)",
        nak != 0u, frames);
  if (nak != 0u) {
    CHECK(got_tx[0].type == TYPE_NAK && got_tx[0].seq == nak_seq && got_tx[0].body_len == 2u &&
              got_tx[0].body[0] == nak && got_tx[0].body[1] == PROTO_VERSION,
          "NAK type %u seq %u status %u, expected seq %u status %u", got_tx[0].type,
          got_tx[0].seq, got_tx[0].body[0], nak_seq, nak);
  }
  board_host_tx_reset();
}

static void check_frame(const link_frame *f, const ref_frame *r)
{
  CHECK(f->type == r->type && f->seq == r->seq && f->crc == r->crc &&
            f->body_len == r->body_len && memcmp(f->body, r->body, r->body_len) == 0,
        "frame differs from the reference: type %u/%u seq %u/%u len %u/%u", f->type, r->type,
        f->seq, r->seq, (unsigned)f->body_len, (unsigned)r->body_len);
}

/* Encode a response with the device, decode it with the reference and the device. */
static void roundtrip(const uint8_t *data, size_t size)
{
  static ref_frame back;
  size_t n, i, len = 0;
  const uint8_t *tx;
  link_frame f;
  int good = 0;
  uint8_t type = size > 0u ? data[0] : 0x81u;
  uint16_t seq = size > 2u ? (uint16_t)(data[1] | (data[2] << 8)) : 7u;
  if (size > 3u) {
    len = size - 3u < PROTO_MAX_BODY ? size - 3u : PROTO_MAX_BODY;
    memcpy(link_tx_body(), data + 3, len);
  }
  board_host_tx_reset();
  link_send(type, seq, (uint32_t)len);
  tx = board_host_tx(&n);
  CHECK(ref_split(tx, n, &back, 1) == 1, "a response does not decode with the reference");
  CHECK(back.type == type && back.seq == seq && back.body_len == len &&
            memcmp(back.body, data + 3, len) == 0 && back.version == PROTO_VERSION,
        "response changed on the way: type %u seq %u len %u", back.type, back.seq,
        (unsigned)back.body_len);
  /* the device decodes its own encoding; the copy matters: link_feed reuses its buffers */
  {
    static uint8_t wire[REF_WIRE_MAX];
    memcpy(wire, tx, n);
    link_init();
    board_host_tx_reset();
    for (i = 0; i < n; i++) {
      good += link_feed(wire[i], &f);
    }
    CHECK(good == 1, "the device accepted %d frames of its own single response", good);
    check_frame(&f, &back);
    CHECK(board_host_tx(&n) != NULL && n == 0u, "the device NAKed its own response");
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t i;
  link_frame f;
  link_init();
  board_host_tx_reset();
  ref_n = 0;
  ref_over = 0;
  ref_ok = ref_bad = 0;
  for (i = 0; i < size; i++) {
    uint8_t nak;
    uint16_t nak_seq = 0;
    int expect = ref_feed(data[i], &nak, &nak_seq);
    int got = link_feed(data[i], &f);
    CHECK(got == expect, "byte %zu: device %s a frame the reference %s", i,
          got ? "accepted" : "refused", expect ? "accepts" : "refuses");
    if (got) {
      check_frame(&f, &want);
      CHECK(f.body_len <= REF_ENC_MAX, "body of %u bytes", (unsigned)f.body_len);
    }
    check_nak(nak, nak_seq);
  }
  {
    const link_stats *st = link_get_stats();
    CHECK(st->frames_ok == ref_ok && st->frames_bad == ref_bad,
          "stats ok %u bad %u, reference ok %u bad %u", (unsigned)st->frames_ok,
          (unsigned)st->frames_bad, (unsigned)ref_ok, (unsigned)ref_bad);
  }
  roundtrip(data, size);
  return 0;
}
