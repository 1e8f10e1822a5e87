/*
 * slots.h - two model slots (A/B) in the flash region (firmware/common/flash.h).
 *
 * The region is split in two equal slots. Each slot = one header page + data pages; the blob
 * starts at the second page (page-aligned, so 16-byte aligned for the engine). Header (32 B,
 * little-endian, docs/serial_protocol.md "Slots"):
 *   0 magic "PYSL"  4 u16 header version (1)  6 u16 header bytes (32)  8 u32 blob length
 *  12 u32 blob CRC32  16 u32 sequence number  20 u8 format major  21 u8 format minor
 *  22 u16 0xFFFF  24 u32 0xFFFFFFFF  28 u32 CRC32 of bytes [0, 28)
 * A slot is valid when its header is intact and the CRC of its data matches. A new blob is
 * written into the inactive slot: BEGIN erases that slot's header page first, data pages are
 * erased as writing reaches them, and the header is programmed last (COMMIT), with sequence
 * number = newest + 1. A power cut at any point therefore leaves either the old header (old
 * model still newest) or a complete new one.
 */
#ifndef AGENT_SLOTS_H
#define AGENT_SLOTS_H

#include <stdint.h>

#define SLOT_COUNT 2
#define SLOT_NONE 0xFFu

typedef struct {
  uint8_t valid;
  uint8_t format_major, format_minor;
  uint32_t len, crc, seq;
} slot_info;

typedef struct {
  uint8_t open;
  uint8_t slot;
  uint32_t total, crc, written;
  uint32_t erased_end; /* data bytes [0, erased_end) of the slot are erased or written */
} slot_session;

/* flash_init + scan both slots. Returns the flash status (0 = ok). */
int slots_init(void);
uint32_t slots_capacity(void); /* data bytes per slot */
const uint8_t *slots_data(uint8_t slot);
const slot_info *slots_get(uint8_t slot);
/* Valid slots, newest first; returns how many (0..2). */
int slots_by_age(uint8_t order[SLOT_COUNT]);
const slot_session *slots_session(void);

/* Protocol operations; each returns a ST_* status of proto.h. */
int slots_begin(uint32_t total, uint32_t crc, uint8_t target);
int slots_write(uint32_t offset, const uint8_t *data, uint32_t len);
/* CRC32 of session data [offset, offset + len). */
int slots_crc(uint32_t offset, uint32_t len, uint32_t *crc);
/* Program the header of the session's slot (all data written and checked by the caller). */
int slots_commit(uint8_t format_major, uint8_t format_minor, uint32_t *seq);
void slots_close_session(void);
/* Erase one slot's header and data (invalidates it). */
int slots_erase(uint8_t slot);

#endif /* AGENT_SLOTS_H */
