/* agent.h - the agent's request handling, independent of where bytes come from: main.c feeds
 * it from the UART on a board; tests/fuzz/agent_dispatch feeds it frames on a host, with an
 * in-memory flash that can lose power mid-operation. */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdint.h>

#include "link.h"

/* Everything a reset does: link state, flash region, slot scan, a transfer session
 * persisted in flash, the newest model the engine accepts. Every piece of RAM state is
 * (re)initialised, so a host may call it again to simulate a power cycle. */
void agent_boot(void);
/* Answer one good frame: execute it and send the response, or resend the cached response
 * when it repeats the previous request (same seq, type and CRC). */
void agent_handle(const link_frame *f);
/* Slot whose model is active (SLOT_NONE if none). */
uint8_t agent_active_slot(void);

#endif /* AGENT_AGENT_H */
