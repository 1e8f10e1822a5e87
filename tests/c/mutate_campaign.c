/*
 * mutate_campaign: structure-aware mutation campaign against the C engine under
 * AddressSanitizer + UBSan (built by tests/c/Makefile).
 *
 *   mutate_campaign [--save DIR] [--timeout S] [--max-invokes N] [--max-crashes N]
 *                   [--max-rss-mb N] BLOB...
 *
 * For every blob, mutants are made from the structured fields of tests/c/blobmut.c, the CRC
 * fixed up (except for the CRC field itself):
 *   header, sections, tensors, io,      every field of that part set to each of its boundary
 *   op_header, op_index, op_params       values (counts and indices at 0, n-1, n, 0x7FFF, 0x8000,
 *                                        0xFFFE, 0xFFFF; sizes and offsets at the blob's limits;
 *                                        every parameter word of every operator at INT32_MIN,
 *                                        INT32_MAX, -1, 0, the CONST length, ...)
 *   sentinel     0xFFFF (absent optional input) in every tensor index position: must be refused
 *                in input 0 and in every output
 *   huge_dims    each dimension of each tensor at 0x7FFF / 0x8000 / 0xFFFF / 2x / +1, the byte
 *                count made consistent and the arena grown to hold it (up to 64 MiB)
 *   grow         tensor table grown to 32,767 / 32,768 / 32,769 / 65,535 records; then each
 *                operator tensor index in turn moved to a copy of its own record at index
 *                0x7FFF / 0x8000 / 0xFFFE / n-1 / 0xFFFF: the blob means the same model, so a
 *                mutant the engine accepts must give the original's outputs (0xFFFF in an
 *                optional position means "absent", so only memory safety is checked there)
 * Each mutant is loaded with buffers of exactly its length, its arena and state sizes (16-byte
 * aligned, malloc'd: ASan sees any access past them) and invoked when accepted (with
 * --max-invokes N, at most N accepted mutants per blob and class are invoked, spread evenly
 * over the class; the others are only loaded; with --max-crashes N, after N crashes or hangs
 * in a blob's class its remaining mutants are skipped and counted as such). The mutants run
 * in a child process; a sanitizer report, a crash or a mutant running longer than --timeout
 * seconds (default 10) ends the child, the parent saves the mutant (--save DIR, with the
 * child's report as .log), prints the report's summary line and top frames, and resumes after
 * it. A violation (a mutant accepted that must be refused, or an equivalent mutant computing
 * other outputs) is saved too.
 * Output: one line per blob and mutation class with the count of each status, then
 * "campaign: mutants=N accepted=N invoked=N violations=N crashes=N hangs=N peak_rss_mb=N" and
 * one line per distinct crash (by summary and top frames). Exit status 1 on any violation,
 * crash or hang, or a child above --max-rss-mb (default 1024).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blobmut.h"
#include "pyruntime.h"

#define ALLOC_CAP (64u << 20) /* larger arena/state requests get a 16-byte buffer (refusal) */
#define N_STATUS 20

enum { K_HEADER, K_SECTIONS, K_TENSORS, K_IO, K_OP_HEADER, K_OP_INDEX, K_OP_PARAMS, K_SENTINEL,
       K_HUGE_DIMS, K_GROW, N_KLASS };
static const char *const klass_names[N_KLASS] = {"header",    "sections", "tensors",  "io",
                                                 "op_header", "op_index", "op_params", "sentinel",
                                                 "huge_dims", "grow"};

/* One mutant: class and its arguments (meaning per class, see make_mutant). */
typedef struct {
  uint8_t klass;
  uint8_t must_fail; /* 1: accepting it is a violation */
  uint8_t equiv;     /* 1: accepted -> outputs must equal the original's */
  uint32_t a, b, c, v;
  uint32_t pos; /* index among the mutants of its class */
} mutant;

typedef struct {
  unsigned long n, status[N_STATUS + 1], invoked, violations, crashes, hangs, skipped;
} klass_stats;

