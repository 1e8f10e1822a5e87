/*
 * flash_mem.h - firmware/common/flash.h on a host: an in-memory NOR flash region for the
 * agent's fuzz targets, with power cuts and failures on demand.
 *
 * NOR semantics as on the boards: an erased page reads 0xFF, programming ANDs the data into
 * the old bytes and fails with FLASH_E_VERIFY when the result differs from the data. Any
 * erase or program outside the region or misaligned aborts the process: the agent must
 * never ask for one (a fuzz finding).
 *
 * A power cut stops one erase/program part-way (a prefix of the bytes done, one byte half
 * done: for a program some of its bits cleared, for an erase some bits set) and longjmps to
 * the harness, which then re-initialises the agent from the flash contents (a reboot).
 */
#ifndef FLASH_MEM_H
#define FLASH_MEM_H

#include <setjmp.h>
#include <stdint.h>

#include "flash.h"

#define FLASH_MEM_MAX (64u * 1024u)

/* A fully erased region of `size` bytes, pages of `page`, program unit `align`. */
void flash_mem_setup(uint32_t size, uint32_t page, uint32_t align);
uint8_t *flash_mem_bytes(void);
/* The `after`-th erase/program from now (0 = the next) is cut: `torn` selects how much of
 * it is done and `noise` the half-done byte's bits; then longjmp(*env, 1). */
void flash_mem_arm_cut(uint32_t after, uint32_t torn, uint8_t noise, jmp_buf *env);
/* The `after`-th erase/program from now fails with FLASH_E_IO and changes nothing. */
void flash_mem_arm_fail(uint32_t after);
void flash_mem_disarm(void);
/* Called before every erase (erase = 1) and program with the range it will change. */
typedef void (*flash_mem_hook)(uint32_t offset, uint32_t len, int erase);
void flash_mem_set_hook(flash_mem_hook hook);
/* Erases and programs so far. */
uint32_t flash_mem_ops(void);

#endif /* FLASH_MEM_H */
