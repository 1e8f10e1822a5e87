/*
 * ref_frame.h - a second, deliberately plain implementation of the agent's frame format
 * (docs/serial_protocol.md "Frames") for the fuzz harnesses: they encode requests with it
 * and check the device's decoder and its output against it.
 */
#ifndef REF_FRAME_H
#define REF_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* largest encoded frame the device buffers (link.c ENC_MAX) */
#define REF_ENC_MAX (4120u + 4120u / 254u + 2u)
#define REF_WIRE_MAX (REF_ENC_MAX + 2u)

typedef struct {
  uint8_t version, type;
  uint16_t seq;
  uint32_t body_len;
  uint32_t crc;       /* the frame's CRC field */
  uint8_t body[REF_ENC_MAX];
} ref_frame;

/* CRC-32 as zlib, bit by bit. */
uint32_t ref_crc32(const uint8_t *p, size_t n);
/* 0x00 COBS(version type seq body crc) 0x00 into out (REF_WIRE_MAX bytes); returns the length. */
size_t ref_encode(uint8_t version, uint8_t type, uint16_t seq, const uint8_t *body, uint32_t n,
                  uint8_t *out);
/* COBS-decode n bytes (no delimiter inside) into out; decoded length, or -1 when malformed. */
long ref_cobs_decode(const uint8_t *in, size_t n, uint8_t *out);
/* Parse decoded bytes as a frame: 1 = header and CRC good (*f filled), 0 = too short or
 * bad CRC (f->seq and f->version filled when at least 4 bytes). */
int ref_parse(const uint8_t *raw, long n, ref_frame *f);
/* Split a device output stream into its frames; every frame must be delimited and intact.
 * Returns the number of frames (at most max) or -1 when the stream is malformed. */
int ref_split(const uint8_t *s, size_t n, ref_frame *frames, int max);

#endif /* REF_FRAME_H */