/* Shared between the parent and the child running the mutants. */
typedef struct {
  volatile uint32_t next; /* first mutant the child has not finished */
  volatile uint32_t cur;  /* mutant the child is running */
  klass_stats k[N_KLASS];
  unsigned long invoked_blob[N_KLASS]; /* invokes of the current blob, per class */
  unsigned long crashed_blob[N_KLASS]; /* crashes and hangs of the current blob, per class */
} shared_state;

static shared_state *g_sh;
static const char *g_save_dir;
static const char *g_name; /* blob file base name */
static uint8_t *g_orig;
static size_t g_len;
static bm_layout g_lay;
static uint8_t *g_ref_out; /* original's outputs, concatenated */
static size_t g_ref_len;

static void *xalloc(size_t n) {
  void *p = NULL;
  if (posix_memalign(&p, 16, n) != 0 || !p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    exit(2);
  }
  return p;
}

/* ---------------------------------------------------------------- the plan */
static mutant *g_plan;
static uint32_t g_n_plan, g_cap_plan;
static uint32_t g_class_total[N_KLASS]; /* mutants of each class in the plan */
static uint32_t g_max_invokes;          /* per blob and class, spread over the class; 0: all */
static uint32_t g_max_crashes;          /* per blob and class, then its other mutants skipped */
static unsigned long *g_invoked_blob; /* invokes of this blob so far, per class (shared) */

static void plan(uint8_t klass, uint32_t a, uint32_t b, uint32_t c, uint32_t v, int must_fail,
                 int equiv) {
  mutant *m;
  if (g_n_plan == g_cap_plan) {
    g_cap_plan = g_cap_plan ? 2 * g_cap_plan : 4096;
    g_plan = (mutant *)realloc(g_plan, g_cap_plan * sizeof *g_plan);
    if (!g_plan) exit(2);
  }
  m = &g_plan[g_n_plan++];
  m->pos = g_class_total[klass]++;
  m->klass = klass;
  m->a = a;
  m->b = b;
  m->c = c;
  m->v = v;
  m->must_fail = (uint8_t)must_fail;
  m->equiv = (uint8_t)equiv;
}

static uint8_t field_klass(unsigned role) {
  if (role <= BM_NSEC) return K_HEADER;
  if (role <= BM_SEC_LEN) return K_SECTIONS;
  if (role <= BM_T_DIM) return K_TENSORS;
  if (role == BM_IO_INDEX) return K_IO;
  if (role == BM_OP_TIDX) return K_OP_INDEX;
  if (role == BM_OP_PARAM) return K_OP_PARAMS;
  return K_OP_HEADER;
}

/* A field value the engine must refuse, whatever the rest of the blob says. */
static int field_must_fail(const bm_field *f, uint32_t v) {
  switch (f->role) {
    case BM_MAGIC:
    case BM_CRC: return 1;
    case BM_MAJOR: return v != 1u;
    case BM_TOTAL: return v < 32u || v > g_len;
    case BM_NSEC: return v == 0u || v > 16u;
    case BM_IO_INDEX: return v >= g_lay.n_tensors;
    case BM_OP_TIDX: return v >= g_lay.n_tensors && v != 0xFFFFu;
    default: return 0;
  }
}

