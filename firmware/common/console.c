/* Tiny console formatting on top of uart_putc (no printf: keeps the image small and the
 * output format under our control). */
#include "board.h"

void con_puts(const char *s)
{
  while (*s != '\0') {
    uart_putc(*s++);
  }
}

void con_put_u32(uint32_t v)
{
  char buf[11];
  int i = 10;
  buf[i] = '\0';
  do {
    buf[--i] = (char)('0' + (v % 10u));
    v /= 10u;
  } while (v != 0u);
  con_puts(&buf[i]);
}

void con_put_i32(int32_t v)
{
  if (v < 0) {
    uart_putc('-');
    con_put_u32((uint32_t)0u - (uint32_t)v);
  } else {
    con_put_u32((uint32_t)v);
  }
}

static const char hexdig[] = "0123456789abcdef";

void con_put_hex32(uint32_t v)
{
  int s;
  con_puts("0x");
  for (s = 28; s >= 0; s -= 4) {
    uart_putc(hexdig[(v >> s) & 0xFu]);
  }
}

void con_put_hex_bytes(const void *p, size_t n)
{
  const uint8_t *b = (const uint8_t *)p;
  size_t i;
  for (i = 0; i < n; i++) {
    uart_putc(hexdig[b[i] >> 4]);
    uart_putc(hexdig[b[i] & 0xFu]);
  }
}

static void key(const char *k)
{
  uart_putc(' ');
  con_puts(k);
  uart_putc('=');
}

void con_kv_u32(const char *k, uint32_t v)
{
  key(k);
  con_put_u32(v);
}

void con_kv_i32(const char *k, int32_t v)
{
  key(k);
  con_put_i32(v);
}

void con_kv_hex(const char *k, uint32_t v)
{
  key(k);
  con_put_hex32(v);
}

void con_kv_str(const char *k, const char *v)
{
  key(k);
  con_puts(v);
}
