/* The few STM32L4R5 registers this board layer touches (RM0432), written for pyruntime.
 * Addresses are absolute; bit numbers are in the comments next to their use. */
#ifndef STM32L4R5_REGS_H
#define STM32L4R5_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* RCC */
#define RCC_BASE 0x40021000u
#define RCC_CR REG32(RCC_BASE + 0x00u)       /* MSION 0, MSIRDY 1, PLLON 24, PLLRDY 25 */
#define RCC_CFGR REG32(RCC_BASE + 0x08u)     /* SW 1:0, SWS 3:2, HPRE 7:4, PPRE1 10:8, PPRE2 13:11 */
#define RCC_PLLCFGR REG32(RCC_BASE + 0x0Cu)  /* PLLSRC 1:0, PLLM 7:4, PLLN 14:8, PLLREN 24, PLLR 26:25 */
#define RCC_AHB2ENR REG32(RCC_BASE + 0x4Cu)  /* GPIOGEN 6 */
#define RCC_APB1ENR1 REG32(RCC_BASE + 0x58u) /* PWREN 28 */
#define RCC_APB1ENR2 REG32(RCC_BASE + 0x5Cu) /* LPUART1EN 0 */
#define RCC_CCIPR REG32(RCC_BASE + 0x88u)    /* LPUART1SEL 11:10 (00 = PCLK1) */

/* PWR */
#define PWR_BASE 0x40007000u
#define PWR_CR1 REG32(PWR_BASE + 0x00u) /* VOS 10:9 (01 = range 1) */
#define PWR_CR2 REG32(PWR_BASE + 0x04u) /* IOSV 9: VDDIO2 valid (port G[15:2]) */
#define PWR_SR2 REG32(PWR_BASE + 0x14u) /* VOSF 10 */
#define PWR_CR5 REG32(PWR_BASE + 0x80u) /* R1MODE 8: 0 = range 1 boost (needed > 80 MHz) */

/* FLASH */
#define FLASH_BASE_ADDR 0x40022000u
#define FLASH_ACR REG32(FLASH_BASE_ADDR + 0x00u)  /* LATENCY 3:0, PRFTEN 8, ICEN 9, DCEN 10 */
#define FLASH_KEYR REG32(FLASH_BASE_ADDR + 0x08u)
#define FLASH_SR REG32(FLASH_BASE_ADDR + 0x10u)
#define FLASH_CR REG32(FLASH_BASE_ADDR + 0x14u)
#define FLASH_OPTR REG32(FLASH_BASE_ADDR + 0x20u) /* DBANK 22 */

/* GPIOG */
#define GPIOG_BASE 0x48001800u
#define GPIOG_MODER REG32(GPIOG_BASE + 0x00u)
#define GPIOG_OSPEEDR REG32(GPIOG_BASE + 0x08u)
#define GPIOG_PUPDR REG32(GPIOG_BASE + 0x0Cu)
#define GPIOG_AFRL REG32(GPIOG_BASE + 0x20u)
#define GPIOG_AFRH REG32(GPIOG_BASE + 0x24u)

/* LPUART1 */
#define LPUART1_BASE 0x40008000u
#define LPUART1_CR1 REG32(LPUART1_BASE + 0x00u) /* UE 0, RE 2, TE 3 */
#define LPUART1_CR2 REG32(LPUART1_BASE + 0x04u)
#define LPUART1_CR3 REG32(LPUART1_BASE + 0x08u)
#define LPUART1_BRR REG32(LPUART1_BASE + 0x0Cu) /* 256 * f_ck / baud, 20 bits, >= 0x300 */
#define LPUART1_ISR REG32(LPUART1_BASE + 0x1Cu) /* ORE 3, RXNE 5, TC 6, TXE 7 */
#define LPUART1_ICR REG32(LPUART1_BASE + 0x20u) /* ORECF 3 */
#define LPUART1_RDR REG32(LPUART1_BASE + 0x24u)
#define LPUART1_TDR REG32(LPUART1_BASE + 0x28u)

/* Cortex-M4 debug: DWT cycle counter */
#define DEMCR REG32(0xE000EDFCu)    /* TRCENA 24 */
#define DWT_CTRL REG32(0xE0001000u) /* CYCCNTENA 0 */
#define DWT_CYCCNT REG32(0xE0001004u)

#endif /* STM32L4R5_REGS_H */
