/*
 * Fault reporting for every Cortex-M board.
 *
 * Prints one line on the console:
 *   FAULT exc=<n> name=<HardFault|...> pc=.. lr=.. xpsr=.. r0=.. r1=.. r2=.. r3=.. r12=..
 *         exc_return=.. [cfsr=.. hfsr=.. mmfar=.. bfar=..] [sfsr=.. sfar=..]
 * and then exits with status BOARD_EXIT_FAULT_BASE + exception number (HardFault: 67,
 * MemManage 68, BusFault 69, UsageFault 70, SecureFault 71; an unexpected IRQ n: 64 + 16 + n,
 * modulo 64). The exit happens in thread mode: the stacked return address is replaced with
 * pyrt_fault_exit, so that a missing semihosting (bkpt 0xAB faulting) is itself detected
 * and reported instead of locking the core up.
 */
#include "board.h"

#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu)
#define SAU_SFSR (*(volatile uint32_t *)0xE000EDE4u)
#define SAU_SFAR (*(volatile uint32_t *)0xE000EDE8u)

extern const uint8_t __text_start[];
extern const uint8_t __text_end[];

void pyrt_fault_report(uint32_t *frame, uint32_t exc_return);
void pyrt_fault_exit(int code) __attribute__((noreturn));

static uint32_t get_ipsr(void)
{
  uint32_t v;
  __asm volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}

static const char *exc_name(uint32_t n)
{
  switch (n) {
  case 2: return "NMI";
  case 3: return "HardFault";
  case 4: return "MemManage";
  case 5: return "BusFault";
  case 6: return "UsageFault";
  case 7: return "SecureFault";
  case 11: return "SVCall";
  case 12: return "DebugMonitor";
  case 14: return "PendSV";
  case 15: return "SysTick";
  default: return "IRQ";
  }
}

void pyrt_fault_exit(int code)
{
  board_exit(code);
}

static volatile uint32_t fault_depth;

void pyrt_fault_report(uint32_t *frame, uint32_t exc_return)
{
  uint32_t exc = get_ipsr() & 0x1FFu;
  uint32_t pc = frame[6];
  int code = BOARD_EXIT_FAULT_BASE + (int)(exc & 63u);

  fault_depth++;
  con_puts("\nFAULT");
  con_kv_u32("exc", exc);
  con_kv_str("name", exc_name(exc));
  con_kv_hex("pc", pc);
  con_kv_hex("lr", frame[5]);
  con_kv_hex("xpsr", frame[7]);
  con_kv_hex("r0", frame[0]);
  con_kv_hex("r1", frame[1]);
  con_kv_hex("r2", frame[2]);
  con_kv_hex("r3", frame[3]);
  con_kv_hex("r12", frame[4]);
  con_kv_hex("exc_return", exc_return);
#if !defined(__ARM_ARCH_6M__) && !defined(__ARM_ARCH_8M_BASE__)
  con_kv_hex("cfsr", SCB_CFSR);
  con_kv_hex("hfsr", SCB_HFSR);
  con_kv_hex("mmfar", SCB_MMFAR);
  con_kv_hex("bfar", SCB_BFAR);
#endif
#if defined(__ARM_FEATURE_CMSE)
  con_kv_hex("sfsr", SAU_SFSR);
  con_kv_hex("sfar", SAU_SFAR);
#endif
  con_puts("\n");

  /* bkpt 0xAB (semihosting) faulted, or we faulted again on the way out: semihosting is not
   * enabled. Say so and request a system reset (QEMU exits on it with -no-reboot). */
  if ((pc & 1u) == 0u && pc >= (uint32_t)(uintptr_t)__text_start &&
      pc + 2u <= (uint32_t)(uintptr_t)__text_end && *(const volatile uint16_t *)pc == 0xBEABu) {
    con_puts("FATAL semihosting-disabled: run QEMU with "
             "-semihosting-config enable=on,target=native (and -no-reboot)\n");
    SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
    for (;;) {
    }
  }
  if (fault_depth > 2u) {
    con_puts("FATAL recursive-fault\n");
    SCB_AIRCR = 0x05FA0004u;
    for (;;) {
    }
  }
  /* Return to thread mode into pyrt_fault_exit(code). */
  frame[0] = (uint32_t)code;
  frame[6] = (uint32_t)(uintptr_t)&pyrt_fault_exit & ~1u;
  frame[7] = 0x01000000u; /* xPSR: Thumb bit only */
}
