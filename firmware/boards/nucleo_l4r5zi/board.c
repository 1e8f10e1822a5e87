/*
 * NUCLEO-L4R5ZI board layer: 120 MHz system clock, LPUART1 console on the ST-LINK virtual COM
 * port, DWT cycle counter, board_exit for a board without a host to exit to.
 */
#include "board.h"
#include "stm32l4r5_regs.h"

#define SYSCLK_HZ 120000000u
#define CONSOLE_BAUD 115200u

/* 120 MHz = MSI 4 MHz / M(1) * N(60) / R(2); VCO 240 MHz. Range 1 boost mode, 5 wait states.
 * RM0432 requires an intermediate AHB /2 for at least 1 us when going above 80 MHz. */
static void clock_init(void)
{
  volatile uint32_t i;

  RCC_APB1ENR1 |= 1u << 28; /* PWREN */
  (void)RCC_APB1ENR1;
  PWR_CR1 = (PWR_CR1 & ~(3u << 9)) | (1u << 9); /* VOS range 1 */
  while ((PWR_SR2 & (1u << 10)) != 0u) {        /* VOSF */
  }
  PWR_CR5 &= ~(1u << 8); /* R1MODE = 0: boost */

  /* 5 wait states + prefetch + caches, before raising the clock */
  FLASH_ACR = (FLASH_ACR & ~0xFu) | 5u | (1u << 8) | (1u << 9) | (1u << 10);
  while ((FLASH_ACR & 0xFu) != 5u) {
  }

  /* MSI is on at 4 MHz after reset */
  while ((RCC_CR & (1u << 1)) == 0u) { /* MSIRDY */
  }
  RCC_CR &= ~(1u << 24); /* PLLOFF before configuring */
  while ((RCC_CR & (1u << 25)) != 0u) {
  }
  RCC_PLLCFGR = (1u << 0)      /* PLLSRC = MSI */
                | (0u << 4)    /* PLLM = /1 */
                | (60u << 8)   /* PLLN = x60 */
                | (0u << 25)   /* PLLR = /2 */
                | (1u << 24);  /* PLLREN */
  RCC_CR |= 1u << 24; /* PLLON */
  while ((RCC_CR & (1u << 25)) == 0u) {
  }

  RCC_CFGR = (RCC_CFGR & ~(0xFu << 4)) | (0x8u << 4); /* HPRE = /2 */
  RCC_CFGR = (RCC_CFGR & ~3u) | 3u;                   /* SW = PLL */
  while ((RCC_CFGR & (3u << 2)) != (3u << 2)) {
  }
  for (i = 0; i < 200u; i++) { /* > 1 us at 60 MHz */
  }
  RCC_CFGR &= ~(0xFu << 4); /* HPRE = /1; PPRE1 = PPRE2 = /1 (reset values) */
}

static void console_init(void)
{
  RCC_APB1ENR1 |= 1u << 28;            /* PWREN (again: board_init may skip clock_init) */
  PWR_CR2 |= 1u << 9;                  /* IOSV: VDDIO2 supplies PG[15:2] */
  RCC_AHB2ENR |= 1u << 6;              /* GPIOGEN */
  RCC_APB1ENR2 |= 1u << 0;             /* LPUART1EN */
  RCC_CCIPR &= ~(3u << 10);            /* LPUART1 clock = PCLK1 */
  (void)RCC_APB1ENR2;

  /* PG7 = LPUART1_TX, PG8 = LPUART1_RX: alternate function 8 */
  GPIOG_MODER = (GPIOG_MODER & ~((3u << 14) | (3u << 16))) | (2u << 14) | (2u << 16);
  GPIOG_OSPEEDR |= (2u << 14) | (2u << 16);
  GPIOG_PUPDR = (GPIOG_PUPDR & ~(3u << 16)) | (1u << 16); /* pull-up on RX */
  GPIOG_AFRL = (GPIOG_AFRL & ~(0xFu << 28)) | (8u << 28);
  GPIOG_AFRH = (GPIOG_AFRH & ~0xFu) | 8u;

  LPUART1_CR1 = 0;
  LPUART1_CR2 = 0;
  LPUART1_CR3 = 0;
  /* 256 * 120 MHz / 115200 = 266666.7 -> 266667 (0x411AB) */
  LPUART1_BRR = (uint32_t)(((uint64_t)SYSCLK_HZ * 256u + CONSOLE_BAUD / 2u) / CONSOLE_BAUD);
  LPUART1_CR1 = (1u << 3) | (1u << 2) | (1u << 0); /* TE, RE, UE */
}

static void counter_init(void)
{
  DEMCR |= 1u << 24; /* TRCENA */
  DWT_CYCCNT = 0;
  DWT_CTRL |= 1u;    /* CYCCNTENA */
}

void board_init(void)
{
  clock_init();
  console_init();
  counter_init();
}

void uart_putc(char c)
{
  while ((LPUART1_ISR & (1u << 7)) == 0u) { /* TXE */
  }
  LPUART1_TDR = (uint8_t)c;
}

int uart_getc_nb(void)
{
  uint32_t isr = LPUART1_ISR;
  if ((isr & (1u << 3)) != 0u) { /* overrun: clear, keep going */
    LPUART1_ICR = 1u << 3;
  }
  if ((isr & (1u << 5)) == 0u) { /* RXNE */
    return -1;
  }
  return (int)(LPUART1_RDR & 0xFFu);
}

int uart_getc(void)
{
  int c;
  do {
    c = uart_getc_nb();
  } while (c < 0);
  return c;
}

uint32_t board_counter_read(void)
{
  return DWT_CYCCNT;
}

const char *board_counter_name(void)
{
  return "dwt";
}

/* No host to return to: report the status on the console and sleep. */
void board_exit(int code)
{
  con_puts("\nEXIT ");
  con_put_i32(code);
  con_puts("\n");
  while ((LPUART1_ISR & (1u << 6)) == 0u) { /* TC: last byte out */
  }
  for (;;) {
    __asm volatile("wfi");
  }
}