static void build_plan(void) {
  const uint32_t nf = bm_count_fields(&g_lay, g_orig);
  static const uint32_t grow_counts[] = {0x7FFF, 0x8000, 0x8001, 0xFFFF};
  uint32_t vals[BM_MAX_VALUES], k, i, o, j, t, d;
  bm_field f;
  g_n_plan = 0;
  memset(g_class_total, 0, sizeof g_class_total);
  for (k = 0; k < nf; ++k) {
    size_t nv;
    if (bm_field_at(&g_lay, g_orig, k, &f) != 0) break;
    nv = bm_values(&g_lay, g_orig, &f, vals);
    for (i = 0; i < nv; ++i)
      plan(field_klass(f.role), k, 0, 0, vals[i], field_must_fail(&f, vals[i]), 0);
  }
  for (o = 0; o < g_lay.n_oprecs; ++o) {
    const uint32_t n_in = g_orig[g_lay.op_off[o] + 3], nidx = bm_op_nidx(&g_lay, g_orig, o);
    for (j = 0; j < nidx; ++j) plan(K_SENTINEL, o, j, 0, 0xFFFF, j == 0 || j >= n_in, 0);
  }
  for (t = 0; t < g_lay.n_trecs; ++t) {
    const uint8_t *r = g_orig + g_lay.sec_off[1] + 32u * t;
    for (d = 0; d < r[1] && d < 6u; ++d) {
      const uint32_t cur = bm_rd16(r + 20 + 2 * d);
      const uint32_t dims[] = {0x7FFF, 0x8000, 0xFFFF, cur * 2u, cur + 1u};
      for (i = 0; i < sizeof dims / sizeof dims[0]; ++i)
        if (dims[i] != cur && dims[i] <= 0xFFFFu) plan(K_HUGE_DIMS, t, d, 0, dims[i], 0, 0);
    }
  }
  for (i = 0; i < sizeof grow_counts / sizeof grow_counts[0]; ++i) {
    const uint32_t n = grow_counts[i];
    if (n <= g_lay.n_trecs) continue;
    plan(K_GROW, n, 0xFFFFFFFFu, 0, 0, 0, 1); /* grown table, indices unchanged */
    for (o = 0; o < g_lay.n_oprecs; ++o)
      for (j = 0; j < bm_op_nidx(&g_lay, g_orig, o); ++j) {
        const uint32_t xs[] = {0x7FFF, 0x8000, 0xFFFE, n - 1u, 0xFFFF};
        size_t x;
        if (bm_op_tidx(&g_lay, g_orig, o, j) >= g_lay.n_trecs) continue; /* absent input */
        for (x = 0; x < sizeof xs / sizeof xs[0]; ++x) {
          if (xs[x] == 0xFFFF) {
            plan(K_GROW, n, o, j, 0xFFFF, 0, 0);
          } else if (xs[x] >= g_lay.n_trecs && xs[x] < n) {
            plan(K_GROW, n, o, j, xs[x], 0, 1);
          }
        }
      }
  }
}

/* Make mutant m into buf (capacity cap); returns its length. */
static size_t make_mutant(const mutant *m, uint8_t *buf) {
  size_t len = g_len;
  bm_field f;
  if (m->klass == K_GROW) {
    const uint32_t old = m->b == 0xFFFFFFFFu ? 0u : bm_op_tidx(&g_lay, g_orig, m->b, m->c);
    len = bm_grow_tensors(&g_lay, g_orig, m->a, old, buf);
    if (m->b != 0xFFFFFFFFu) bm_wr16(buf + g_lay.op_off[m->b] + 16u + 2u * m->c, m->v);
    bm_fix_crc(buf, len);
    return len;
  }
  memcpy(buf, g_orig, g_len);
  switch (m->klass) {
    case K_SENTINEL: bm_wr16(buf + g_lay.op_off[m->a] + 16u + 2u * m->b, m->v); break;
    case K_HUGE_DIMS: bm_set_dim(&g_lay, buf, m->a, m->b, m->v, ALLOC_CAP); break;
    default:
      bm_field_at(&g_lay, g_orig, m->a, &f);
      bm_wr(buf + f.off, f.width, m->v);
      if (f.role == BM_CRC) return len;
      break;
  }
  bm_fix_crc(buf, len);
  return len;
}

static size_t max_mutant_len(void) {
  size_t n = g_len;
  uint32_t i;
  for (i = 0; i < g_n_plan; ++i)
    if (g_plan[i].klass == K_GROW && bm_grow_size(&g_lay, g_plan[i].a) > n)
      n = bm_grow_size(&g_lay, g_plan[i].a);
  return n;
}

