#ifndef PYRT_CRC32_H
#define PYRT_CRC32_H
#include <stddef.h>
#include <stdint.h>
uint32_t pyrt_crc32(const uint8_t *p, size_t n);
#endif
