/*
 * runner: runs one model blob once for warm-up and once measured, and reports on the console.
 *
 * Memory (addresses per board: firmware/boards/<board>/board.cmake, board_info.json):
 *   blob   at __pyrt_blob_addr  (QEMU: -device loader,file=blob.bin,addr=<blob_addr>,force-raw=on)
 *          16-byte aligned; its length is the blob header's total_len.
 *   input  at __pyrt_input_addr (QEMU: -device loader,file=input.bin,addr=<input_addr>,force-raw=on)
 *          optional; layout (little-endian):
 *            0  u32 magic "PYIN" (0x4e495950)
 *            4  u32 n_inputs (<= 14)
 *            8  u32 bytes[14]   size of each input
 *            64 data: input 0, then input 1 at the next 16-byte boundary, ...
 *          Without the magic every input is filled with x[i] = (int8)((i*7+3) % 256 - 128).
 *          Inputs are copied into the arena before EACH invoke (warm-up and measured): the
 *          memory plan may reuse an input's bytes for later activations.
 *   arena  static, PYRT_ARENA_BYTES (build-time -D), 16-byte aligned, section .bigram
 *   state  static, PYRT_STATE_BYTES, 8-byte aligned, section .bigram
 *
 * Output: one record per line, "KEY field=value ...", in this order:
 *   PYRT-RUNNER version=1 board= cpu= counter= blob_addr= input_addr= arena_cap= state_cap=
 *   QUERY status= name= blob_bytes= arena_bytes= state_bytes= n_tensors= n_ops= n_inputs= n_outputs=
 *   INIT status= name= index= offset= counter= stack=
 *   INPUT index= source=file|pattern bytes=
 *   WARMUP status= name= counter=
 *   OP index= code= counter=            (one per operator, measured invoke)
 *   INVOKE status= name= counter= stack=
 *   OUTPUT index= type= rank= dims=AxBxC scale_bits= zero_point= bytes= hex=
 *   ARENA bytes= refused_one_less=0|1 guard_touched=N   (pyrt_init got exactly the planned
 *                                      arena; one byte less was refused; guard bytes written)
 *   STACK used= size= init= invoke=   (bytes: whole-run high-water mark, stack size, and the
 *                                      depth reached inside pyrt_init / the measured invoke
 *                                      below the runner's own frame)
 *   MARKERS count= layout=cal:2,warmup:2,invoke:2+2*n_ops
 *   END status=
 * "counter" values are board_counter_read() differences (unit: see PYRT-RUNNER counter=).
 * Region markers for tools/qemu_plugin/insn_count (exact instruction counts) are executed:
 *   2 from calling the hook directly (begin, end) for an empty operator: their difference is
 *   the hook overhead included in each per-operator count; 2 around the warm-up invoke (no hook),
 *   1 before the measured invoke, 2 per operator (end of the begin-hook, start of the
 *   end-hook), 1 after the measured invoke.
 * The exit status is 0 on success, 2 when the engine returned an error, 3 when the blob or
 * input is missing or malformed, 4 when the arena/state capacity is too small; faults exit
 * with 64 + exception number (see common/fault.c).
 */
#include <string.h>

#include "board.h"
#include "pyruntime.h"

#ifndef PYRT_ARENA_BYTES
#define PYRT_ARENA_BYTES (256u * 1024u)
#endif
#ifndef PYRT_STATE_BYTES
#define PYRT_STATE_BYTES (16u * 1024u)
#endif
#ifndef PYRT_RUNNER_MAX_OPS
#define PYRT_RUNNER_MAX_OPS 1024u
#endif

#define INPUT_MAGIC 0x4e495950u /* "PYIN" */
#define ARENA_GUARD_BYTES 64u   /* after the planned arena, checked after the runs */
#define ARENA_GUARD_FILL 0xA5u
#define INPUT_MAX_N 14u
#define INPUT_HEADER_BYTES 64u