static void describe(const mutant *m, char *out, size_t cap) {
  bm_field f;
  if (m->klass == K_GROW)
    snprintf(out, cap, "grow-n%u-op%d-idx%d-to%u", m->a, m->b == 0xFFFFFFFFu ? -1 : (int)m->b,
             m->b == 0xFFFFFFFFu ? -1 : (int)m->c, m->v);
  else if (m->klass == K_SENTINEL)
    snprintf(out, cap, "sentinel-op%u-idx%u", m->a, m->b);
  else if (m->klass == K_HUGE_DIMS)
    snprintf(out, cap, "dims-t%u-d%u-to%u", m->a, m->b, m->v);
  else if (bm_field_at(&g_lay, g_orig, m->a, &f) == 0)
    snprintf(out, cap, "%s-%s-rec%d-sub%d-at%u-to0x%x", klass_names[m->klass],
             bm_role_name(f.role), (int)f.rec, (int)f.sub, f.off, m->v);
  else
    snprintf(out, cap, "field%u", m->a);
}

static void save(const char *tag, uint32_t idx, const uint8_t *b, size_t len, char *path,
                 size_t cap) {
  char d[160];
  FILE *fp;
  path[0] = 0;
  if (!g_save_dir) return;
  describe(&g_plan[idx], d, sizeof d);
  snprintf(path, cap, "%s/%s-%s-%u-%s.blob", g_save_dir, g_name, tag, idx, d);
  fp = fopen(path, "wb");
  if (!fp || fwrite(b, 1, len, fp) != len) fprintf(stderr, "cannot write %s\n", path);
  if (fp) fclose(fp);
}

/* ---------------------------------------------------------------- running */
typedef struct {
  uint8_t *blob, *arena, *state;
  pyrt_model *m;
  pyrt_status st;
} loaded;

static pyrt_status load(loaded *L, const uint8_t *data, size_t len) {
  pyrt_info info;
  size_t arena_len, state_len;
  L->blob = (uint8_t *)xalloc(len ? len : 1);
  memcpy(L->blob, data, len);
  pyrt_query(L->blob, len, &info);
  arena_len = info.arena_bytes <= ALLOC_CAP ? info.arena_bytes : 16u;
  state_len = info.state_bytes && info.state_bytes <= ALLOC_CAP ? info.state_bytes : 16u;
  L->arena = (uint8_t *)xalloc(arena_len);
  L->state = (uint8_t *)xalloc(state_len);
  L->st = pyrt_init(&L->m, L->state, state_len, L->blob, len, L->arena, arena_len, NULL);
  return L->st;
}

static void unload(loaded *L) {
  free(L->blob);
  free(L->arena);
  free(L->state);
}

/* Fixed pseudo-random inputs; invoke; the outputs concatenated into *out (malloc'd). */
static size_t run(pyrt_model *m, uint8_t **out) {
  uint64_t s = 0x2545F4914F6CDD1Dull;
  pyrt_tensor t;
  uint32_t i, k;
  size_t n = 0;
  for (i = 0; pyrt_input(m, i, &t) == PYRT_OK; ++i)
    for (k = 0; k < t.bytes; ++k) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      ((uint8_t *)t.data)[k] = (uint8_t)(s >> 56);
    }
  if (pyrt_invoke(m) != PYRT_OK) return (size_t)-1;
  *out = NULL;
  for (i = 0; pyrt_output(m, i, &t) == PYRT_OK; ++i) {
    *out = (uint8_t *)realloc(*out, n + t.bytes + 1);
    memcpy(*out + n, t.data, t.bytes);
    n += t.bytes;
  }
  return n;
}

/* With --max-invokes N, the budget of a class grows evenly along its mutants: an accepted
 * mutant at position p is invoked while fewer than N * (p + 1) / total were. */
