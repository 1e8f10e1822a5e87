/*
 * slots.h - two model slots (A/B) in the flash region (firmware/common/flash.h), and a
 * journal that makes a write session survive a reset.
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
 *
 * Journal (docs/serial_protocol.md "Transfer journal"): the rest of the target's header page,
 * erased by BEGIN together with the header, holds one session record (blob length and CRC,
 * with its own CRC) programmed by BEGIN, then append-only progress records (u32 written,
 * u32 ~written), one each time the written length passes a progress point (every `stride`
 * bytes, and the blob's end), programmed after the data they vouch for. At boot the agent
 * takes the last intact record of an intact session record in the slot it would write next
 * and resumes the session there. A record torn by a power cut fails its complement check
 * (programming only clears bits) and is skipped.
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
  uint8_t resumed; /* restored from the journal at boot */
  uint32_t total, crc, written;
  uint32_t erased_end; /* data bytes [0, erased_end) of the slot are erased or written */
  uint32_t journal_point; /* highest progress point recorded in the journal (0: none) */
  uint32_t journal_next;  /* index of the next unused progress record */
} slot_session;

/* flash_init + scan both slots; no session is open. Returns the flash status (0 = ok). */
int slots_init(void);
uint32_t slots_capacity(void); /* data bytes per slot */
const uint8_t *slots_data(uint8_t slot);
const slot_info *slots_get(uint8_t slot);
/* Valid slots, newest first; returns how many (0..2). */
int slots_by_age(uint8_t order[SLOT_COUNT]);
const slot_session *slots_session(void);
/* Bytes between progress points of the journal; 0 when the page is too small for one. */
uint32_t slots_journal_stride(void);
/* Open the session persisted in `slot`'s journal, if there is an intact one (1 = resumed). */
int slots_resume(uint8_t slot);

/* Protocol operations; each returns a ST_* status of proto.h. */
/* Keep an open session for the same blob (total, crc) and target unless `fresh`; otherwise
 * erase the target's header page (invalidating it and its journal) and start at 0. */
int slots_begin(uint32_t total, uint32_t crc, uint8_t target, int fresh);
int slots_write(uint32_t offset, const uint8_t *data, uint32_t len);
/* CRC32 of session data [offset, offset + len). */
int slots_crc(uint32_t offset, uint32_t len, uint32_t *crc);
/* Program the header of the session's slot (all data written and checked by the caller). */
int slots_commit(uint8_t format_major, uint8_t format_minor, uint32_t *seq);
/* Close the session; with `discard`, also erase its slot's header page so that its journal
 * can never resume it (a blob that failed its CRC or was refused). */
void slots_close_session(int discard);
/* Erase one slot's header and data (invalidates it). */
int slots_erase(uint8_t slot);

#endif /* AGENT_SLOTS_H */
