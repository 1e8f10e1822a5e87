/*
 * runner_linux: the Cortex-A (Linux user space) counterpart of apps/runner.
 *
 *   runner_linux BLOB [INPUT]       (INPUT: the runner's "PYIN" file, see apps/runner/main.c;
 *                                    without it every input gets x[i] = (int8)((i*7+3)%256-128))
 *
 * Run under qemu-aarch64 / qemu-arm with tools/qemu_plugin/insn_count.so: it executes the same
 * marker layout as the Cortex-M runner (calibration 2, warm-up 2, measured invoke 2 + 2 per
 * operator) and prints the same line records (PYRT-RUNNER, QUERY, INIT, INPUT, WARMUP, OP,
 * INVOKE, OUTPUT, STACK, MARKERS, END), so pyruntime.targets parses both alike. Markers:
 * A64 "hint #0x7a" (0xd5032f5f), A32/T32 builds a Thumb "hint #10" (0xbfa0) as the Cortex-M
 * runner. Counter values are 0 (no cycle counter is read; the plugin counts instructions).
 * STACK used= is the deepest the measured pyrt_init/pyrt_invoke calls reached below the
 * runner's frame, from a painted region of the stack (see measure_stack).
 * Exit status as apps/runner: 0 ok, 2 engine error, 3 bad files, 4 capacity.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyruntime.h"

#define INPUT_MAGIC 0x4e495950u
#define INPUT_MAX_N 14u
#define INPUT_HEADER_BYTES 64u
#define MAX_OPS 1024u
#define STACK_PAINT_BYTES (256u * 1024u)
#define STACK_PAINT 0xA5u

#define EXIT_ENGINE 2
#define EXIT_DATA 3

#if defined(__aarch64__)
#define MARKER() __asm volatile("hint #0x7a" ::: "memory")
#elif defined(__thumb__)
#define MARKER() __asm volatile(".inst.n 0xbfa0" ::: "memory")
#elif defined(__arm__)
#error "runner_linux: build A32 targets as Thumb-2 (-mthumb, the armhf default)"
#else
#define MARKER() ((void)0) /* native host build: outputs only, no instruction counts */
#endif

static unsigned markers;
static uint32_t op_codes[MAX_OPS];

static void marker(void)
{
  MARKER();
  markers++;
}

static __attribute__((noinline)) void op_hook(void *user, uint32_t op_index, uint32_t op_code,
                                              int end)
{
  (void)user;
  marker();
  if (end != 0 && op_index < MAX_OPS) {
    op_codes[op_index] = op_code;
  }
}

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint8_t *alloc_aligned(size_t align, size_t n)
{
  void *p = NULL;
  return posix_memalign(&p, align, n != 0 ? n : align) == 0 ? (uint8_t *)p : NULL;
}

static uint8_t *read_file(const char *path, size_t align, size_t *len)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long n;
  if (f == NULL) {
    fprintf(stderr, "runner_linux: cannot open %s\n", path);
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    size_t cap = ((size_t)n + align) & ~(align - 1u);
    buf = alloc_aligned(align, cap);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)n;
  }
  fclose(f);
  if (buf == NULL) {
    fprintf(stderr, "runner_linux: cannot read %s\n", path);
  }
  return buf;
}

static int finish(int code)
{
  printf("MARKERS count=%u layout=cal:2,warmup:2,invoke:2+2*n_ops\nEND status=%d\n", markers,
         code);
  return code;
}

/* Stack depth of one call: paint a region below the caller's frame, run, find the deepest
 * byte that changed. The painted buffer lives in a frame that has returned when fn runs. */
static __attribute__((noinline)) uintptr_t paint_below(void)
{
  volatile uint8_t area[STACK_PAINT_BYTES];
  size_t i;
  for (i = 0; i < sizeof area; i++) {
    area[i] = STACK_PAINT;
  }
  return (uintptr_t)&area[0];
}

static __attribute__((noinline)) size_t untouched_from(uintptr_t lowest)
{
  volatile uint8_t probe[STACK_PAINT_BYTES];
  /* same frame size as paint_below: probe[] covers the painted area */
  const volatile uint8_t *p = (const volatile uint8_t *)lowest;
  size_t n = 0;
  (void)probe;
  while (n < STACK_PAINT_BYTES && p[n] == STACK_PAINT) {
    n++;
  }
  return n;
}

/* Copies every input into the arena before EACH invoke: the memory plan may reuse an input's
 * bytes for later activations, so after a run the input tensors no longer hold the input. */
static int load_inputs(pyrt_model *m, uint32_t n_inputs, const uint8_t *input, size_t input_len,
                       int have_input, int report)
{
  uint32_t i, off = INPUT_HEADER_BYTES;
  for (i = 0; i < n_inputs; i++) {
    pyrt_tensor t;
    pyrt_status st = pyrt_input(m, i, &t);
    if (st != PYRT_OK) {
      printf("INPUT index=%u status=%d\n", (unsigned)i, (int)st);
      return EXIT_ENGINE;
    }
    if (have_input) {
      uint32_t n = rd32(input + 8u + 4u * i);
      if (n != t.bytes || (size_t)off + n > input_len) {
        printf("INPUT index=%u source=file bytes=%u expected=%u\nERROR reason=input-size\n",
               (unsigned)i, (unsigned)n, (unsigned)t.bytes);
        return EXIT_DATA;
      }
      memcpy(t.data, input + off, n);
      off += (n + 15u) & ~15u;
    } else {
      uint32_t k;
      int8_t *d = (int8_t *)t.data;
      for (k = 0; k < t.bytes; k++) {
        d[k] = (int8_t)((int32_t)((k * 7u + 3u) % 256u) - 128);
      }
    }
    if (report) {
      printf("INPUT index=%u source=%s bytes=%u\n", (unsigned)i, have_input ? "file" : "pattern",
             (unsigned)t.bytes);
    }
  }
  return 0;
}