#define EXIT_ENGINE 2
#define EXIT_DATA 3
#define EXIT_CAPACITY 4

extern const uint8_t __pyrt_blob_addr[];
extern const uint8_t __pyrt_blob_max[];
extern const uint8_t __pyrt_input_addr[];
extern const uint8_t __pyrt_input_max[];

static uint8_t arena[PYRT_ARENA_BYTES] __attribute__((aligned(16), section(".bigram.arena")));
static uint64_t state[(PYRT_STATE_BYTES + 7u) / 8u] __attribute__((section(".bigram.state")));

static uint32_t op_ticks[PYRT_RUNNER_MAX_OPS];
static uint32_t op_codes[PYRT_RUNNER_MAX_OPS];
static uint32_t op_t0;
static uint32_t markers;

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void marker(void)
{
  board_marker();
  markers++;
}

/* Per-operator hook of the measured invoke: the counter is read outside the two markers, so
 * the plugin's region excludes it and the counter's region includes the markers. */
static __attribute__((noinline)) void op_hook(void *user, uint32_t op_index, uint32_t op_code,
                                              int end)
{
  (void)user;
  if (end == 0) {
    op_t0 = board_counter_read();
    marker();
  } else {
    uint32_t t;
    marker();
    t = board_counter_read();
    if (op_index < PYRT_RUNNER_MAX_OPS) {
      op_ticks[op_index] = t - op_t0;
      op_codes[op_index] = op_code;
    }
  }
}

static void put_status(pyrt_status st)
{
  con_kv_u32("status", (uint32_t)st);
  con_kv_str("name", pyrt_status_name(st));
}

static int finish(int code)
{
  con_puts("MARKERS");
  con_kv_u32("count", markers);
  con_puts(" layout=cal:2,warmup:2,invoke:2+2*n_ops\n");
  con_puts("END");
  con_kv_u32("status", (uint32_t)code);
  con_puts("\n");
  return code;
}

static void fill_pattern(int8_t *dst, uint32_t n)
{
  uint32_t i;
  for (i = 0; i < n; i++) {
    dst[i] = (int8_t)((int32_t)((i * 7u + 3u) % 256u) - 128);
  }
}

static void put_output(const pyrt_model *m, uint32_t idx)
{
  pyrt_tensor t;
  pyrt_status st = pyrt_output(m, idx, &t);
  uint32_t d;
  uint32_t scale_bits;
  con_puts("OUTPUT");
  con_kv_u32("index", idx);
  if (st != PYRT_OK) {
    put_status(st);
    con_puts("\n");
    return;
  }
  con_kv_u32("type", t.type);
  con_kv_u32("rank", t.rank);
  con_puts(" dims=");
  for (d = 0; d < t.rank && d < PYRT_MAX_DIMS; d++) {
    if (d != 0) {
      uart_putc('x');
    }
    con_put_i32(t.dims[d]);
  }
  memcpy(&scale_bits, &t.scale, sizeof scale_bits);
  con_kv_hex("scale_bits", scale_bits);
  con_kv_i32("zero_point", t.zero_point);
  con_kv_u32("bytes", t.bytes);
  con_puts(" hex=");
  con_put_hex_bytes(t.data, t.bytes);
  con_puts("\n");
}

/* Copies every input into the arena (from the input file, or the pattern). Called before
 * EACH invoke: the memory plan may reuse an input's bytes for later activations, so after a
 * run the input tensors no longer hold the input. Prints the INPUT lines when `report`. */
