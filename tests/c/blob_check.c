/*
 * blob_check: load a pyruntime blob with the C engine under AddressSanitizer/UBSan.
 *
 *   blob_check BLOB [--mutate] [--invoke N] [--input FILE] [--seed S] [--max-invokes K] [--full]
 *
 * Without options: pyrt_query + pyrt_init, prints the info line and the status.
 * --invoke N     N invokes with random inputs (or --input FILE: raw bytes of all inputs,
 *                concatenated in input order, used for every invoke); prints each output as
 *                hex, one line per invoke and output: "invoke <i> output <j> <hex>".
 * --mutate       mutation campaign (truncations, byte patterns in header / section table /
 *                tensor records / IO / operator records with the CRC fixed up, offsets
 *                pointing outside, unknown major version). One line per mutation class with
 *                the count of each status. Mutants that load are invoked (at most
 *                --max-invokes per class, default 64) with random inputs.
 *                Exit status 1 if a truncation, version change or out-of-range offset loads.
 * --full         every truncation length (default: every length outside the CONST section
 *                and 512 sampled lengths inside it).
 * Buffers (blob, arena, state) are malloc'd at exactly the needed length, 16-aligned, so
 * AddressSanitizer catches any overread; a crash aborts with a non-zero status.
 * This is a test tool: stdio and malloc are fine here.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobmut.h"
#include "pyruntime.h"

#define N_STATUS 20
#define MAX_ALLOC (64u << 20)

/* ---------------------------------------------------------------- utilities */
static uint32_t crc_table[256];
static void crc_init(void) {
  uint32_t i, k, c;
  for (i = 0; i < 256; ++i) {
    c = i;
    for (k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32_buf(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) c = (c >> 8) ^ crc_table[(c ^ *p++) & 0xFF];
  return c ^ 0xFFFFFFFFu;
}
static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static void wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
/* Recompute the CRC field if the declared total length fits the buffer. */
static void fix_crc(uint8_t *b, size_t len) {
  uint32_t total;
  if (len < 32) return;
  total = rd32(b + 8);
  if (total < 16 || total > len) return;
  wr32(b + 12, crc32_buf(b + 16, total - 16));
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rng(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

static void *xalloc(size_t n) {
  void *p = NULL;
  if (n == 0) n = 1;
  if (posix_memalign(&p, 16, n) != 0 || !p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    exit(2);
  }
  return p;
}

/* ---------------------------------------------------------------- loading */
static const uint8_t *g_input; /* --input */
static size_t g_input_len;

typedef struct {
  uint8_t *blob, *arena, *state;
  size_t blob_len, arena_len, state_len;
  pyrt_model *m;
  pyrt_diag diag;
  pyrt_status st;
} loaded;

/* Copy `data` into an exact-size aligned buffer and pyrt_init it with an arena and a state
 * of exactly the sizes the (possibly mutated) header asks for (capped at MAX_ALLOC, then
 * the fallback sizes are used and the engine must refuse). */
static void load(loaded *L, const uint8_t *data, size_t len, size_t arena_fallback,
                 size_t state_fallback) {
  pyrt_info info;
  memset(L, 0, sizeof *L);
  L->blob = (uint8_t *)xalloc(len);
  if (len) memcpy(L->blob, data, len);
  L->blob_len = len;
  pyrt_query(L->blob, len, &info);
  L->arena_len = (info.arena_bytes && info.arena_bytes <= MAX_ALLOC) ? info.arena_bytes
                                                                    : arena_fallback;
  L->state_len = (info.state_bytes && info.state_bytes <= MAX_ALLOC) ? info.state_bytes
                                                                    : state_fallback;
  L->arena = (uint8_t *)xalloc(L->arena_len);
  L->state = (uint8_t *)xalloc(L->state_len);
  L->st = pyrt_init(&L->m, L->state, L->state_len, L->blob, L->blob_len, L->arena, L->arena_len,
                    &L->diag);
}

static void unload(loaded *L) {
  free(L->blob);
  free(L->arena);
  free(L->state);
  memset(L, 0, sizeof *L);
}

static void fill_inputs(pyrt_model *m) {
  uint32_t i = 0, k;
  size_t used = 0;
  pyrt_tensor t;
  while (pyrt_input(m, i++, &t) == PYRT_OK) {
    uint8_t *d = (uint8_t *)t.data;
    for (k = 0; k < t.bytes; ++k)
      d[k] = (g_input && used < g_input_len) ? g_input[used++] : (uint8_t)rng();
  }
}

static int invoke_once(pyrt_model *m) {
  pyrt_status st;
  fill_inputs(m);
  st = pyrt_invoke(m);
  if (st != PYRT_OK) {
    fprintf(stderr, "pyrt_invoke: %s\n", pyrt_status_name(st));
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- blob layout */
typedef struct {
  uint32_t total, table_end, n_sec;
  uint32_t sec_off[6], sec_len[6]; /* by id 1..5 */
  uint32_t n_ops, n_tensors;
  uint32_t op_off[65536]; /* absolute offset of each op record */
  uint32_t arena_bytes;
} layout;
static layout g_lay;

static int parse_layout(const uint8_t *b, size_t len, layout *L) {
  uint32_t i, pos;
  memset(L, 0, sizeof *L);
  L->total = rd32(b + 8);
  L->n_sec = rd16(b + 30);
  L->table_end = 32 + 12 * L->n_sec;
  L->n_tensors = rd16(b + 24);
  L->n_ops = rd16(b + 26);
  L->arena_bytes = rd32(b + 20);
  if (L->total > len || L->table_end > L->total) return -1;
  for (i = 0; i < L->n_sec; ++i) {
    uint32_t id = rd32(b + 32 + 12 * i);
    if (id >= 1 && id <= 5) {
      L->sec_off[id] = rd32(b + 32 + 12 * i + 4);
      L->sec_len[id] = rd32(b + 32 + 12 * i + 8);
    }
  }
  pos = L->sec_off[2];
  for (i = 0; i < L->n_ops; ++i) {
    const uint8_t *r = b + pos;
    L->op_off[i] = pos;
    pos += 16 + ((2u * (r[3] + r[4]) + 3u) & ~3u) + 4u * rd16(r + 6);
  }
  return 0;
}

/* ---------------------------------------------------------------- mutation classes */
typedef struct {
  const char *name;
  unsigned long n, counts[N_STATUS + 1], invoked, violations;
} klass;

static void klass_init(klass *k, const char *name) {
  memset(k, 0, sizeof *k);
  k->name = name;
}

static uint8_t *g_orig;
static size_t g_len, g_arena_fallback, g_state_fallback;
static unsigned long g_max_invokes = 64;

/* expect: 0 anything, 1 must fail */
static void run_mutant(klass *k, const uint8_t *data, size_t len, int must_fail) {
  loaded L;
  load(&L, data, len, g_arena_fallback, g_state_fallback);
  k->n++;
  k->counts[(unsigned)L.st < N_STATUS ? (unsigned)L.st : N_STATUS]++;
  if (L.st == PYRT_OK) {
    if (must_fail) {
      k->violations++;
      fprintf(stderr, "%s: mutant %lu loaded (must fail)\n", k->name, k->n);
    } else if (k->invoked < g_max_invokes) {
      k->invoked++;
      if (invoke_once(L.m)) k->violations++;
    }
  }
  unload(&L);
}

static void report(const klass *k) {
  unsigned s;
  printf("%-16s n=%lu", k->name, k->n);
  for (s = 0; s <= N_STATUS; ++s)
    if (k->counts[s])
      printf(" %s=%lu", s < N_STATUS ? pyrt_status_name((pyrt_status)s) : "OTHER", k->counts[s]);
  printf(" invoked=%lu violations=%lu\n", k->invoked, k->violations);
  fflush(stdout);
}

static const struct {
  int kind; /* 0 xor, 1 set */
  uint8_t v;
} patterns[] = {{0, 0xFF}, {0, 0x01}, {0, 0x80}, {1, 0x00}, {1, 0x7F}};
#define N_PATTERNS (sizeof patterns / sizeof patterns[0])

/* every pattern on every byte of [lo, hi), CRC fixed (unless the byte is the CRC field) */
static void mutate_range(klass *k, uint32_t lo, uint32_t hi) {
  uint8_t *buf = (uint8_t *)malloc(g_len);
  uint32_t i;
  size_t p;
  for (i = lo; i < hi && i < g_len; ++i) {
    for (p = 0; p < N_PATTERNS; ++p) {
      memcpy(buf, g_orig, g_len);
      buf[i] = patterns[p].kind ? patterns[p].v : (uint8_t)(buf[i] ^ patterns[p].v);
      if (buf[i] == g_orig[i]) continue;
      if (i < 12 || i >= 16) fix_crc(buf, g_len);
      run_mutant(k, buf, g_len, 0);
    }
  }
  free(buf);
}

static int in_const(uint32_t L) {
  return L > g_lay.sec_off[4] + 16 && L + 16 < g_lay.sec_off[4] + g_lay.sec_len[4];
}

static int campaign(int full) {
  klass k_trunc, k_trunc_fix, k_version, k_hdr, k_sec, k_ten, k_io, k_ops, k_off, k_crc;
  uint8_t *buf = (uint8_t *)malloc(g_len);
  uint32_t L, i, struct_end = 0;
  unsigned long sampled_step;
  int fail = 0;

  klass_init(&k_trunc, "truncate");
  klass_init(&k_trunc_fix, "truncate+crc");
  klass_init(&k_version, "version");
  klass_init(&k_hdr, "header");
  klass_init(&k_sec, "section_table");
  klass_init(&k_ten, "tensors");
  klass_init(&k_io, "io");
  klass_init(&k_ops, "ops");
  klass_init(&k_off, "offsets_outside");
  klass_init(&k_crc, "no_crc_fix");
  for (i = 1; i <= 5; ++i)
    if (i != 4 && g_lay.sec_off[i] + g_lay.sec_len[i] > struct_end)
      struct_end = g_lay.sec_off[i] + g_lay.sec_len[i];
  if (g_lay.sec_off[4] + g_lay.sec_len[4] > struct_end)
    struct_end = g_lay.sec_off[4] + g_lay.sec_len[4];

  /* truncations: plain (header still claims the full length), then with total_len and CRC
   * rewritten so that the structural checks see a consistent but cut blob */
  sampled_step = g_lay.sec_len[4] / 512 + 1;
  for (L = 0; L < g_len; ++L) {
    if (!full && in_const(L) && ((L - g_lay.sec_off[4]) % sampled_step) != 0) continue;
    run_mutant(&k_trunc, g_orig, L, 1);
    memcpy(buf, g_orig, L);
    if (L >= 32) {
      wr32(buf + 8, L);
      fix_crc(buf, L);
    }
    /* a cut inside any section must fail; trailing padding after the last section may not */
    run_mutant(&k_trunc_fix, buf, L, L < struct_end);
  }
  report(&k_trunc);
  report(&k_trunc_fix);

  /* unknown major versions (the CRC does not cover the header's first 16 bytes) */
  {
    static const uint32_t majors[] = {0, 1, 3, 0x100, 0xFFFF};
    for (i = 0; i < sizeof majors / sizeof majors[0]; ++i) {
      memcpy(buf, g_orig, g_len);
      wr16(buf + 4, majors[i]);
      run_mutant(&k_version, buf, g_len, 1);
    }
    report(&k_version);
  }

  mutate_range(&k_hdr, 0, 32);
  report(&k_hdr);
  mutate_range(&k_sec, 32, g_lay.table_end);
  report(&k_sec);
  mutate_range(&k_ten, g_lay.sec_off[1], g_lay.sec_off[1] + g_lay.sec_len[1]);
  report(&k_ten);
  mutate_range(&k_io, g_lay.sec_off[3], g_lay.sec_off[3] + g_lay.sec_len[3]);
  report(&k_io);
  mutate_range(&k_ops, g_lay.sec_off[2], g_lay.sec_off[2] + g_lay.sec_len[2]);
  report(&k_ops);

  /* a flipped byte without CRC fix-up: must be refused (CRC or earlier) unless the byte is
   * outside the CRC range and harmless (bytes 0..15) */
  for (i = 16; i < g_len; i += (g_len > 4096 ? (uint32_t)(g_len / 4096) : 1u)) {
    memcpy(buf, g_orig, g_len);
    buf[i] ^= 0xFF;
    run_mutant(&k_crc, buf, g_len, 1);
  }
  report(&k_crc);

  /* offsets pointing outside */
  {
    const uint32_t total = g_lay.total;
    /* section entries */
    for (i = 0; i < g_lay.n_sec; ++i) {
      const uint32_t e = 32 + 12 * i, off = rd32(g_orig + e + 4), len = rd32(g_orig + e + 8);
      const uint32_t offs[] = {total, total - 4, 0xFFFFFFF0u, 0, 16};
      size_t j;
      for (j = 0; j < sizeof offs / sizeof offs[0]; ++j) {
        if (offs[j] == off) continue;
        memcpy(buf, g_orig, g_len);
        wr32(buf + e + 4, offs[j]);
        fix_crc(buf, g_len);
        run_mutant(&k_off, buf, g_len, len != 0 || offs[j] > total);
      }
      memcpy(buf, g_orig, g_len);
      wr32(buf + e + 8, total - off + 1); /* one byte past the end */
      fix_crc(buf, g_len);
      run_mutant(&k_off, buf, g_len, 1);
      memcpy(buf, g_orig, g_len);
      wr32(buf + e + 8, 0xFFFFFFFFu);
      fix_crc(buf, g_len);
      run_mutant(&k_off, buf, g_len, 1);
    }
    /* tensor data offsets */
    for (i = 0; i < g_lay.n_tensors; ++i) {
      const uint32_t r = g_lay.sec_off[1] + 32 * i;
      const uint32_t bytes = rd32(g_orig + r + 8);
      const uint32_t limit = g_orig[r + 2] ? g_lay.sec_len[4] : g_lay.arena_bytes;
      const uint32_t offs[] = {limit - bytes + 1, limit, 0xFFFFFFF0u, 0x80000000u};
      size_t j;
      for (j = 0; j < sizeof offs / sizeof offs[0]; ++j) {
        memcpy(buf, g_orig, g_len);
        wr32(buf + r + 4, offs[j]);
        fix_crc(buf, g_len);
        run_mutant(&k_off, buf, g_len, 1);
      }
    }
    /* CONST offsets of requantization arrays, scratch offsets */
    for (i = 0; i < g_lay.n_ops; ++i) {
      const uint32_t r = g_lay.op_off[i], code = rd16(g_orig + r);
      const uint32_t pbase = r + 16 + ((2u * (g_orig[r + 3] + g_orig[r + 4]) + 3u) & ~3u);
      int mi = -1;
      if (code == 3 || code == 4) mi = 10;
      if (code == 9) mi = 4;
      if (mi >= 0) {
        const uint32_t clen = g_lay.sec_len[4];
        const uint32_t offs[] = {clen, clen - 1, clen & ~3u, 0x7FFFFFFCu, 0xFFFFFFFCu};
        size_t j, w;
        for (w = 0; w < 2; ++w)
          for (j = 0; j < sizeof offs / sizeof offs[0]; ++j) {
            /* clen - 1 and clen & ~3 are legal for a short i8 shift array */
            if (w == 1 && (j == 1 || j == 2)) continue;
            memcpy(buf, g_orig, g_len);
            wr32(buf + pbase + 4 * ((uint32_t)mi + (uint32_t)w), offs[j]);
            fix_crc(buf, g_len);
            run_mutant(&k_off, buf, g_len, 1);
          }
      }
      memcpy(buf, g_orig, g_len);
      wr32(buf + r + 8, g_lay.arena_bytes);
      wr32(buf + r + 12, 16);
      fix_crc(buf, g_len);
      run_mutant(&k_off, buf, g_len, 1);
      memcpy(buf, g_orig, g_len);
      wr32(buf + r + 8, 0xFFFFFFF0u);
      wr32(buf + r + 12, 0x20u);
      fix_crc(buf, g_len);
      run_mutant(&k_off, buf, g_len, 1);
    }
    report(&k_off);
  }

  fail = k_trunc.violations || k_trunc_fix.violations || k_version.violations ||
         k_off.violations || k_crc.violations || k_hdr.violations || k_sec.violations ||
         k_ten.violations || k_io.violations || k_ops.violations;
  printf("mutate: %s\n", fail ? "FAIL" : "PASS");
  free(buf);
  return fail;
}

/* ---------------------------------------------------------------- main */
int main(int argc, char **argv) {
  const char *path = NULL;
  int mutate = 0, full = 0, i, rc = 0;
  long n_invoke = 0;
  pyrt_info info;
  pyrt_status st;
  loaded L;

  crc_init();
  for (i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--mutate")) mutate = 1;
    else if (!strcmp(argv[i], "--full")) full = 1;
    else if (!strcmp(argv[i], "--invoke") && i + 1 < argc) n_invoke = atol(argv[++i]);
    else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
      rng_state = (uint64_t)strtoull(argv[++i], NULL, 0) * 2654435761u + 1u;
    else if (!strcmp(argv[i], "--max-invokes") && i + 1 < argc)
      g_max_invokes = strtoul(argv[++i], NULL, 0);
    else if (!strcmp(argv[i], "--input") && i + 1 < argc) {
      g_input = bm_read_file(argv[++i], &g_input_len);
      if (!g_input) {
        fprintf(stderr, "cannot read %s\n", argv[i]);
        return 2;
      }
    } else if (argv[i][0] != '-' && !path) path = argv[i];
    else {
      fprintf(stderr,
              "usage: %s BLOB [--mutate] [--full] [--invoke N] [--input FILE] [--seed S] "
              "[--max-invokes K]\n",
              argv[0]);
      return 2;
    }
  }
  if (!path) {
    fprintf(stderr, "usage: %s BLOB [--mutate] [--invoke N]\n", argv[0]);
    return 2;
  }
  g_orig = bm_read_file(path, &g_len);
  if (!g_orig) {
    fprintf(stderr, "cannot read %s\n", path);
    return 2;
  }

  st = pyrt_query(g_orig, g_len, &info);
  printf("query %s format %u.%u blob_bytes %u arena_bytes %u state_bytes %u tensors %u ops %u "
         "inputs %u outputs %u\n",
         pyrt_status_name(st), info.format_major, info.format_minor, info.blob_bytes,
         info.arena_bytes, info.state_bytes, info.n_tensors, info.n_ops, info.n_inputs,
         info.n_outputs);
  g_arena_fallback = info.arena_bytes <= MAX_ALLOC ? info.arena_bytes : 16;
  g_state_fallback = info.state_bytes <= MAX_ALLOC ? info.state_bytes : 256;

  load(&L, g_orig, g_len, g_arena_fallback, g_state_fallback);
  printf("init %s index %d offset %u\n", pyrt_status_name(L.st), (int)L.diag.index,
         (unsigned)L.diag.offset);
  if (L.st != PYRT_OK) {
    unload(&L);
    return 1;
  }
  for (i = 0; i < n_invoke; ++i) {
    uint32_t j = 0, k;
    pyrt_tensor t;
    if (invoke_once(L.m)) {
      rc = 1;
      break;
    }
    while (pyrt_output(L.m, j, &t) == PYRT_OK) {
      printf("invoke %d output %u ", i, j);
      for (k = 0; k < t.bytes; ++k) printf("%02x", ((const uint8_t *)t.data)[k]);
      printf("\n");
      ++j;
    }
  }
  unload(&L);

  if (mutate) {
    if (parse_layout(g_orig, g_len, &g_lay) != 0) {
      fprintf(stderr, "cannot parse layout\n");
      return 2;
    }
    rc |= campaign(full);
  }
  free(g_orig);
  free((void *)g_input);
  return rc;
}
