/*
 * libFuzzer target for the C engine: pyrt_query + pyrt_init + pyrt_invoke + pyrt_input /
 * pyrt_output (and the other accessors) on arbitrary bytes, built with
 * -fsanitize=fuzzer,address,undefined by build.sh.
 *
 * - The input is copied into a 16-byte aligned buffer of exactly its length, the arena and the
 *   state are allocated at exactly the sizes pyrt_query reports (arena_bytes, state_bytes), so
 *   AddressSanitizer reports any access past them. Blobs asking for more than 16 MiB of either
 *   are skipped (and kept out of the corpus).
 * - CRC tolerance: byte mutations break the blob's CRC, which would stop nearly every input at
 *   the CRC check. The harness rewrites the CRC field (header offset 12) over [16, total_len)
 *   before pyrt_init, except for inputs whose CRC field's low 5 bits are all set (1 in 32),
 *   which go in as they are so that the CRC check itself stays covered.
 * - Structure-aware custom mutator (LLVMFuzzerCustomMutator): 4 in 10 mutations are
 *   libFuzzer's byte mutations, the rest set one structured field (header, section table,
 *   tensor record, IO index, operator header, tensor index or parameter word; tests/c/blobmut.c)
 *   to a boundary value or a small change, point an operator at another tensor, change a
 *   dimension consistently (byte count and arena size follow), or grow the tensor table past
 *   32,767 records and point an operator at a copy of its own tensor at a high index.
 * - Oracles besides the sanitizers (abort on failure): pyrt_init's return equals diag.status and
 *   leaves *model NULL on failure; an accepted blob has a valid header for pyrt_query, as many
 *   operators as declared, input/output tensors inside the arena, PYRT_E_INDEX past the last
 *   one, and pyrt_invoke returns PYRT_OK and calls the hook twice per operator.
 * - Accepted blobs are invoked unless their estimated work is above INVOKE_MAX_WORK.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blobmut.h"
#include "pyruntime.h"

#define SIZE_CAP (16u << 20) /* arena and state larger than this are skipped */
/* Accepted blobs estimated above this many multiply-accumulates are validated but not invoked:
 * ic_resnet8 and vww_mobilenet (12.5 M, 7.5 M) take 0.3-0.5 s an invoke under the sanitizers
 * and would take most of the fuzzing time; their kernels are reached through the small seeds,
 * and tests/c/mutate_campaign.c invokes every accepted mutant of every model. */
#define INVOKE_MAX_WORK 4000000u

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static void check(int ok) {
  if (!ok) abort();
}

static uint8_t *exact_alloc(size_t n) {
  void *p = NULL;
  check(posix_memalign(&p, 16, n) == 0 && p != NULL);
  return (uint8_t *)p;
}

static uint64_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

static bm_layout g_lay; /* parsed blob (mutator, known-bug filter) */

/* ---------------------------------------------------------------- running one blob */
static unsigned long hook_calls;
static void count_hook(void *user, uint32_t op_index, uint32_t op_code, int end) {
  const pyrt_model *m = (const pyrt_model *)user;
  check(op_index < pyrt_num_ops(m) && (int32_t)op_code == pyrt_op_code(m, op_index));
  check(end == (int)(hook_calls & 1u));
  hook_calls++;
}

static void check_io(pyrt_model *m, int output, uint32_t count, const uint8_t *arena,
                     size_t arena_len, int fill) {
  pyrt_tensor t;
  uint32_t i, k;
  for (i = 0; i < count; ++i) {
    const pyrt_status st = output ? pyrt_output(m, i, &t) : pyrt_input(m, i, &t);
    const uint8_t *d;
    check(st == PYRT_OK);
    d = (const uint8_t *)t.data;
    check(d >= arena && t.bytes <= arena_len && (size_t)(d - arena) <= arena_len - t.bytes);
    check(t.rank <= PYRT_MAX_DIMS);
    if (fill)
      for (k = 0; k < t.bytes; ++k) ((uint8_t *)t.data)[k] = (uint8_t)rng();
  }
  check((output ? pyrt_output(m, count, &t) : pyrt_input(m, count, &t)) == PYRT_E_INDEX);
}

/* Rough multiply-accumulate count of one invoke, from the blob alone: for each operator, its
 * first output's elements times its constant inputs' elements per output channel (the last
 * output dimension); exact for convolutions and fully connected layers, 1 per output element
 * for the others. */
