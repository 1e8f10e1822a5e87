/*
 * Board layer shared by QEMU's Arm MPS2/MPS3 FPGA images (mps2-an385/an386/an500/an505,
 * mps3-an547). Each board folder only gives the addresses (board.cmake):
 *   MPS2_UART_BASE    CMSDK APB UART0 (console)
 *   MPS2_FPGAIO_BASE  FPGAIO block; COUNTER at +0x18 is the board counter
 *
 * CMSDK UART: DATA +0, STATE +4 (bit0 TX full, bit1 RX full), CTRL +8 (bit0 TX enable,
 * bit1 RX enable), INTSTATUS/INTCLR +0xC, BAUDDIV +0x10 (>= 16). All polled.
 * FPGAIO COUNTER: free-running 32-bit up counter. Under -icount shift=0 it advances one per
 * instruction on an505/an547 when QEMU runs with -global mps2-fpgaio.prescale-clk=1000000000,
 * and once per 40 instructions on an385/an386/an500 (25 MHz).
 */
#include "board.h"

#ifndef MPS2_UART_BASE
#error "board.cmake must define MPS2_UART_BASE"
#endif
#ifndef MPS2_FPGAIO_BASE
#error "board.cmake must define MPS2_FPGAIO_BASE"
#endif

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define UART_DATA REG32(MPS2_UART_BASE + 0x00u)
#define UART_STATE REG32(MPS2_UART_BASE + 0x04u)
#define UART_CTRL REG32(MPS2_UART_BASE + 0x08u)
#define UART_INTCLR REG32(MPS2_UART_BASE + 0x0Cu)
#define UART_BAUDDIV REG32(MPS2_UART_BASE + 0x10u)

#define UART_STATE_TXFULL 0x1u
#define UART_STATE_RXFULL 0x2u

#define FPGAIO_COUNTER REG32(MPS2_FPGAIO_BASE + 0x18u)

void board_init(void)
{
  UART_BAUDDIV = 16u;
  UART_CTRL = 0x3u; /* TX + RX enable, no interrupts */
  /* Under QEMU input only flows once this DATA read has happened: QEMU polls the host side
   * of -serial (socket, pty) only while the UART can take a byte, and re-evaluates that when
   * its main loop wakes up. The CTRL write above does not wake it; a DATA read does
   * (qemu_chr_fe_accept_input). Without it, bytes the host sends before the main loop's next
   * wake-up (up to 1 s after the start, QEMU 7.2) wait in the socket: docs/serial_protocol.md,
   * "Start-up". When a byte already arrived, the loop is awake: keep the byte. */
  if ((UART_STATE & UART_STATE_RXFULL) == 0u) {
    (void)UART_DATA;
  }
}

void uart_putc(char c)
{
  while ((UART_STATE & UART_STATE_TXFULL) != 0u) {
  }
  UART_DATA = (uint8_t)c;
}

int uart_getc(void)
{
  while ((UART_STATE & UART_STATE_RXFULL) == 0u) {
  }
  return (int)(UART_DATA & 0xFFu);
}

int uart_getc_nb(void)
{
  if ((UART_STATE & UART_STATE_RXFULL) == 0u) {
    return -1;
  }
  return (int)(UART_DATA & 0xFFu);
}

uint32_t board_counter_read(void)
{
  return FPGAIO_COUNTER;
}

const char *board_counter_name(void)
{
  return "fpgaio";
}
