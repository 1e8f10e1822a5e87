/* fault: checks the fault path of a board layer. Executes a permanently undefined instruction
 * (UDF); the core takes a UsageFault (escalated to HardFault when UsageFault is disabled), the
 * common handler prints a FAULT line with the stacked registers and exits with status
 * 64 + exception number (67 for HardFault). Reaching the end prints "NOFAULT" and exits 1. */
#include "board.h"

int main(void)
{
  con_puts("FAULTTEST udf\n");
  __asm volatile("udf #0x42" ::: "memory");
  con_puts("NOFAULT\n");
  return 1;
}
