/* link.c - COBS framing, CRC32 and the receive/transmit buffers (see link.h). */
#include "link.h"

#include <string.h>

#include "board.h"
#include "proto.h"

/* COBS adds at most one byte per 254 plus the delimiter */
#define ENC_MAX (PROTO_MAX_FRAME + PROTO_MAX_FRAME / 254u + 2u)

static uint32_t crc_table[256];
static uint8_t rx[ENC_MAX];
static uint32_t rx_n;       /* encoded bytes gathered since the last delimiter */
static uint8_t rx_overflow; /* the current frame is longer than ENC_MAX: drop it */
static uint8_t tx[PROTO_MAX_FRAME];
static uint32_t tx_len;
static link_stats stats;

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
  size_t i;
  crc = ~crc;
  for (i = 0; i < n; i++) {
    crc = crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

void link_init(void)
{
  uint32_t i, k, c;
  for (i = 0; i < 256u; i++) {
    c = i;
    for (k = 0; k < 8u; k++) {
      c = (c & 1u) != 0u ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    crc_table[i] = c;
  }
  rx_n = 0;
  rx_overflow = 0;
  tx_len = 0;
  memset(&stats, 0, sizeof stats);
}

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* In-place COBS decode of n bytes; returns the decoded length or -1 when malformed. */
static int32_t cobs_decode(uint8_t *buf, uint32_t n)
{
  uint32_t i = 0, o = 0;
  while (i < n) {
    uint32_t code = buf[i++], k;
    if (code == 0u || code - 1u > n - i) {
      return -1;
    }
    for (k = 1; k < code; k++) {
      buf[o++] = buf[i++];
    }
    if (code != 0xFFu && i < n) {
      buf[o++] = 0u;
    }
  }
  return (int32_t)o;
}

uint8_t *link_tx_body(void) { return tx + PROTO_HDR; }

/* COBS-encode buf[0, len) on the fly between two delimiters: each code byte is the distance to
 * the next zero (at most 255 = 254 data bytes and no zero). */
static void send_encoded(const uint8_t *buf, uint32_t len)
{
  uint32_t i = 0;
  uart_putc(0);
  while (i <= len) {
    uint32_t j = i, code;
    while (j < len && buf[j] != 0u && j - i < 254u) {
      j++;
    }
    code = j - i + 1u;
    uart_putc((char)code);
    for (; i < j; i++) {
      uart_putc((char)buf[i]);
    }
    if (code != 0xFFu) {
      i++; /* skip the zero (or step past the end) */
    } else if (i == len) {
      break;
    }
  }
  uart_putc(0);
}

static uint32_t finish_frame(uint8_t *buf, uint8_t type, uint16_t seq, uint32_t body_len)
{
  uint32_t n = PROTO_HDR + body_len, crc;
  buf[0] = (uint8_t)PROTO_VERSION;
  buf[1] = type;
  buf[2] = (uint8_t)(seq & 0xFFu);
  buf[3] = (uint8_t)(seq >> 8);
  crc = crc32_update(0, buf, n);
  buf[n++] = (uint8_t)crc;
  buf[n++] = (uint8_t)(crc >> 8);
  buf[n++] = (uint8_t)(crc >> 16);
  buf[n++] = (uint8_t)(crc >> 24);
  return n;
}

/* NAKs and announcements have their own buffer: they must not replace the cached last
 * response. */
void link_send_small(uint8_t type, uint16_t seq, const uint8_t *body, uint32_t n)
{
  uint8_t f[PROTO_HDR + LINK_SMALL_MAX + PROTO_CRC];
  if (n > LINK_SMALL_MAX) {
    n = LINK_SMALL_MAX;
  }
  memcpy(f + PROTO_HDR, body, n);
  send_encoded(f, finish_frame(f, type, seq, n));
}

static void send_nak(uint16_t seq, uint8_t status)
{
  uint8_t b[2];
  b[0] = status;
  b[1] = (uint8_t)PROTO_VERSION;
  link_send_small(TYPE_NAK, seq, b, 2u);
}

void link_resend(void)
{
  if (tx_len != 0u) {
    send_encoded(tx, tx_len);
  }
}

void link_send(uint8_t type, uint16_t seq, uint32_t body_len)
{
  if (body_len > PROTO_MAX_BODY) {
    body_len = PROTO_MAX_BODY; /* never reached: every response is bounded */
  }
  tx_len = finish_frame(tx, type, seq, body_len);
  link_resend();
}

/* The bytes between two delimiters: a good frame (1), or damage handled here (0). */
static int finish_rx(link_frame *f)
{
  int32_t len;
  uint16_t seq;
  if (rx_overflow) {
    stats.frames_bad++;
    return 0;
  }
  len = cobs_decode(rx, rx_n);
  if (len < (int32_t)(PROTO_HDR + PROTO_CRC)) {
    stats.frames_bad++;
    if (len >= 4) {
      send_nak((uint16_t)(rx[2] | (rx[3] << 8)), ST_E_FRAME);
    }
    return 0;
  }
  seq = (uint16_t)(rx[2] | (rx[3] << 8));
  f->crc = rd32(rx + len - 4);
  if (crc32_update(0, rx, (size_t)len - 4u) != f->crc) {
    stats.frames_bad++;
    send_nak(seq, ST_E_FRAME);
    return 0;
  }
  if (rx[0] != PROTO_VERSION) {
    stats.frames_bad++;
    send_nak(seq, ST_E_VERSION);
    return 0;
  }
  stats.frames_ok++;
  f->type = rx[1];
  f->seq = seq;
  f->body = rx + PROTO_HDR;
  f->body_len = (uint32_t)len - PROTO_HDR - PROTO_CRC;
  return 1;
}

int link_feed(uint8_t c, link_frame *f)
{
  int good;
  if (c != 0u) {
    if (rx_n < ENC_MAX) {
      rx[rx_n++] = c;
    } else {
      rx_overflow = 1;
      stats.bytes_dropped++;
    }
    return 0;
  }
  if (rx_n == 0u && !rx_overflow) {
    return 0; /* empty frame: two delimiters in a row */
  }
  good = finish_rx(f);
  rx_n = 0;
  rx_overflow = 0;
  return good;
}

void link_receive(link_frame *f)
{
  while (!link_feed((uint8_t)uart_getc(), f)) {
  }
}

const link_stats *link_get_stats(void) { return &stats; }
