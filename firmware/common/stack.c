/* Stack high-water mark: startup paints [__stack_bottom, __stack_top) with
 * BOARD_STACK_PAINT before any C code runs; the first word that no longer holds the pattern,
 * scanning up from the bottom, is the deepest the stack has ever reached. */
#include "board.h"

extern uint32_t __stack_bottom[];
extern uint32_t __stack_top[];

size_t board_stack_size(void)
{
  return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

size_t board_stack_used(void)
{
  const volatile uint32_t *p = __stack_bottom;
  while (p < __stack_top && *p == BOARD_STACK_PAINT) {
    p++;
  }
  return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

/* Re-paint the unused part of the stack (below the caller's frame) so that a following
 * board_stack_used() measures the deepest point reached from here on. Returns the bytes in
 * use at the call (the caller's depth). Safe because nothing runs below the stack pointer
 * (no interrupts are enabled). */
size_t board_stack_repaint(void)
{
  uintptr_t sp;
  volatile uint32_t *p = __stack_bottom;
  __asm volatile("mov %0, sp" : "=r"(sp));
  sp -= 64u; /* margin for this function's own frame/spills */
  while ((uintptr_t)p < sp) {
    *p++ = BOARD_STACK_PAINT;
  }
  return (size_t)((uintptr_t)__stack_top - (sp + 64u));
}
