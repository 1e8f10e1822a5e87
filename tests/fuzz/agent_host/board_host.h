/* board_host.h - what the agent fuzz harnesses see of the host board layer. */
#ifndef BOARD_HOST_H
#define BOARD_HOST_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_HOST_TX_MAX (64u * 1024u)

/* Bytes sent through uart_putc since the last reset. */
void board_host_tx_reset(void);
const uint8_t *board_host_tx(size_t *n);

#endif /* BOARD_HOST_H */
