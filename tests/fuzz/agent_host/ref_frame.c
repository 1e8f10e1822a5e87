/* ref_frame.c - plain reference implementation of the agent frame format (ref_frame.h). */
#include "ref_frame.h"

#include <string.h>

uint32_t ref_crc32(const uint8_t *p, size_t n)
{
  uint32_t c = 0xFFFFFFFFu;
  size_t i;
  int k;
  for (i = 0; i < n; i++) {
    c ^= p[i];
    for (k = 0; k < 8; k++) {
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
  }
  return ~c;
}

size_t ref_encode(uint8_t version, uint8_t type, uint16_t seq, const uint8_t *body, uint32_t n,
                  uint8_t *out)
{
  static uint8_t raw[REF_ENC_MAX + 8u];
  size_t len = 4u + n, o = 0, code_at, i;
  uint32_t crc;
  raw[0] = version;
  raw[1] = type;
  raw[2] = (uint8_t)seq;
  raw[3] = (uint8_t)(seq >> 8);
  memcpy(raw + 4, body, n);
  crc = ref_crc32(raw, len);
  for (i = 0; i < 4u; i++) {
    raw[len++] = (uint8_t)(crc >> (8u * i));
  }
  out[o++] = 0;
  code_at = o++;
  for (i = 0; i < len; i++) {
    if (raw[i] == 0u) {
      out[code_at] = (uint8_t)(o - code_at);
      code_at = o++;
    } else {
      out[o++] = raw[i];
      if (o - code_at == 255u) {
        out[code_at] = 255u;
        code_at = o++;
      }
    }
  }
  out[code_at] = (uint8_t)(o - code_at);
  out[o++] = 0;
  return o;
}

long ref_cobs_decode(const uint8_t *in, size_t n, uint8_t *out)
{
  size_t i = 0;
  long o = 0;
  while (i < n) {
    size_t code = in[i], k;
    if (code == 0u || i + code > n) {
      return -1;
    }
    for (k = 1; k < code; k++) {
      out[o++] = in[i + k];
    }
    i += code;
    if (code < 255u && i < n) {
      out[o++] = 0;
    }
  }
  return o;
}

int ref_parse(const uint8_t *raw, long n, ref_frame *f)
{
  if (n >= 4) {
    f->version = raw[0];
    f->type = raw[1];
    f->seq = (uint16_t)(raw[2] | (raw[3] << 8));
  }
  if (n < 8) {
    return 0;
  }
  f->crc = (uint32_t)raw[n - 4] | ((uint32_t)raw[n - 3] << 8) | ((uint32_t)raw[n - 2] << 16) |
           ((uint32_t)raw[n - 1] << 24);
  f->body_len = (uint32_t)(n - 8);
  memcpy(f->body, raw + 4, f->body_len);
  return ref_crc32(raw, (size_t)n - 4u) == f->crc;
}

int ref_split(const uint8_t *s, size_t n, ref_frame *frames, int max)
{
  static uint8_t raw[REF_ENC_MAX];
  size_t i = 0;
  int count = 0;
  while (i < n) {
    size_t j;
    long len;
    if (s[i] != 0u) {
      return -1; /* the device opens every frame with a delimiter */
    }
    for (j = i + 1u; j < n && s[j] != 0u; j++) {
    }
    if (j == n || j == i + 1u || j - i - 1u > REF_ENC_MAX || count == max) {
      return -1; /* unterminated, empty or oversized frame, or too many */
    }
    len = ref_cobs_decode(s + i + 1u, j - i - 1u, raw);
    if (len < 0 || !ref_parse(raw, len, &frames[count])) {
      return -1;
    }
    count++;
    i = j + 1u;
  }
  return count;
}