static uint64_t work_estimate(const uint8_t *b, size_t size) {
  uint64_t total = 0;
  uint32_t o, j;
  if (bm_parse(b, size, &g_lay) != 0) return 0;
  for (o = 0; o < g_lay.n_oprecs; ++o) {
    const uint32_t n_in = b[g_lay.op_off[o] + 3], nidx = bm_op_nidx(&g_lay, b, o);
    uint64_t out_elems = 1, const_elems = 0, channels = 1;
    for (j = 0; j < nidx; ++j) {
      const uint32_t t = bm_op_tidx(&g_lay, b, o, j);
      const uint8_t *r = b + g_lay.sec_off[1] + 32u * t;
      uint64_t elems = 1;
      uint32_t k;
      if (t >= g_lay.n_trecs || r[1] > 6) continue;
      for (k = 0; k < r[1]; ++k) elems *= bm_rd16(r + 20 + 2 * k);
      if (j == n_in) {
        out_elems = elems;
        channels = r[1] ? bm_rd16(r + 20 + 2 * (r[1] - 1u)) : 1u;
      } else if (j < n_in && r[2] == 1) {
        const_elems += elems;
      }
    }
    total += out_elems * (const_elems / (channels ? channels : 1u) + 1u);
  }
  return total;
}

static void run_model(pyrt_model *m, const pyrt_info *info, const uint8_t *arena, size_t arena_len,
                      uint32_t crc) {
  uint32_t i;
  check(pyrt_num_ops(m) == info->n_ops);
  for (i = 0; i < info->n_ops; ++i) check(pyrt_op_code(m, i) >= 0);
  check(pyrt_op_code(m, info->n_ops) == -1);
  rng_state = 0x9E3779B97F4A7C15ull ^ crc;
  check_io(m, 0, info->n_inputs, arena, arena_len, 1);
  hook_calls = 0;
  if (crc & 1u) pyrt_set_hook(m, count_hook, m);
  check(pyrt_invoke(m) == PYRT_OK);
  check(hook_calls == ((crc & 1u) ? 2ul * info->n_ops : 0ul));
  check_io(m, 1, info->n_outputs, arena, arena_len, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pyrt_info info;
  pyrt_diag diag;
  pyrt_model *m = (pyrt_model *)1;
  pyrt_status qst, st;
  uint8_t *blob, *arena, *state;
  size_t arena_len, state_len;

  blob = exact_alloc(size);
  if (size) memcpy(blob, data, size);
  if (size >= 32 && (blob[12] & 0x1Fu) != 0x1Fu) bm_fix_crc(blob, size);
  qst = pyrt_query(blob, size, &info);
  arena_len = info.arena_bytes;
  state_len = info.state_bytes ? info.state_bytes : 64u;
  if (arena_len > SIZE_CAP || state_len > SIZE_CAP) {
    free(blob);
    return -1;
  }
  arena = exact_alloc(arena_len);
  state = exact_alloc(state_len);
  st = pyrt_init(&m, state, state_len, blob, size, arena, arena_len, &diag);
  check(st == diag.status);
  if (st == PYRT_OK) {
    check(qst == PYRT_OK && m != NULL);
    if (work_estimate(blob, size) <= INVOKE_MAX_WORK)
      run_model(m, &info, arena, arena_len, bm_rd32(blob + 12));
  } else {
    check(m == NULL);
    check(pyrt_invoke(m) == PYRT_E_ARG);
  }
  free(state);
  free(arena);
  free(blob);
  return 0;
}

/* ---------------------------------------------------------------- structure-aware mutator */

static uint32_t pick(const uint32_t *xs, size_t n) { return xs[rng() % n]; }

static size_t mutate_field(uint8_t *data, size_t size) {
  const uint32_t n = bm_count_fields(&g_lay, data);
  uint32_t vals[BM_MAX_VALUES], cur, v;
  bm_field f;
  size_t nv;
  if (n == 0 || bm_field_at(&g_lay, data, rng() % n, &f) != 0) return 0;
  cur = bm_rd(data + f.off, f.width);
  nv = bm_values(&g_lay, data, &f, vals);
  switch (rng() % 4) {
    case 0: v = cur + 1u + rng() % 16u; break;
    case 1: v = cur - 1u - rng() % 16u; break;
    default: v = nv ? pick(vals, nv) : rng(); break;
  }
  bm_wr(data + f.off, f.width, v);
  return size;
}

/* Point an operator's tensor index at a random tensor (type and shape confusion). */
static size_t mutate_op_index(uint8_t *data, size_t size) {
  uint32_t o, nidx;
  if (g_lay.n_oprecs == 0 || g_lay.n_tensors == 0) return 0;
  o = rng() % g_lay.n_oprecs;
  nidx = bm_op_nidx(&g_lay, data, o);
  if (nidx == 0) return 0;
  bm_wr16(data + g_lay.op_off[o] + 16u + 2u * (rng() % nidx), rng() % g_lay.n_tensors);
  return size;
}

static size_t mutate_dim(uint8_t *data, size_t size) {
  const uint32_t t = g_lay.n_trecs ? rng() % g_lay.n_trecs : 0;
  const uint8_t *r;
  uint32_t k, cur;
  if (g_lay.n_trecs == 0) return 0;
  r = data + g_lay.sec_off[1] + 32u * t;
  if (r[1] == 0 || r[1] > 6) return 0;
  k = rng() % r[1];
  cur = bm_rd16(r + 20 + 2 * k);
  {
    const uint32_t ds[] = {1, 2, cur + 1u, cur * 2u, cur / 2u, 0x7FFF, 0x8000, 0xFFFF,
                           rng() & 0xFFFFu};
    bm_set_dim(&g_lay, data, t, k, pick(ds, sizeof ds / sizeof ds[0]), SIZE_CAP);
  }
  return size;
}

/* Tensor table grown past the int16 range; an operator index moved to a copy of its own
 * tensor record at a high index (same data: a correct engine runs it unchanged). */
static size_t mutate_grow(uint8_t *data, size_t max_size) {
  static uint8_t *tmp;
  static size_t tmp_cap;
  const uint32_t n = g_lay.n_trecs;
  const uint32_t counts[] = {0x7FFF, 0x8000, 0x8001, 0x8002, 0xC000, 0xFFFE, 0xFFFF, n + 1u,
                             n + 1u + rng() % 64u};
  uint32_t n_new = pick(counts, sizeof counts / sizeof counts[0]), o, j, old, x;
  size_t len;
  if (n == 0 || n_new > 0xFFFFu || n_new <= n) return 0;
  len = bm_grow_size(&g_lay, n_new);
  if (len > max_size) return 0;
  if (tmp_cap < len) {
    free(tmp);
    tmp = (uint8_t *)malloc(len);
    tmp_cap = tmp ? len : 0;
    if (!tmp) return 0;
  }
  o = g_lay.n_oprecs ? rng() % g_lay.n_oprecs : 0;
  if (g_lay.n_oprecs == 0 || bm_op_nidx(&g_lay, data, o) == 0) {
    if (bm_grow_tensors(&g_lay, data, n_new, rng() % n, tmp) != len) return 0;
  } else {
    j = rng() % bm_op_nidx(&g_lay, data, o);
    old = bm_op_tidx(&g_lay, data, o, j);
    if (old >= n) old = rng() % n;
    if (bm_grow_tensors(&g_lay, data, n_new, old, tmp) != len) return 0;
    {
      const uint32_t xs[] = {0x7FFF, 0x8000, 0x8001, 0xFFFE, n_new - 1u, n + rng() % (n_new - n)};
      x = pick(xs, sizeof xs / sizeof xs[0]);
    }
    /* the operator record is copied only if it lies before total_len */
    if (x < n_new && g_lay.op_off[o] + 18u + 2u * j <= g_lay.total)
      bm_wr16(tmp + g_lay.op_off[o] + 16u + 2u * j, x);
  }
  memcpy(data, tmp, len);
  return len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  const uint32_t choice = seed % 20u;
  size_t out = 0;
  rng_state = ((uint64_t)seed << 32) ^ 0xD1B54A32D192ED03ull ^ size;
  rng();
  if (choice >= 8 && bm_parse(data, size, &g_lay) == 0) {
    if (choice < 15)
      out = mutate_field(data, size);
    else if (choice < 17)
      out = mutate_op_index(data, size);
    else if (choice < 19)
      out = mutate_dim(data, size);
    else
      out = mutate_grow(data, max_size);
  }
  return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