static int invoke_due(const mutant *mu) {
  if (!g_max_invokes) return 1;
  return (uint64_t)g_invoked_blob[mu->klass] * g_class_total[mu->klass] <
         (uint64_t)g_max_invokes * (mu->pos + 1u);
}

static void run_mutant(uint32_t idx, uint8_t *buf) {
  const mutant *mu = &g_plan[idx];
  klass_stats *k = &g_sh->k[mu->klass];
  const size_t len = make_mutant(mu, buf);
  char path[512];
  loaded L;
  k->n++;
  load(&L, buf, len);
  k->status[(unsigned)L.st < N_STATUS ? (unsigned)L.st : N_STATUS]++;
  if (L.st == PYRT_OK && invoke_due(mu)) {
    uint8_t *out = NULL;
    size_t n;
    k->invoked++;
    g_invoked_blob[mu->klass]++;
    n = run(L.m, &out);
    if (mu->must_fail || n == (size_t)-1 ||
        (mu->equiv && (n != g_ref_len || memcmp(out, g_ref_out, n) != 0))) {
      k->violations++;
      save("violation", idx, buf, len, path, sizeof path);
      fprintf(stderr, "VIOLATION %s mutant %u (%s): %s\n", g_name, idx, klass_names[mu->klass],
              mu->must_fail ? "accepted, must be refused"
              : n == (size_t)-1 ? "pyrt_invoke failed"
                                : "outputs differ from the original's");
    }
    free(out);
  }
  unload(&L);
}

static void child(uint32_t timeout) {
  uint8_t *buf = (uint8_t *)malloc(max_mutant_len());
  uint32_t i;
  signal(SIGALRM, SIG_DFL);
  for (i = g_sh->next; i < g_n_plan; ++i) {
    const uint8_t c = g_plan[i].klass;
    g_sh->cur = i;
    if (g_max_crashes && g_sh->crashed_blob[c] >= g_max_crashes) {
      g_sh->k[c].skipped++;
      g_sh->next = i + 1;
      continue;
    }
    alarm(timeout);
    run_mutant(i, buf);
    g_sh->next = i + 1;
  }
  alarm(0);
  free(buf);
  _exit(0);
}

/* ---------------------------------------------------------------- crash reports */
#define MAX_DISTINCT 64
static char g_distinct[MAX_DISTINCT][1024];
static unsigned long g_distinct_n[MAX_DISTINCT];
static char g_distinct_repro[MAX_DISTINCT][512];
static unsigned g_n_distinct;

/* The report's SUMMARY line and its first three frames: the de-duplication key. */
static void crash_key(const char *log_path, char *key, size_t cap) {
  FILE *fp = fopen(log_path, "r");
  char line[1024], summary[512] = "", frames[512] = "";
  int nframes = 0;
  key[0] = 0;
  if (!fp) return;
  while (fgets(line, sizeof line, fp)) {
    char *in = strstr(line, " in ");
    line[strcspn(line, "\n")] = 0;
    if (!strncmp(line, "SUMMARY:", 8) && !summary[0]) snprintf(summary, sizeof summary, "%.400s", line);
    if (nframes < 3 && strstr(line, "    #") == line && in) {
      const size_t used = strlen(frames);
      snprintf(frames + used, sizeof frames - used, "%s%.160s", nframes ? " < " : "", in + 4);
      nframes++;
    }
  }
  fclose(fp);
  snprintf(key, cap, "%.400s | %.500s", summary[0] ? summary : "(no sanitizer summary)", frames);
}