static int load_inputs(pyrt_model *m, uint32_t n_inputs, const uint8_t *input, int have_input,
                       int report)
{
  uint32_t i, off = INPUT_HEADER_BYTES;
  for (i = 0; i < n_inputs; i++) {
    pyrt_tensor t;
    pyrt_status st = pyrt_input(m, i, &t);
    if (st != PYRT_OK) {
      con_puts("INPUT");
      con_kv_u32("index", i);
      put_status(st);
      con_puts("\n");
      return EXIT_ENGINE;
    }
    if (have_input) {
      uint32_t n = rd32(input + 8u + 4u * i);
      if (n != t.bytes || off + n > (uint32_t)(uintptr_t)__pyrt_input_max) {
        con_puts("INPUT");
        con_kv_u32("index", i);
        con_puts(" source=file");
        con_kv_u32("bytes", n);
        con_kv_u32("expected", t.bytes);
        con_puts("\nERROR reason=input-size\n");
        return EXIT_DATA;
      }
      memcpy(t.data, input + off, n);
      off += (n + 15u) & ~15u;
    } else {
      fill_pattern((int8_t *)t.data, t.bytes);
    }
    if (report) {
      con_puts("INPUT");
      con_kv_u32("index", i);
      con_puts(have_input ? " source=file" : " source=pattern");
      con_kv_u32("bytes", t.bytes);
      con_puts("\n");
    }
  }
  return 0;
}

