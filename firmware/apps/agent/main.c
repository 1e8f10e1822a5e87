/*
 * agent: serves the serial protocol of docs/serial_protocol.md on the console UART.
 *
 * Boot (agent_boot): bring up the flash region, validate both model slots (header, CRC),
 * activate the newest one that pyrt_init accepts and restore a write session persisted in
 * flash; then answer requests forever, one response per request (agent.c).
 */
#include "agent.h"
#include "link.h"

int main(void)
{
  link_frame f;
  agent_boot();
  for (;;) {
    link_receive(&f);
    agent_handle(&f);
  }
}
