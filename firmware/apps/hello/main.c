/* hello: smoke test of a board layer. Prints a banner, checks the counter and the region
 * markers with a loop of known length, and exits with status 0.
 *   HELLO board=<b> cpu=<c> counter=<name>
 *   LOOP iters=<n> counter_delta=<d>
 *   STACK used=<u> size=<s>
 * The loop between the two markers executes exactly 4 + 3 * LOOP_ITERS instructions (see
 * loop_region); tools/qemu_plugin/README.md uses it to check the plugin's count. */
#include "board.h"

#define LOOP_ITERS 100000u

/* marker; movs; (subs; cmp-free loop: subs sets flags) bne ...; marker */
static void loop_region(uint32_t n)
{
  __asm volatile(".inst.n 0xbfa0\n"  /* marker A (counted in the region: 1) */
                 "   mov r3, %0\n"    /* 1 */
                 "1: subs r3, r3, #1\n" /* n */
                 "   nop\n"           /* n */
                 "   bne 1b\n"        /* n */
                 "   nop\n"           /* 1 */
                 "   nop\n"           /* 1 */
                 ".inst.n 0xbfa0\n"   /* marker B: snapshot taken before it executes */
                 :
                 : "r"(n)
                 : "r3", "cc", "memory");
}

int main(void)
{
  uint32_t t0, t1;
  con_puts("HELLO");
  con_kv_str("board", PYRT_BOARD_NAME);
  con_kv_str("cpu", PYRT_CPU_NAME);
  con_kv_str("counter", board_counter_name());
  con_puts("\n");

  t0 = board_counter_read();
  loop_region(LOOP_ITERS);
  t1 = board_counter_read();
  con_puts("LOOP");
  con_kv_u32("iters", LOOP_ITERS);
  con_kv_u32("expected_region_insns", 4u + 3u * LOOP_ITERS);
  con_kv_u32("counter_delta", t1 - t0);
  con_puts("\n");

  con_puts("STACK");
  con_kv_u32("used", (uint32_t)board_stack_used());
  con_kv_u32("size", (uint32_t)board_stack_size());
  con_puts("\nEND status=0\n");
  return 0;
}
