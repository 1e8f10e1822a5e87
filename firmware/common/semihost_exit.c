/* board_exit for emulated boards: Arm semihosting SYS_EXIT_EXTENDED (0x20) with
 * ADP_Stopped_ApplicationExit (0x20026) and the status, which QEMU turns into its own exit
 * code. Needs QEMU's -semihosting-config enable=on,target=native; without it the bkpt faults
 * and fault.c reports "semihosting-disabled". */
#include "board.h"

void board_exit(int code)
{
  static volatile uint32_t block[2];
  block[0] = 0x20026u;
  block[1] = (uint32_t)code;
  {
    register uint32_t r0 __asm("r0") = 0x20u;
    register volatile uint32_t *r1 __asm("r1") = block;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  }
  for (;;) {
  }
}