static void record_crash(uint32_t idx, int hang, const char *log_path) {
  const mutant *mu = &g_plan[idx];
  char path[512], key[1024];
  uint8_t *buf = (uint8_t *)malloc(max_mutant_len());
  const size_t len = make_mutant(mu, buf);
  unsigned i;
  save(hang ? "hang" : "crash", idx, buf, len, path, sizeof path);
  free(buf);
  if (hang) {
    g_sh->k[mu->klass].hangs++;
    snprintf(key, sizeof key, "hang (> timeout) in class %s", klass_names[mu->klass]);
  } else {
    g_sh->k[mu->klass].crashes++;
    crash_key(log_path, key, sizeof key);
  }
  if (path[0] && log_path) {
    char lp[600];
    snprintf(lp, sizeof lp, "%s.log", path);
    rename(log_path, lp);
  }
  for (i = 0; i < g_n_distinct; ++i)
    if (!strcmp(g_distinct[i], key)) break;
  if (i == g_n_distinct && g_n_distinct < MAX_DISTINCT) {
    snprintf(g_distinct[i], sizeof g_distinct[i], "%s", key);
    snprintf(g_distinct_repro[i], sizeof g_distinct_repro[i], "%s", path[0] ? path : "(--save)");
    g_n_distinct++;
  }
  if (i < MAX_DISTINCT) g_distinct_n[i]++;
  fprintf(stderr, "%s %s mutant %u (%s): %s\n", hang ? "HANG" : "CRASH", g_name, idx,
          klass_names[mu->klass], key);
}

/* The child's violation lines (its stderr goes to log_path) on our stderr. */
static void echo_violations(const char *log_path) {
  FILE *fp = fopen(log_path, "r");
  char line[1024];
  while (fp && fgets(line, sizeof line, fp))
    if (!strncmp(line, "VIOLATION", 9)) fputs(line, stderr);
  if (fp) fclose(fp);
}

/* Run every planned mutant in children; resume after each one that kills its child. */
static void run_plan(uint32_t timeout) {
  char log_path[512];
  snprintf(log_path, sizeof log_path, "%s/child-%d.log", g_save_dir ? g_save_dir : "/tmp",
           (int)getpid());
  g_sh->next = 0;
  while (g_sh->next < g_n_plan) {
    int wst;
    pid_t pid;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
      perror("fork");
      exit(2);
    }
    if (pid == 0) {
      if (!freopen(log_path, "w", stderr)) _exit(3);
      setvbuf(stderr, NULL, _IONBF, 0); /* a sanitizer's exit must not lose our lines */
      child(timeout);
    }
    waitpid(pid, &wst, 0);
    echo_violations(log_path);
    if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0) break;
    record_crash(g_sh->cur, WIFSIGNALED(wst) && WTERMSIG(wst) == SIGALRM, log_path);
    g_sh->crashed_blob[g_plan[g_sh->cur].klass]++;
    g_sh->next = g_sh->cur + 1;
  }
  remove(log_path);
}