int main(void)
{
  const uint8_t *blob = __pyrt_blob_addr;
  const uint8_t *input = __pyrt_input_addr;
  size_t blob_len;
  pyrt_info info;
  pyrt_diag diag;
  pyrt_model *m = NULL;
  pyrt_status st, arena_less;
  uint32_t i, t0, t1, n_ops;
  size_t base, stack_init, stack_invoke, stack_hw;
  int have_input, rc;

  con_puts("PYRT-RUNNER version=1");
  con_kv_str("board", PYRT_BOARD_NAME);
  con_kv_str("cpu", PYRT_CPU_NAME);
  con_kv_str("counter", board_counter_name());
  con_kv_hex("blob_addr", (uint32_t)(uintptr_t)blob);
  con_kv_hex("input_addr", (uint32_t)(uintptr_t)input);
  con_kv_u32("arena_cap", (uint32_t)sizeof arena);
  con_kv_u32("state_cap", (uint32_t)sizeof state);
  con_puts("\n");

  /* calibration: an empty operator through the hook (index past the table: not recorded);
   * its plugin count is the hook overhead contained in every per-operator count. */
  op_hook(NULL, PYRT_RUNNER_MAX_OPS, 0, 0);
  op_hook(NULL, PYRT_RUNNER_MAX_OPS, 0, 1);

  if (rd32(blob) != 0x54525950u) { /* "PYRT" */
    con_puts("ERROR reason=no-blob\n");
    return finish(EXIT_DATA);
  }
  blob_len = rd32(blob + 8);
  if (blob_len < 32u || blob_len > (size_t)(uintptr_t)__pyrt_blob_max) {
    con_puts("ERROR reason=blob-length\n");
    return finish(EXIT_DATA);
  }

  st = pyrt_query(blob, blob_len, &info);
  con_puts("QUERY");
  put_status(st);
  if (st == PYRT_OK) {
    con_kv_u32("blob_bytes", info.blob_bytes);
    con_kv_u32("arena_bytes", info.arena_bytes);
    con_kv_u32("state_bytes", info.state_bytes);
    con_kv_u32("n_tensors", info.n_tensors);
    con_kv_u32("n_ops", info.n_ops);
    con_kv_u32("n_inputs", info.n_inputs);
    con_kv_u32("n_outputs", info.n_outputs);
  }
  con_puts("\n");
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }
  if (info.arena_bytes + ARENA_GUARD_BYTES > sizeof arena || info.state_bytes > sizeof state) {
    con_puts("ERROR reason=capacity");
    con_kv_u32("arena_needed", info.arena_bytes);
    con_kv_u32("state_needed", info.state_bytes);
    con_puts("\n");
    return finish(EXIT_CAPACITY);
  }

  /* The arena is exactly the blob's plan: one byte less must be refused, and the guard bytes
   * after it must be untouched after the runs (ARENA record). */
  arena_less = info.arena_bytes > 0u
                   ? pyrt_init(&m, state, sizeof state, blob, blob_len, arena,
                               info.arena_bytes - 1u, &diag)
                   : PYRT_E_ARENA_SMALL;
  memset(arena + info.arena_bytes, ARENA_GUARD_FILL, ARENA_GUARD_BYTES);

  stack_hw = board_stack_used();
  base = board_stack_repaint();
  t0 = board_counter_read();
  st = pyrt_init(&m, state, sizeof state, blob, blob_len, arena, info.arena_bytes, &diag);
  t1 = board_counter_read();
  stack_init = board_stack_used() - base;
  con_puts("INIT");
  put_status(st);
  con_kv_i32("index", st == PYRT_OK ? -1 : diag.index);
  con_kv_u32("offset", st == PYRT_OK ? 0u : diag.offset);
  con_kv_u32("counter", t1 - t0);
  con_kv_u32("stack", (uint32_t)stack_init);
  con_puts("\n");
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }

  /* inputs: loaded before each invoke (see load_inputs) */
  have_input = rd32(input) == INPUT_MAGIC && rd32(input + 4) == info.n_inputs &&
               info.n_inputs <= INPUT_MAX_N;
  rc = load_inputs(m, info.n_inputs, input, have_input, 1);
  if (rc != 0) {
    return finish(rc);
  }

  /* warm-up: no hook */
  pyrt_set_hook(m, NULL, NULL);
  marker();
  t0 = board_counter_read();
  st = pyrt_invoke(m);
  t1 = board_counter_read();
  marker();
  con_puts("WARMUP");
  put_status(st);
  con_kv_u32("counter", t1 - t0);
  con_puts("\n");
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }

  /* measured invoke, with the per-operator hook, on freshly loaded inputs */
  rc = load_inputs(m, info.n_inputs, input, have_input, 0);
  if (rc != 0) {
    return finish(rc);
  }
  n_ops = pyrt_num_ops(m);
  for (i = 0; i < PYRT_RUNNER_MAX_OPS; i++) {
    op_ticks[i] = 0;
    op_codes[i] = 0;
  }
  pyrt_set_hook(m, op_hook, NULL);
  if (board_stack_used() > stack_hw) {
    stack_hw = board_stack_used();
  }
  base = board_stack_repaint();
  marker();
  t0 = board_counter_read();
  st = pyrt_invoke(m);
  t1 = board_counter_read();
  marker();
  stack_invoke = board_stack_used() - base;
  pyrt_set_hook(m, NULL, NULL);
  for (i = 0; i < n_ops && i < PYRT_RUNNER_MAX_OPS; i++) {
    con_puts("OP");
    con_kv_u32("index", i);
    con_kv_u32("code", op_codes[i]);
    con_kv_u32("counter", op_ticks[i]);
    con_puts("\n");
  }
  con_puts("INVOKE");
  put_status(st);
  con_kv_u32("counter", t1 - t0);
  con_kv_u32("stack", (uint32_t)stack_invoke);
  con_puts("\n");
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }

  for (i = 0; i < info.n_outputs; i++) {
    put_output(m, i);
  }
  if (board_stack_used() > stack_hw) {
    stack_hw = board_stack_used();
  }
  {
    uint32_t i, touched = 0;
    for (i = 0; i < ARENA_GUARD_BYTES; ++i)
      touched += arena[info.arena_bytes + i] != ARENA_GUARD_FILL;
    con_puts("ARENA");
    con_kv_u32("bytes", info.arena_bytes);
    con_kv_u32("refused_one_less", arena_less == PYRT_E_ARENA_SMALL);
    con_kv_u32("guard_touched", touched);
    con_puts("\n");
  }
  con_puts("STACK");
  con_kv_u32("used", (uint32_t)stack_hw);
  con_kv_u32("size", (uint32_t)board_stack_size());
  con_kv_u32("init", (uint32_t)stack_init);
  con_kv_u32("invoke", (uint32_t)stack_invoke);
  con_puts("\n");
  return finish(0);
}