int main(int argc, char **argv)
{
  uint8_t *blob, *input = NULL, *arena, *state;
  size_t blob_len, input_len = 0, top, depth_init, depth_invoke;
  uintptr_t low;
  pyrt_info info;
  pyrt_diag diag;
  pyrt_model *m = NULL;
  pyrt_status st;
  uint32_t i, n_ops;
  int have_input, rc;

  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: runner_linux BLOB [INPUT]\n");
    return EXIT_DATA;
  }
  printf("PYRT-RUNNER version=1 board=linux cpu=%s counter=none\n",
#if defined(__aarch64__)
         "aarch64"
#elif defined(__arm__)
         "armv7a"
#else
         "host"
#endif
  );
  /* calibration: an empty operator through the hook (index past the table: not recorded);
   * its count is the hook overhead contained in every per-operator count. */
  op_hook(NULL, MAX_OPS, 0, 0);
  op_hook(NULL, MAX_OPS, 0, 1);
  blob = read_file(argv[1], PYRT_ALIGN, &blob_len);
  if (blob == NULL) {
    puts("ERROR reason=no-blob");
    return finish(EXIT_DATA);
  }
  if (argc == 3 && (input = read_file(argv[2], 16u, &input_len)) == NULL) {
    puts("ERROR reason=no-input");
    return finish(EXIT_DATA);
  }
  st = pyrt_query(blob, blob_len, &info);
  printf("QUERY status=%d name=%s", (int)st, pyrt_status_name(st));
  if (st == PYRT_OK) {
    printf(" blob_bytes=%u arena_bytes=%u state_bytes=%u n_tensors=%u n_ops=%u n_inputs=%u "
           "n_outputs=%u",
           (unsigned)info.blob_bytes, (unsigned)info.arena_bytes, (unsigned)info.state_bytes,
           (unsigned)info.n_tensors, (unsigned)info.n_ops, (unsigned)info.n_inputs,
           (unsigned)info.n_outputs);
  }
  printf("\n");
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }
  arena = alloc_aligned(PYRT_ALIGN, info.arena_bytes);
  state = alloc_aligned(16u, info.state_bytes);
  if (arena == NULL || state == NULL) {
    puts("ERROR reason=capacity");
    return finish(4);
  }

  low = paint_below();
  st = pyrt_init(&m, state, info.state_bytes, blob, blob_len, arena, info.arena_bytes, &diag);
  top = untouched_from(low);
  depth_init = STACK_PAINT_BYTES - top;
  printf("INIT status=%d name=%s index=%d offset=%u counter=0 stack=%u\n", (int)st,
         pyrt_status_name(st), st == PYRT_OK ? -1 : (int)diag.index,
         st == PYRT_OK ? 0u : (unsigned)diag.offset, (unsigned)depth_init);
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }

  have_input = input != NULL && input_len >= INPUT_HEADER_BYTES && rd32(input) == INPUT_MAGIC &&
               rd32(input + 4) == info.n_inputs && info.n_inputs <= INPUT_MAX_N;
  if (input != NULL && !have_input) {
    puts("ERROR reason=input-header");
    return finish(EXIT_DATA);
  }
  rc = load_inputs(m, info.n_inputs, input, input_len, have_input, 1);
  if (rc != 0) {
    return finish(rc);
  }

  pyrt_set_hook(m, NULL, NULL);
  marker();
  st = pyrt_invoke(m);
  marker();
  printf("WARMUP status=%d name=%s counter=0\n", (int)st, pyrt_status_name(st));
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }

  rc = load_inputs(m, info.n_inputs, input, input_len, have_input, 0);
  if (rc != 0) {
    return finish(rc);
  }
  n_ops = pyrt_num_ops(m);
  pyrt_set_hook(m, op_hook, NULL);
  low = paint_below();
  marker();
  st = pyrt_invoke(m);
  marker();
  top = untouched_from(low);
  depth_invoke = STACK_PAINT_BYTES - top;
  pyrt_set_hook(m, NULL, NULL);
  for (i = 0; i < n_ops && i < MAX_OPS; i++) {
    printf("OP index=%u code=%u counter=0\n", (unsigned)i, (unsigned)op_codes[i]);
  }
  printf("INVOKE status=%d name=%s counter=0 stack=%u\n", (int)st, pyrt_status_name(st),
         (unsigned)depth_invoke);
  if (st != PYRT_OK) {
    return finish(EXIT_ENGINE);
  }
  for (i = 0; i < info.n_outputs; i++) {
    pyrt_tensor t;
    uint32_t k, bits;
    if (pyrt_output(m, i, &t) != PYRT_OK) {
      return finish(EXIT_ENGINE);
    }
    memcpy(&bits, &t.scale, sizeof bits);
    printf("OUTPUT index=%u type=%u rank=%u dims=", (unsigned)i, (unsigned)t.type,
           (unsigned)t.rank);
    for (k = 0; k < t.rank; k++) {
      printf(k ? "x%d" : "%d", (int)t.dims[k]);
    }
    printf(" scale_bits=0x%08x zero_point=%d bytes=%u hex=", (unsigned)bits, (int)t.zero_point,
           (unsigned)t.bytes);
    for (k = 0; k < t.bytes; k++) {
      printf("%02x", ((const uint8_t *)t.data)[k]);
    }
    printf("\n");
  }
  printf("STACK used=%u size=0 init=%u invoke=%u\n",
         (unsigned)(depth_init > depth_invoke ? depth_init : depth_invoke), (unsigned)depth_init,
         (unsigned)depth_invoke);
  free(arena);
  free(state);
  free(blob);
  free(input);
  return finish(0);
}
