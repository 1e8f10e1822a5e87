/* link.h - framing of the agent protocol: COBS frames delimited by 0x00, each carrying
 * version, type, seq, body and a CRC32 (docs/serial_protocol.md, section "Frames").
 *
 * Receiving is a byte-fed state machine (link_feed) so that it runs unchanged on the board
 * (link_receive pulls bytes from the UART) and on a host (tests/fuzz/agent_frame feeds
 * arbitrary byte streams). Transmitting goes through the board's uart_putc. */
#ifndef AGENT_LINK_H
#define AGENT_LINK_H

#include <stddef.h>
#include <stdint.h>

/* zlib-compatible CRC-32: crc32_update(0, p, n) == zlib.crc32(p); chainable. */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

typedef struct {
  uint8_t type;
  uint16_t seq;
  const uint8_t *body; /* valid until the next link_feed / link_receive */
  uint32_t body_len;
  uint32_t crc; /* CRC field of the frame (identifies a retransmitted request) */
} link_frame;

typedef struct {
  uint32_t frames_ok, frames_bad, bytes_dropped;
} link_stats;

/* Reset the receiver, the statistics and the cached response (as after a reset). */
void link_init(void);
/* Feed one received byte. Returns 1 when it completed a frame with a good CRC and protocol
 * version (then *f describes it), else 0. Damaged frames are answered with a NAK, oversized
 * ones dropped up to the next delimiter; empty frames (two delimiters in a row) ignored. */
int link_feed(uint8_t c, link_frame *f);
/* Block until a good frame arrives (link_feed over uart_getc). */
void link_receive(link_frame *f);
/* Body area of the transmit buffer (PROTO_MAX_BODY bytes). */
uint8_t *link_tx_body(void);
/* Send the response in the transmit buffer: type, seq, body_len bytes of link_tx_body(). */
void link_send(uint8_t type, uint16_t seq, uint32_t body_len);
/* Send the last response again (a retransmitted request). */
void link_resend(void);
/* Send a frame of at most LINK_SMALL_MAX body bytes without touching the cached response
 * (NAKs, the READY announcement). */
#define LINK_SMALL_MAX 16u
void link_send_small(uint8_t type, uint16_t seq, const uint8_t *body, uint32_t n);
const link_stats *link_get_stats(void);

#endif /* AGENT_LINK_H */