/* ---------------------------------------------------------------- main */
/* Stacks in UBSan reports (the de-duplication key uses the top frames); no leak check in the
 * children, which leave with _exit. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) { return "print_stacktrace=1"; }

static void report(const char *name, const klass_stats *before) {
  unsigned c, s;
  for (c = 0; c < N_KLASS; ++c) {
    const klass_stats *k = &g_sh->k[c], *b = &before[c];
    if (k->n == b->n) continue;
    printf("%s %-10s n=%lu", name, klass_names[c], k->n - b->n);
    for (s = 0; s <= N_STATUS; ++s)
      if (k->status[s] != b->status[s])
        printf(" %s=%lu", s < N_STATUS ? pyrt_status_name((pyrt_status)s) : "OTHER",
               k->status[s] - b->status[s]);
    printf(" invoked=%lu skipped=%lu violations=%lu crashes=%lu hangs=%lu\n",
           k->invoked - b->invoked, k->skipped - b->skipped, k->violations - b->violations,
           k->crashes - b->crashes, k->hangs - b->hangs);
  }
  fflush(stdout);
}

static int campaign_blob(const char *path, uint32_t timeout) {
  klass_stats before[N_KLASS];
  loaded L;
  const char *slash = strrchr(path, '/');
  g_name = slash ? slash + 1 : path;
  g_orig = bm_read_file(path, &g_len);
  if (!g_orig || bm_parse(g_orig, g_len, &g_lay) != 0) {
    fprintf(stderr, "cannot read blob %s\n", path);
    return 2;
  }
  if (load(&L, g_orig, g_len) != PYRT_OK) {
    fprintf(stderr, "%s: the original does not load (%s)\n", path, pyrt_status_name(L.st));
    unload(&L);
    return 2;
  }
  g_ref_len = run(L.m, &g_ref_out);
  unload(&L);
  build_plan();
  memset(g_sh->invoked_blob, 0, sizeof g_sh->invoked_blob);
  memset(g_sh->crashed_blob, 0, sizeof g_sh->crashed_blob);
  memcpy(before, g_sh->k, sizeof before);
  run_plan(timeout);
  report(g_name, before);
  free(g_ref_out);
  free(g_orig);
  return 0;
}

int main(int argc, char **argv) {
  uint32_t timeout = 10, max_rss_mb = 1024, c;
  unsigned long tot_n = 0, tot_ok = 0, tot_inv = 0, tot_viol = 0, tot_crash = 0, tot_hang = 0;
  struct rusage ru;
  long peak_mb;
  int i, rc = 0, nblobs = 0;
  g_sh = (shared_state *)mmap(NULL, sizeof *g_sh, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (g_sh == MAP_FAILED) return 2;
  memset(g_sh, 0, sizeof *g_sh);
  g_invoked_blob = g_sh->invoked_blob;
  for (i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--save") && i + 1 < argc) {
      g_save_dir = argv[++i];
      if (mkdir(g_save_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mutate_campaign: cannot create --save directory %s: %s\n", g_save_dir,
                strerror(errno));
        return 2;
      }
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      timeout = (uint32_t)strtoul(argv[++i], NULL, 0);
    } else if (!strcmp(argv[i], "--max-invokes") && i + 1 < argc) {
      g_max_invokes = (uint32_t)strtoul(argv[++i], NULL, 0);
    } else if (!strcmp(argv[i], "--max-crashes") && i + 1 < argc) {
      g_max_crashes = (uint32_t)strtoul(argv[++i], NULL, 0);
    } else if (!strcmp(argv[i], "--max-rss-mb") && i + 1 < argc) {
      max_rss_mb = (uint32_t)strtoul(argv[++i], NULL, 0);
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: %s [--save DIR] [--timeout S] [--max-invokes N] [--max-crashes N] [--max-rss-mb N] BLOB...\n", argv[0]);
      return 2;
    } else {
      if (campaign_blob(argv[i], timeout) != 0) return 2;
      nblobs++;
    }
  }
  if (!nblobs) {
    fprintf(stderr, "usage: %s [--save DIR] [--timeout S] [--max-invokes N] [--max-crashes N] [--max-rss-mb N] BLOB...\n", argv[0]);
    return 2;
  }
  for (c = 0; c < N_KLASS; ++c) {
    tot_n += g_sh->k[c].n;
    tot_ok += g_sh->k[c].status[PYRT_OK];
    tot_inv += g_sh->k[c].invoked;
    tot_viol += g_sh->k[c].violations;
    tot_crash += g_sh->k[c].crashes;
    tot_hang += g_sh->k[c].hangs;
  }
  getrusage(RUSAGE_CHILDREN, &ru);
  peak_mb = ru.ru_maxrss / 1024; /* kilobytes on Linux */
  printf("campaign: mutants=%lu accepted=%lu invoked=%lu violations=%lu crashes=%lu hangs=%lu "
         "peak_rss_mb=%ld\n",
         tot_n, tot_ok, tot_inv, tot_viol, tot_crash, tot_hang, peak_mb);
  for (c = 0; c < g_n_distinct; ++c)
    printf("distinct crash %u (%lu mutants, e.g. %s): %s\n", c + 1, g_distinct_n[c],
           g_distinct_repro[c], g_distinct[c]);
  if (tot_viol || tot_crash || tot_hang || peak_mb > (long)max_rss_mb) rc = 1;
  free(g_plan);
  return rc;
}
