/*
 * board.h - the whole interface between a firmware app and a board layer.
 *
 * A board layer provides: board_init, uart_putc/uart_getc/uart_getc_nb, board_exit,
 * board_counter_read and board_counter_name. Everything else here (console helpers, stack
 * painting, fault reporting, region markers) is common code in firmware/common/.
 *
 * Startup (common/startup_cm.S) enables the FPU/MVE, paints the stack, initialises .data/.bss,
 * calls board_init() and then main(); main's return value goes to board_exit().
 */
#ifndef PYRT_BOARD_H
#define PYRT_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- provided by the board layer ---------------------------------------------------- */

/* Clocks, console UART, cycle/instruction counter. Called by startup before main(). */
void board_init(void);

/* Console: polled, blocking transmit. '\n' is sent as is (no CR insertion). */
void uart_putc(char c);
/* Console: blocking receive of one byte. */
int uart_getc(void);
/* Console: non-blocking receive: a byte 0..255, or -1 when none is waiting. */
int uart_getc_nb(void);

/* Stop with a status. QEMU boards: semihosting SYS_EXIT_EXTENDED (QEMU's exit code becomes
 * code & 0xFF). Real boards: print "EXIT <code>" and halt. */
void board_exit(int code) __attribute__((noreturn));

/* Free-running 32-bit counter (take differences, modulo 2^32). What one tick means is in
 * board_counter_name(): "fpgaio" (QEMU MPS2/MPS3 FPGAIO COUNTER), "dwt" (DWT->CYCCNT cycles). */
uint32_t board_counter_read(void);
const char *board_counter_name(void);

/* Exit statuses used by the common code. */
#define BOARD_EXIT_OK 0
#define BOARD_EXIT_FAULT_BASE 64 /* fault/unexpected exception: 64 + (IPSR & 63) */

/* ---- common helpers (firmware/common/console.c) -------------------------------------- */
void con_puts(const char *s);                 /* no newline added */
void con_put_u32(uint32_t v);                 /* decimal */
void con_put_i32(int32_t v);                  /* decimal */
void con_put_hex32(uint32_t v);               /* 0x%08x */
void con_put_hex_bytes(const void *p, size_t n); /* two lowercase hex digits per byte */
void con_kv_u32(const char *key, uint32_t v); /* " key=123" */
void con_kv_i32(const char *key, int32_t v);  /* " key=-5" */
void con_kv_hex(const char *key, uint32_t v); /* " key=0x0000abcd" */
void con_kv_str(const char *key, const char *v); /* " key=text" */

/* ---- stack painting (firmware/common/stack.c, painted by startup) --------------------- */
size_t board_stack_size(void);
/* Bytes of the stack ever touched since boot (high-water mark), from the painted pattern. */
size_t board_stack_used(void);
/* Re-paint the stack below the caller's frame; returns the bytes in use at the call. */
size_t board_stack_repaint(void);
#define BOARD_STACK_PAINT 0x5AC4C0DEu

/* ---- region markers for the insn_count QEMU plugin (tools/qemu_plugin) ----------------
 * A 16-bit Thumb hint with an unallocated opcode (IT-space 0xBFA0: hint #10): architecturally
 * a NOP on every Arm v6-M/v7-M/v8-M core, never emitted by compilers. The plugin records the
 * number of instructions executed before each marker; consecutive snapshots give the
 * instruction count of the code between two markers (+1 for the first marker itself). */
#define BOARD_MARKER_INSN 0xbfa0u
static inline void board_marker(void) { __asm volatile(".inst.n 0xbfa0" ::: "memory"); }

#ifdef __cplusplus
}
#endif

#endif /* PYRT_BOARD_H */
