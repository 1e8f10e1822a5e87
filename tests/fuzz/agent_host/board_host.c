/* board_host.c - the board layer (firmware/common/board.h) on a host, for the agent fuzz
 * targets: the UART transmit side goes into a buffer the harness reads back; nothing
 * receives through uart_getc (the harnesses call link_feed). */
#include "board_host.h"

#include <stdlib.h>

#include "board.h"

static uint8_t tx_buf[BOARD_HOST_TX_MAX];
static size_t tx_n;
static uint32_t counter;

void board_host_tx_reset(void) { tx_n = 0; }

const uint8_t *board_host_tx(size_t *n)
{
  *n = tx_n;
  return tx_buf;
}

void board_init(void) {}

void uart_putc(char c)
{
  if (tx_n >= sizeof tx_buf) {
    abort(); /* more output than any sequence of responses to one request can make */
  }
  tx_buf[tx_n++] = (uint8_t)c;
}

int uart_getc(void) { abort(); }

int uart_getc_nb(void) { return -1; }

void board_exit(int code) { exit(code); }

uint32_t board_counter_read(void) { return counter += 40u; }

const char *board_counter_name(void) { return "host"; }
