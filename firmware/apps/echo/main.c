/* echo: console round trip. Prints "ECHO ready", then sends back every byte received until
 * EOT (0x04), then prints "ECHO bytes=<n> sum=<byte sum>" and exits with status 0. */
#include "board.h"

int main(void)
{
  uint32_t n = 0, sum = 0;
  con_puts("ECHO ready\n");
  for (;;) {
    int c = uart_getc();
    if (c == 0x04) {
      break;
    }
    uart_putc((char)c);
    n++;
    sum += (uint32_t)c;
  }
  con_puts("\nECHO");
  con_kv_u32("bytes", n);
  con_kv_u32("sum", sum);
  con_puts("\n");
  return 0;
}
