/*
 * kernel_test core (see kernel_test.h): case generation, the two runs, the comparison, reports.
 * Platform independent: the Cortex-M main (main.c) and the Linux main (linux/main.c) call kt_run.
 */
#include "kernel_test.h"

#include <stddef.h>
#include <string.h>

#include "kernels/kernels.h"

/* The second copy of the reference kernels (-DPYRT_REF_KERNELS_ONLY=1): pyrt_ref_<name>. */
#define KT_DECLARE_REF(ret, name, args) ret pyrt_ref_##name args;
PYRT_KERNEL_LIST(KT_DECLARE_REF)

/* ---- console lines ---- */

static char kt_line[1024];
static uint32_t kt_len;

static void put_s(const char *s) {
  while (*s && kt_len + 2u < sizeof kt_line) kt_line[kt_len++] = *s++;
}

static void put_u(uint32_t v) {
  char b[11];
  int n = 0;
  do {
    b[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v);
  while (n > 0 && kt_len + 2u < sizeof kt_line) kt_line[kt_len++] = b[--n];
}

static void put_i(int64_t v) {
  uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
  char b[21];
  int n = 0;
  if (v < 0) put_s("-");
  do {
    b[n++] = (char)('0' + (int)(u % 10u));
    u /= 10u;
  } while (u);
  while (n > 0 && kt_len + 2u < sizeof kt_line) kt_line[kt_len++] = b[--n];
}

static void kv_s(const char *k, const char *v) {
  put_s(" ");
  put_s(k);
  put_s("=");
  put_s(v);
}

static void kv_i(const char *k, int64_t v) {
  put_s(" ");
  put_s(k);
  put_s("=");
  put_i(v);
}

/* " key=AxB" or " key=AxBxCxD" */
static void kv_dims(const char *k, const int32_t *v, int n) {
  int i;
  put_s(" ");
  put_s(k);
  put_s("=");
  for (i = 0; i < n; ++i) {
    if (i) put_s("x");
    put_i(v[i]);
  }
}

static void kv_range(const char *k, int32_t lo, int32_t hi) {
  put_s(" ");
  put_s(k);
  put_s("=");
  put_i(lo);
  put_s("..");
  put_i(hi);
}

static void line_start(const char *key) {
  kt_len = 0;
  put_s(key);
}

static void line_end(void) {
  kt_line[kt_len++] = '\n';
  kt_line[kt_len] = '\0';
  kt_write(kt_line);
}

/* ---- pseudo-random numbers: xorshift32, one stream per (seed, kernel, case) ---- */

typedef struct {
  uint32_t s;
} kt_rng;

static uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

static uint32_t name_hash(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
  return h;
}

static uint32_t rnd(kt_rng *r) {
  uint32_t x = r->s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  r->s = x;
  return x;
}

static int32_t wrap32(uint32_t u) { return (u & 0x80000000u) ? -(int32_t)(~u) - 1 : (int32_t)u; }

/* uniform in [lo, hi] */
static int32_t rnd_in(kt_rng *r, int32_t lo, int32_t hi) {
  const uint32_t span = (uint32_t)hi - (uint32_t)lo + 1u;
  return wrap32((uint32_t)lo + (span ? rnd(r) % span : rnd(r)));
}

/* 1 with probability 1/n */
static int one_in(kt_rng *r, uint32_t n) { return rnd(r) % n == 0u; }

static int32_t pick(kt_rng *r, const int32_t *v, uint32_t n) { return v[rnd(r) % n]; }

static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

/* ---- the case pool: exactly sized buffers between guard bytes ---- */

#define KT_GUARD 16u
#define KT_MAX_BUFS 16
#define KT_FILL_FAST 0x5Au /* outputs are pre-filled differently: an unwritten byte differs */
#define KT_FILL_REF 0xA5u

typedef struct {
  const char *name;
  uint8_t *p;
  uint32_t bytes;
  uint32_t misalign;
  int input;
} kt_buf;

typedef struct {
  const kt_config *cfg;
  const char *kernel;
  uint32_t index; /* case index */
  kt_rng r;
  uint8_t *base;
  uint32_t size, used;
  kt_buf bufs[KT_MAX_BUFS];
  int n_bufs;
  int overflow;
  uint32_t in_hash;
} kt_case;

static uint8_t guard_byte(uint32_t i) { return (uint8_t)(0xC3u ^ (i * 37u)); }

/* A buffer of `bytes` whose address is `misalign` past a multiple of 16 (misalign a multiple
 * of the element alignment), KT_GUARD guard bytes before and after it. Inputs are random. */
static void *kt_alloc(kt_case *c, const char *name, uint32_t bytes, uint32_t misalign, int input) {
  uint32_t start = (c->used + KT_GUARD + 15u) & ~15u, i;
  kt_buf *b;
  start += misalign;
  if (c->n_bufs == KT_MAX_BUFS || start + bytes + KT_GUARD > c->size) {
    c->overflow = 1;
    return (void *)0;
  }
  b = &c->bufs[c->n_bufs++];
  b->name = name;
  b->p = c->base + start;
  b->bytes = bytes;
  b->misalign = misalign;
  b->input = input;
  for (i = 0; i < KT_GUARD; ++i) {
    b->p[-(int32_t)KT_GUARD + (int32_t)i] = guard_byte(i);
    b->p[bytes + i] = guard_byte(i + KT_GUARD);
  }
  c->used = start + bytes + KT_GUARD;
  return b->p;
}

/* Where a buffer of `bytes` (elements of `elem` bytes) starts past a multiple of 16. The
 * converter (pyruntime/convert.py, planner.py) places every arena tensor and every constant of
 * 16 bytes or more 16-aligned, smaller constants at their element alignment: the default. With
 * KT_FLAG_ANY_ALIGN, any buffer at any element-aligned address, as far as the blob format and
 * pyrt_init allow (docs/blob_format.md: "aligned to the element size at least"). Half the
 * smaller or freely placed buffers are 16-aligned anyway. */
static uint32_t rnd_misalign(kt_case *c, uint32_t elem, uint32_t bytes) {
  if (bytes >= 16u && !(c->cfg->flags & KT_FLAG_ANY_ALIGN)) return 0u;
  return one_in(&c->r, 2) ? 0u : (rnd(&c->r) % 16u) & ~(elem - 1u);
}

static int8_t *alloc_i8(kt_case *c, const char *name, uint32_t n) {
  return (int8_t *)kt_alloc(c, name, n, rnd_misalign(c, 1, n), 1);
}
static int16_t *alloc_i16(kt_case *c, const char *name, uint32_t n) {
  return (int16_t *)kt_alloc(c, name, 2u * n, rnd_misalign(c, 2, 2u * n), 1);
}
static int32_t *alloc_i32(kt_case *c, const char *name, uint32_t n) {
  return (int32_t *)kt_alloc(c, name, 4u * n, rnd_misalign(c, 4, 4u * n), 1);
}
static int64_t *alloc_i64(kt_case *c, const char *name, uint32_t n) {
  return (int64_t *)kt_alloc(c, name, 8u * n, rnd_misalign(c, 8, 8u * n), 1);
}

static uint32_t inputs_hash(const kt_case *c) {
  uint32_t h = 2166136261u, i;
  int k;
  for (k = 0; k < c->n_bufs; ++k)
    if (c->bufs[k].input)
      for (i = 0; i < c->bufs[k].bytes; ++i) h = (h ^ c->bufs[k].p[i]) * 16777619u;
  return h;
}

/* ---- random data and parameters ---- */

static const int32_t kt_channels[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33};
#define KT_N_CHANNELS ((uint32_t)(sizeof kt_channels / sizeof kt_channels[0]))

/* A channel count <= max: mostly odd and tiny ones, sometimes any. */
static int32_t rnd_channels(kt_rng *r, int32_t max) {
  int32_t v;
  if (one_in(r, 4)) return rnd_in(r, 1, max);
  do v = pick(r, kt_channels, KT_N_CHANNELS);
  while (v > max);
  return v;
}

/* int8 data: uniform, only the extremes, nearly all one extreme (sums at the limit of 16-bit
 * lanes), constant (often 0, lo or hi), or a narrow band. */
static void fill_i8(kt_rng *r, int8_t *p, uint32_t n, int32_t lo, int32_t hi) {
  const int32_t special[3] = {0, lo, hi};
  const uint32_t mode = rnd(r) % 10u;
  const int32_t c = one_in(r, 3) ? rnd_in(r, lo, hi) : pick(r, special, 3), w = rnd_in(r, 0, 8);
  const int32_t extreme = one_in(r, 2) ? lo : hi;
  uint32_t i;
  for (i = 0; i < n; ++i) {
    int32_t v;
    if (mode == 0u)
      v = (rnd(r) & 1u) ? lo : hi;
    else if (mode == 1u)
      v = c;
    else if (mode == 2u)
      v = one_in(r, 32) ? max32(lo, min32(hi, extreme + rnd_in(r, -8, 8))) : extreme;
    else if (mode == 3u)
      v = max32(lo, min32(hi, c + rnd_in(r, -w, w)));
    else
      v = rnd_in(r, lo, hi);
    p[i] = (int8_t)v;
  }
}

/* Activations of a layer with input offset `in_off`: fill_i8, or (1 in 6) mostly the zero
 * point, as after a ReLU or in padding (accumulators then equal the bias exactly). */
static void fill_x8(kt_rng *r, int8_t *p, uint32_t n, int32_t in_off) {
  const uint32_t keep = rnd(r) % 4u; /* of 4, how many elements stay random */
  uint32_t i;
  fill_i8(r, p, n, -128, 127);
  if (one_in(r, 6))
    for (i = 0; i < n; ++i)
      if (rnd(r) % 4u >= keep) p[i] = (int8_t)-in_off;
}

static void fill_i16(kt_rng *r, int16_t *p, uint32_t n) {
  const uint32_t mode = rnd(r) % 8u;
  const int32_t bits = rnd_in(r, 1, 15);
  uint32_t i;
  for (i = 0; i < n; ++i) {
    int32_t v = rnd_in(r, -32768, 32767);
    if (mode == 0u) v = (rnd(r) & 1u) ? -32768 : 32767;
    if (mode <= 3u && mode > 0u) v >>= 15 - bits;
    p[i] = (int16_t)v;
  }
}

/* input_offset (minus the zero point) in [-127, 128], both ends often */
static int32_t rnd_in_off(kt_rng *r) {
  static const int32_t special[] = {-127, 128, 0, -1, 1};
  return one_in(r, 2) ? pick(r, special, 5) : rnd_in(r, -127, 128);
}

static int32_t rnd_out_off(kt_rng *r) {
  static const int32_t special[] = {-128, 127, 0};
  return one_in(r, 2) ? pick(r, special, 3) : rnd_in(r, -128, 127);
}

/* Activation clamp within [lo, hi]: none, ReLU-like from the zero point, narrow, one value. */
static void rnd_act(kt_rng *r, int32_t lo, int32_t hi, int32_t zp, int32_t *amin, int32_t *amax) {
  const uint32_t mode = rnd(r) % 5u;
  int32_t a = rnd_in(r, lo, hi), b = rnd_in(r, lo, hi);
  if (mode <= 1u) {
    a = lo;
    b = hi;
  } else if (mode == 2u) {
    a = max32(zp, lo);
    b = one_in(r, 2) ? hi : min32(hi, a + rnd_in(r, 0, (hi - lo) / 4));
  } else if (mode == 3u) {
    b = a;
  }
  *amin = min32(a, b);
  *amax = max32(a, b);
}

static const int32_t kt_special_mult[] = {0,         1,         1 << 30,      INT32_MAX,
                                          (1 << 30) + 1, INT32_MAX - 1, 3 << 29, 2};
#define KT_N_SPECIAL_MULT 8u

/* Requantization regimes of a layer (per case) */
enum {
  RQ_REAL,   /* normalised multipliers, shifts near the estimate: outputs inside the range */
  RQ_SCALED, /* the same scales with any shift, multipliers not normalised (shifts >= 0 too) */
  RQ_WILD,   /* the full ranges, specials often */
  RQ_MIXED,  /* each channel real, scaled or wild */
  RQ_CORNER  /* specials only, shifts at their ends and around 0 */
};

/* One multiplier / shift pair of a regime; `shift0` is the shift of a realistic scale. */
static void rnd_requant1(kt_rng *r, int regime, int32_t shift0, int32_t smin, int32_t smax,
                         int32_t *mult, int8_t *shift) {
  const int32_t te = max32(smin, min32(smax, shift0 + rnd_in(r, -2, 2)));
  if (regime == RQ_MIXED) regime = one_in(r, 3) ? RQ_WILD : (one_in(r, 2) ? RQ_REAL : RQ_SCALED);
  if (regime == RQ_REAL || regime == RQ_SCALED) {
    /* scale m / 2^31 x 2^te = (m >> (sh - te)) / 2^31 x 2^sh for sh in [te, te + 30] */
    const int32_t m = rnd_in(r, 1 << 30, INT32_MAX), hi = min32(smax, te + 30);
    int32_t sh = te;
    if (regime == RQ_SCALED) sh = (one_in(r, 3) && hi >= 1) ? max32(te, rnd_in(r, -1, 1))
                                                            : rnd_in(r, te, hi);
    *mult = m >> (sh - te);
    *shift = (int8_t)sh;
  } else {
    const int corner = regime == RQ_CORNER;
    const int32_t near0 = max32(smin, min32(smax, rnd_in(r, -1, 1)));
    *mult = (corner || one_in(r, 3)) ? pick(r, kt_special_mult, KT_N_SPECIAL_MULT)
                                     : rnd_in(r, 0, INT32_MAX);
    if (corner || one_in(r, 3))
      *shift = (int8_t)(one_in(r, 3) ? near0 : (one_in(r, 2) ? smin : smax));
    else
      *shift = (int8_t)rnd_in(r, smin, smax);
  }
}

/* n per-channel pairs of one regime. `acc_bits` estimates the magnitude of an accumulator
 * (log2), so realistic outputs land inside the int8/int16 range. */
static void rnd_requant(kt_rng *r, int regime, uint32_t n, int32_t acc_bits, int32_t out_bits,
                        int32_t smin, int32_t smax, int32_t *mult, int8_t *shift) {
  const int32_t shift0 = out_bits - 1 - acc_bits;
  uint32_t i;
  for (i = 0; i < n; ++i) rnd_requant1(r, regime, shift0, smin, smax, &mult[i], &shift[i]);
}

/* Bias values: small (|b| <= 2^acc_bits), or (wild) the int32/int64 extremes and anything, or
 * (corner) extremes only. */
static int64_t rnd_bias(kt_rng *r, int regime, int wide, int32_t acc_bits) {
  static const int32_t special32[] = {INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1, 0,
                                      -1, 1};
  const int32_t m = (int32_t)1 << min32(30, acc_bits);
  if (regime == RQ_CORNER || ((regime == RQ_WILD || regime == RQ_MIXED) && one_in(r, 2))) {
    if (wide && !one_in(r, 3)) {
      const uint64_t u = ((uint64_t)rnd(r) << 32) | rnd(r);
      if (regime == RQ_CORNER || one_in(r, 2)) return one_in(r, 2) ? INT64_MIN : INT64_MAX;
      return (u >> 63) ? -(int64_t)(~u) - 1 : (int64_t)u;
    }
    if (regime == RQ_CORNER || one_in(r, 2)) return pick(r, special32, 7);
    return rnd_in(r, INT32_MIN, INT32_MAX);
  }
  return rnd_in(r, -m, m);
}

static int32_t log2_ceil(uint32_t v) {
  int32_t b = 0;
  while (b < 31 && ((uint32_t)1 << b) < v) ++b;
  return b;
}

/* MAC budget of one case: log-uniform in [2^9, 2^15] (most cases small, some large). */
static uint32_t rnd_budget(kt_rng *r) { return (uint32_t)1 << rnd_in(r, 9, 15); }

/* ---- geometry: TFLite's output size and padding (pyrt_check_window) ---- */

/* out and pad of one axis; 0 when VALID leaves no output. */
static int window_axis(int32_t in, int32_t k, int32_t stride, int32_t dil, int same,
                       int32_t *out, int32_t *pad) {
  const int32_t eff = (k - 1) * dil + 1;
  int32_t total;
  if (same)
    *out = (in + stride - 1) / stride;
  else if (in >= eff)
    *out = (in - eff) / stride + 1;
  else
    return 0;
  total = (*out - 1) * stride + eff - in;
  *pad = total > 0 ? total / 2 : 0;
  return 1;
}

/* The geometry of a windowed operator, as reported (conv, depthwise, pooling). */
typedef struct {
  pyrt_dims in, out;
  int32_t f_h, f_w, stride_h, stride_w, pad_h, pad_w;
  int same_h, same_w;
} kt_window;

static void window_describe(const kt_window *w) {
  const int32_t in[4] = {w->in.n, w->in.h, w->in.w, w->in.c};
  const int32_t out[4] = {w->out.n, w->out.h, w->out.w, w->out.c};
  const int32_t f[2] = {w->f_h, w->f_w}, st[2] = {w->stride_h, w->stride_w};
  const int32_t pd[2] = {w->pad_h, w->pad_w};
  static const char *const padding[4] = {"valid", "valid_h,same_w", "same_h,valid_w", "same"};
  kv_dims("in", in, 4);
  kv_dims("out", out, 4);
  kv_dims("window", f, 2);
  kv_dims("stride", st, 2);
  kv_dims("pad", pd, 2);
  kv_s("padding", padding[2 * (w->same_h != 0) + (w->same_w != 0)]);
}

/* batch, row and column of element `elem` of an NHWC output */
static void put_pixel(const pyrt_dims *out, uint32_t elem) {
  const uint32_t pix = elem / (uint32_t)out->c;
  kv_i("b", pix / (uint32_t)(out->h * out->w));
  kv_i("oy", (pix / (uint32_t)out->w) % (uint32_t)out->h);
  kv_i("ox", pix % (uint32_t)out->w);
}

/* Random input rows and columns (min_in to max_in), strides and SAME/VALID padding of a window of f_h x f_w (0: the
 * whole input, a global pool) with dilations dil_h, dil_w: output size and padding as TFLite
 * computes them. 0 when VALID leaves no output. */
static int rnd_window(kt_rng *r, kt_window *w, int32_t min_in, int32_t max_in, int32_t dil_h,
                      int32_t dil_w) {
  w->in.h = one_in(r, 6) ? min_in : rnd_in(r, min_in, max_in);
  w->in.w = one_in(r, 6) ? min_in : rnd_in(r, min_in, max_in);
  if (w->f_h == 0) w->f_h = w->in.h;
  if (w->f_w == 0) w->f_w = w->in.w;
  w->stride_h = one_in(r, 2) ? 1 : rnd_in(r, 1, 3);
  w->stride_w = one_in(r, 3) ? w->stride_h : rnd_in(r, 1, 3);
  w->same_h = (int)(rnd(r) & 1u);
  w->same_w = one_in(r, 4) ? !w->same_h : w->same_h;
  w->out.n = w->in.n;
  return window_axis(w->in.h, w->f_h, w->stride_h, dil_h, w->same_h, &w->out.h, &w->pad_h) &&
         window_axis(w->in.w, w->f_w, w->stride_w, dil_w, w->same_w, &w->out.w, &w->pad_w);
}

/* ---- one case: run both kernels, compare, check guards and inputs ---- */

typedef struct kt_family kt_family;

/* What a failure report needs besides the case: the parameters and the channel of an element. */
struct kt_family {
  /* run the fast (ref = 0) or the reference kernel on the case's inputs */
  void (*call)(const void *ctx, int ref, void *y, void *scratch);
  /* CASE record fields */
  void (*describe)(const void *ctx);
  /* per-channel values of output element `elem` */
  void (*channel)(const void *ctx, uint32_t elem);
};

typedef struct {
  const char *what;
  const char *buf;
  int64_t at, fast, ref;
} kt_failure;

static void describe_case(const kt_case *c, const kt_family *fam, const void *ctx,
                          uint32_t elem_bytes);

static void report(const kt_case *c, const kt_failure *f, const kt_family *fam, const void *ctx,
                   uint32_t elem_bytes) {
  line_start("FAIL");
  kv_s("kernel", c->kernel);
  kv_i("case", c->index);
  kv_s("what", f->what);
  if (f->buf) kv_s("buf", f->buf);
  kv_i("at", f->at);
  if (f->what[0] == 'o') { /* output */
    kv_i("fast", f->fast);
    kv_i("ref", f->ref);
    fam->channel(ctx, (uint32_t)f->at);
  }
  line_end();
  describe_case(c, fam, ctx, elem_bytes);
}

/* The CASE record: the parameters and buffer placement of a case. */
static void describe_case(const kt_case *c, const kt_family *fam, const void *ctx,
                          uint32_t elem_bytes) {
  int k;
  line_start("CASE");
  kv_s("kernel", c->kernel);
  kv_i("case", c->index);
  kv_i("seed", c->cfg->seed);
  fam->describe(ctx);
  put_s(" align=");
  for (k = 0; k < c->n_bufs; ++k) {
    if (k) put_s(",");
    put_s(c->bufs[k].name);
    put_s(":");
    put_u(c->bufs[k].misalign);
  }
  kv_i("elem_bytes", elem_bytes);
  line_end();
}

/* The first broken guard byte of any buffer; 1 when one is found. */
static int check_guards(const kt_case *c, kt_failure *f) {
  int k;
  uint32_t i;
  for (k = 0; k < c->n_bufs; ++k) {
    const kt_buf *b = &c->bufs[k];
    for (i = 0; i < KT_GUARD; ++i) {
      if (b->p[-(int32_t)KT_GUARD + (int32_t)i] != guard_byte(i)) {
        f->what = "guard_before";
        f->buf = b->name;
        f->at = (int64_t)i - KT_GUARD;
        return 1;
      }
      if (b->p[b->bytes + i] != guard_byte(i + KT_GUARD)) {
        f->what = "guard_after";
        f->buf = b->name;
        f->at = (int64_t)b->bytes + i;
        return 1;
      }
    }
  }
  return 0;
}

static int64_t elem_value(const uint8_t *p, uint32_t i, uint32_t elem_bytes) {
  int16_t h;
  if (elem_bytes == 1u) return (int8_t)p[i];
  memcpy(&h, p + 2u * i, 2);
  return h;
}

/* Allocate both outputs (n elements of elem_bytes) and scratch buffers, run the two kernels,
 * compare. Returns 1 on a failure (reported if `report_it`). */
static int kt_execute(kt_case *c, const kt_family *fam, const void *ctx, uint32_t n,
                      uint32_t elem_bytes, uint32_t scratch_fast, uint32_t scratch_ref,
                      int report_it) {
  const uint32_t bytes = n * elem_bytes;
  const uint32_t ymis = rnd_misalign(c, elem_bytes, bytes);
  uint8_t *yf = (uint8_t *)kt_alloc(c, "y_fast", bytes, ymis, 0);
  uint8_t *yr = (uint8_t *)kt_alloc(c, "y_ref", bytes, ymis, 0);
  /* scratch is PYRT_ALIGN (16) aligned in the arena; random content */
  uint8_t *sf = (uint8_t *)kt_alloc(c, "scratch_fast", scratch_fast, 0, 0);
  uint8_t *sr = (uint8_t *)kt_alloc(c, "scratch_ref", scratch_ref, 0, 0);
  const int inject = c->index == c->cfg->first_case ? (int)c->cfg->inject : KT_INJECT_NONE;
  kt_failure f;
  uint32_t i;
  if (c->overflow) return -1;
  memset(yf, KT_FILL_FAST, bytes);
  memset(yr, KT_FILL_REF, bytes);
  for (i = 0; i < scratch_fast; ++i) sf[i] = (uint8_t)rnd(&c->r);
  for (i = 0; i < scratch_ref; ++i) sr[i] = (uint8_t)rnd(&c->r);
  c->in_hash = inputs_hash(c);
  if (c->cfg->flags & KT_FLAG_TRACE) describe_case(c, fam, ctx, elem_bytes);

  fam->call(ctx, 0, yf, sf);
  fam->call(ctx, 1, yr, sr);
  if (inject == KT_INJECT_OUTPUT) yr[rnd(&c->r) % bytes] ^= 0x01u;
  if (inject == KT_INJECT_GUARD) yf[bytes] ^= 0xFFu;

  f.buf = (const char *)0;
  f.fast = f.ref = 0;
  if (check_guards(c, &f)) {
    /* reported below */
  } else if (inputs_hash(c) != c->in_hash) {
    f.what = "input_modified";
    f.at = 0;
  } else if (memcmp(yf, yr, bytes) != 0) {
    for (i = 0; i < bytes && yf[i] == yr[i]; ++i) {
    }
    f.what = "output";
    f.at = (int64_t)(i / elem_bytes);
    f.fast = elem_value(yf, i / elem_bytes, elem_bytes);
    f.ref = elem_value(yr, i / elem_bytes, elem_bytes);
  } else {
    return 0;
  }
  if (report_it) report(c, &f, fam, ctx, elem_bytes);
  return 1;
}

/* ---- the data and parameters of a layer with weights (conv, depthwise, fully connected) ---- */

typedef struct {
  const void *x;        /* int8 or int16 activations */
  const int8_t *w;
  const void *bias;     /* NULL, int32, or (int16 layers with wide accumulators) int64 */
  const int32_t *kbias; /* int8 layers */
  int32_t *mult;
  int8_t *shift;
  int32_t input_offset, output_offset, act_min, act_max, wide;
  int regime;
} kt_layer;

/* Weights (n_w), activations (n_x), offsets, clamp, requantization (n_q pairs), bias and kbias
 * (n_out channels) of a layer whose channel oc has `count` weights w[oc * oc_stride + e *
 * elem_stride]. int16 layers: `wide` -1 for either accumulator width, else that one. In the
 * corner regime every input is the zero point, so accumulators are exactly the (extreme)
 * biases. Returns -1 if out of pool. */
static int make_layer(kt_case *c, int s16, int wide, uint32_t n_w, uint32_t n_x, int32_t n_out,
                      uint32_t n_q, int32_t oc_stride, int32_t count, int32_t elem_stride,
                      kt_layer *L) {
  static const int regimes[8] = {RQ_REAL, RQ_REAL, RQ_REAL, RQ_SCALED, RQ_WILD, RQ_MIXED, RQ_MIXED,
                                 RQ_CORNER};
  kt_rng *r = &c->r;
  const int32_t acc_bits = (s16 ? 22 : 14) + log2_ceil((uint32_t)count) / 2;
  const int has_bias = !one_in(r, 5);
  int32_t oc, e;
  int8_t *w;
  memset(L, 0, sizeof *L);
  L->w = w = alloc_i8(c, "w", n_w);
  L->regime = regimes[rnd(r) % 8u];
  L->wide = s16 ? (wide < 0 ? (int32_t)(rnd(r) & 1u) : wide) : 0;
  L->mult = alloc_i32(c, "mult", n_q);
  L->shift = alloc_i8(c, "shift", n_q);
  if (c->overflow) return -1;
  fill_i8(r, w, n_w, -127, 127); /* symmetric int8 weights */
  if (!s16 && n_w > 0u && one_in(r, 4)) { /* -128 too: pyrt_init accepts it (neon's pairs) */
    uint32_t i;
    if (one_in(r, 2))
      for (i = 0; i < n_w; ++i) w[i] = -128;
    else
      for (i = rnd(r) % 4u; i < 4u; ++i) w[rnd(r) % n_w] = -128;
  }
  rnd_requant(r, L->regime, n_q, acc_bits, s16 ? 16 : 8, -31, L->wide ? 7 : 30, L->mult,
              L->shift);
  if (s16) {
    int16_t *x = alloc_i16(c, "x", n_x);
    int64_t *b64 = has_bias && L->wide ? alloc_i64(c, "bias", (uint32_t)n_out) : (int64_t *)0;
    int32_t *b32 = has_bias && !L->wide ? alloc_i32(c, "bias", (uint32_t)n_out) : (int32_t *)0;
    if (c->overflow) return -1;
    rnd_act(r, -32768, 32767, 0, &L->act_min, &L->act_max);
    for (oc = 0; oc < n_out; ++oc) {
      if (b64) b64[oc] = rnd_bias(r, L->regime, 1, acc_bits);
      if (b32) b32[oc] = (int32_t)rnd_bias(r, L->regime, 0, acc_bits);
    }
    fill_i16(r, x, n_x);
    if (L->regime == RQ_CORNER) memset(x, 0, 2u * n_x);
    L->x = x;
    L->bias = b64 ? (const void *)b64 : (const void *)b32;
  } else {
    int8_t *x = alloc_i8(c, "x", n_x);
    int32_t *bias = has_bias ? alloc_i32(c, "bias", (uint32_t)n_out) : (int32_t *)0;
    int32_t *kbias = alloc_i32(c, "kbias", (uint32_t)n_out);
    if (c->overflow) return -1;
    L->input_offset = rnd_in_off(r);
    L->output_offset = rnd_out_off(r);
    rnd_act(r, -128, 127, L->output_offset, &L->act_min, &L->act_max);
    fill_x8(r, x, n_x, L->input_offset);
    if (L->regime == RQ_CORNER) memset(x, (uint8_t)-L->input_offset, n_x);
    /* kbias[oc] = bias[oc] + input_offset * (sum of the weights of oc), wrapping (kernels.h) */
    for (oc = 0; oc < n_out; ++oc) {
      uint32_t sum = 0;
      if (bias) bias[oc] = (int32_t)rnd_bias(r, L->regime, 0, acc_bits);
      for (e = 0; e < count; ++e) sum += (uint32_t)(int32_t)w[oc * oc_stride + e * elem_stride];
      kbias[oc] = wrap32((bias ? (uint32_t)bias[oc] : 0u) + (uint32_t)L->input_offset * sum);
    }
    L->x = x;
    L->bias = bias;
    L->kbias = kbias;
  }
  return 0;
}

/* The layer's fields of a pyrt_conv_desc or pyrt_fc_desc */
#define KT_LAYER_TO_DESC(d, L)                                                                 \
  do {                                                                                         \
    (d)->input_offset = (L)->input_offset;                                                     \
    (d)->output_offset = (L)->output_offset;                                                   \
    (d)->act_min = (L)->act_min;                                                               \
    (d)->act_max = (L)->act_max;                                                               \
    (d)->wide = (L)->wide;                                                                     \
    (d)->q.mult = (L)->mult;                                                                   \
    (d)->q.shift = (L)->shift;                                                                 \
  } while (0)

static void layer_describe(const kt_layer *L) {
  static const char *const names[] = {"real", "scaled", "wild", "mixed", "corner"};
  kv_i("in_off", L->input_offset);
  kv_i("out_off", L->output_offset);
  kv_range("act", L->act_min, L->act_max);
  kv_i("wide", L->wide);
  kv_s("bias", L->bias ? "yes" : "none");
  kv_s("regime", names[L->regime]);
}

/* Requantization, bias and kbias of output channel oc (requantization entry q). */
static void layer_channel(const kt_layer *L, int32_t oc, int32_t q) {
  kv_i("oc", oc);
  kv_i("mult", L->mult[q]);
  kv_i("shift", L->shift[q]);
  if (L->bias)
    kv_i("bias", L->wide ? ((const int64_t *)L->bias)[oc] : ((const int32_t *)L->bias)[oc]);
  if (L->kbias) kv_i("kbias", L->kbias[oc]);
}

/* ---- convolution and depthwise convolution (int8 and int16) ---- */

enum {
  ROUTE_CONV,       /* general: neither 1x1 nor few-channel */
  ROUTE_CONV_1X1,   /* pyrt_conv_is_1x1 */
  ROUTE_CONV_FEW,   /* pyrt_conv_is_few_ch and not 1x1 */
  ROUTE_CONV_ANY,   /* int16: one kernel for every shape */
  ROUTE_DW,         /* depthwise, not pyrt_dw_is_3x3 */
  ROUTE_DW_3X3,     /* pyrt_dw_is_3x3 */
  ROUTE_DW_ANY
};

typedef void (*kt_conv8_fn)(const pyrt_conv_desc *, const int8_t *, const int8_t *,
                            const int32_t *, const int32_t *, int8_t *, void *);
typedef uint32_t (*kt_conv_scratch_fn)(const pyrt_conv_desc *);
typedef void (*kt_conv16_fn)(const pyrt_conv_desc *, const int16_t *, const int8_t *,
                             const void *, int16_t *);

typedef void (*kt_fc8_fn)(const pyrt_fc_desc *, const int8_t *, const int8_t *, const int32_t *,
                          const int32_t *, int8_t *, void *);
typedef uint32_t (*kt_fc_scratch_fn)(const pyrt_fc_desc *);
typedef void (*kt_fc16_fn)(const pyrt_fc_desc *, const int16_t *, const int8_t *, const void *,
                           int16_t *);

/* A layer with weights: convolution / depthwise (conv) or fully connected (fc). The call runs the
 * kernel pair that is set. */
typedef struct {
  pyrt_conv_desc d;
  pyrt_fc_desc fc;
  kt_window win;
  int dw;
  kt_layer L;
  kt_conv8_fn c8[2];
  kt_conv16_fn c16[2];
  kt_fc8_fn f8[2];
  kt_fc16_fn f16[2];
} kt_mac_case;

static int route_ok(const pyrt_conv_desc *d, int route) {
  switch (route) {
    case ROUTE_CONV: return !pyrt_conv_is_1x1(d) && !pyrt_conv_is_few_ch(d);
    case ROUTE_CONV_1X1: return pyrt_conv_is_1x1(d);
    case ROUTE_CONV_FEW: return !pyrt_conv_is_1x1(d) && pyrt_conv_is_few_ch(d);
    case ROUTE_DW: return !pyrt_dw_is_3x3(d);
    case ROUTE_DW_3X3: return pyrt_dw_is_3x3(d);
    default: return 1;
  }
}

static void mac_call(const void *ctx, int ref, void *y, void *scratch) {
  const kt_mac_case *k = (const kt_mac_case *)ctx;
  const kt_layer *L = &k->L;
  const int32_t *b32 = (const int32_t *)L->bias;
  if (k->c8[0])
    k->c8[ref](&k->d, (const int8_t *)L->x, L->w, b32, L->kbias, (int8_t *)y, scratch);
  else if (k->c16[0])
    k->c16[ref](&k->d, (const int16_t *)L->x, L->w, L->bias, (int16_t *)y);
  else if (k->f8[0])
    k->f8[ref](&k->fc, (const int8_t *)L->x, L->w, b32, L->kbias, (int8_t *)y, scratch);
  else
    k->f16[ref](&k->fc, (const int16_t *)L->x, L->w, L->bias, (int16_t *)y);
}

static void conv_describe(const void *ctx) {
  const kt_mac_case *k = (const kt_mac_case *)ctx;
  const pyrt_conv_desc *d = &k->d;
  const int32_t ft[4] = {d->filt.n, d->filt.h, d->filt.w, d->filt.c};
  const int32_t dl[2] = {d->dil_h, d->dil_w};
  window_describe(&k->win);
  kv_dims("filt", ft, 4);
  kv_dims("dil", dl, 2);
  if (k->dw)
    kv_i("depth_mult", d->depth_mult);
  else
    kv_i("groups", d->in.c / d->filt.c);
  layer_describe(&k->L);
}

static void conv_channel(const void *ctx, uint32_t elem) {
  const kt_mac_case *k = (const kt_mac_case *)ctx;
  const int32_t oc = (int32_t)(elem % (uint32_t)k->d.out.c);
  put_pixel(&k->d.out, elem);
  layer_channel(&k->L, oc, oc);
}

static const kt_family kt_conv_family = {mac_call, conv_describe, conv_channel};

/* A random geometry the adapters would route to `route`; 0 if none was found. */
static int conv_geometry(kt_rng *r, int route, kt_window *win, pyrt_conv_desc *d) {
  const int dw = route >= ROUTE_DW;
  uint32_t budget = rnd_budget(r);
  int tries;
  for (tries = 0; tries < 2000; ++tries) {
    int32_t groups = 1, fc;
    int big;
    if (tries % 100 == 99) budget *= 2u;
    memset(d, 0, sizeof *d);
    memset(win, 0, sizeof *win);
    win->in.n = one_in(r, 5) ? 2 : 1;
    d->dil_h = d->dil_w = 1;
    big = 0;
    if (route == ROUTE_CONV_1X1 || route == ROUTE_DW_3X3) {
      win->f_h = win->f_w = route == ROUTE_DW_3X3 ? 3 : 1;
    } else if (dw && one_in(r, 8)) { /* 256 taps or more (mve int16 depthwise lane sums) */
      big = 1;
    } else {
      win->f_h = one_in(r, 3) ? 3 : rnd_in(r, 1, 5);
      win->f_w = one_in(r, 3) ? win->f_h : rnd_in(r, 1, 5);
      if (one_in(r, 4)) {
        d->dil_h = rnd_in(r, 1, 3);
        d->dil_w = one_in(r, 2) ? d->dil_h : rnd_in(r, 1, 3);
      }
    }
    if (big) { /* VALID, filter about the input's size: at most 3 x 3 outputs, few channels */
      win->in.h = rnd_in(r, 16, 24);
      win->in.w = rnd_in(r, 16, 24);
      win->f_h = win->in.h - rnd_in(r, 0, 2);
      win->f_w = win->in.w - rnd_in(r, 0, 2);
      win->stride_h = win->stride_w = 1;
      win->out.n = win->in.n;
      window_axis(win->in.h, win->f_h, 1, 1, 0, &win->out.h, &win->pad_h);
      window_axis(win->in.w, win->f_w, 1, 1, 0, &win->out.w, &win->pad_w);
    } else if (!rnd_window(r, win, 1, 12, d->dil_h, d->dil_w)) {
      continue;
    }
    if (dw) {
      d->depth_mult = (route != ROUTE_DW_3X3 && one_in(r, 3)) ? rnd_in(r, 2, 4) : 1;
      win->in.c = big ? rnd_in(r, 1, 9) : rnd_channels(r, 40);
      win->out.c = win->in.c * d->depth_mult;
      d->filt.n = 1;
      d->filt.c = win->out.c;
      fc = 1;
    } else {
      d->depth_mult = 1;
      if (route == ROUTE_CONV_FEW) {
        fc = rnd_in(r, 1, 3);
      } else {
        if ((route == ROUTE_CONV || route == ROUTE_CONV_ANY) && one_in(r, 4))
          groups = rnd_in(r, 2, 4);
        /* 1x1: sometimes rows of 64+ values (the mve core's two-row path) */
        fc = route == ROUTE_CONV_1X1 && one_in(r, 4) ? rnd_in(r, 41, 100) : rnd_channels(r, 40);
      }
      win->in.c = fc * groups;
      win->out.c = rnd_channels(r, 33) * groups;
      d->filt.n = win->out.c;
      d->filt.c = fc;
    }
    d->in = win->in;
    d->out = win->out;
    d->filt.h = win->f_h;
    d->filt.w = win->f_w;
    d->stride_h = win->stride_h;
    d->stride_w = win->stride_w;
    d->pad_h = win->pad_h;
    d->pad_w = win->pad_w;
    if (route_ok(d, route) &&
        (big ||
         (uint32_t)(d->out.n * d->out.h * d->out.w * d->out.c * win->f_h * win->f_w * fc) <= budget))
      return 1;
  }
  return 0;
}

static int conv_case(kt_case *c, int route, int s16, kt_conv8_fn fast8, kt_conv8_fn ref8,
                     kt_conv_scratch_fn scr_fast, kt_conv_scratch_fn scr_ref, kt_conv16_fn fast16,
                     kt_conv16_fn ref16, int report_it) {
  kt_mac_case k;
  pyrt_conv_desc *d = &k.d;
  int32_t cout, count;
  memset(&k, 0, sizeof k);
  k.dw = route >= ROUTE_DW;
  if (!conv_geometry(&c->r, route, &k.win, d)) return -1;
  cout = d->out.c;
  count = d->filt.h * d->filt.w * (k.dw ? 1 : d->filt.c);
  /* depthwise weights [1, KH, KW, C_out]: channel oc's at oc + tap * C_out */
  if (make_layer(c, s16, k.dw ? 1 : -1, (uint32_t)(d->filt.n * d->filt.h * d->filt.w * d->filt.c),
                 (uint32_t)(d->in.n * d->in.h * d->in.w * d->in.c), cout, (uint32_t)cout,
                 k.dw ? 1 : count, count, k.dw ? cout : 1, &k.L) != 0)
    return -1;
  KT_LAYER_TO_DESC(d, &k.L);
  k.c8[0] = fast8;
  k.c8[1] = ref8;
  k.c16[0] = fast16;
  k.c16[1] = ref16;
  return kt_execute(c, &kt_conv_family, &k, (uint32_t)(d->out.n * d->out.h * d->out.w * cout),
                    s16 ? 2u : 1u, s16 ? 0u : scr_fast(d), s16 ? 0u : scr_ref(d), report_it);
}

/* ---- fully connected (int8 and int16) ---- */

static void fc_describe(const void *ctx) {
  const kt_mac_case *k = (const kt_mac_case *)ctx;
  kv_i("batches", k->fc.batches);
  kv_i("accum", k->fc.accum);
  kv_i("out_ch", k->fc.out_ch);
  kv_i("per_channel", k->fc.per_channel);
  layer_describe(&k->L);
}

static void fc_channel(const void *ctx, uint32_t elem) {
  const kt_mac_case *k = (const kt_mac_case *)ctx;
  const int32_t oc = (int32_t)(elem % (uint32_t)k->fc.out_ch), q = k->fc.per_channel ? oc : 0;
  kv_i("b", elem / (uint32_t)k->fc.out_ch);
  layer_channel(&k->L, oc, q);
}

static const kt_family kt_fc_family = {mac_call, fc_describe, fc_channel};

static int fc_case(kt_case *c, int s16, kt_fc8_fn fast8, kt_fc8_fn ref8, kt_fc_scratch_fn scr_fast,
                   kt_fc_scratch_fn scr_ref, kt_fc16_fn fast16, kt_fc16_fn ref16, int report_it) {
  static const int32_t accums[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 255};
  kt_mac_case k;
  kt_rng *r = &c->r;
  pyrt_fc_desc *d = &k.fc;
  const uint32_t budget = rnd_budget(r);
  memset(&k, 0, sizeof k);
  d->batches = rnd_in(r, 1, 6);
  d->accum = one_in(r, 2) ? pick(r, accums, 16) : rnd_in(r, 1, 300);
  d->out_ch = rnd_channels(r, 40);
  while ((uint32_t)(d->batches * d->accum * d->out_ch) > 4u * budget && d->accum > 1)
    d->accum = (d->accum + 1) / 2;
  d->per_channel = (int32_t)(rnd(r) & 1u);
  if (make_layer(c, s16, -1, (uint32_t)(d->accum * d->out_ch), (uint32_t)(d->batches * d->accum),
                 d->out_ch, d->per_channel ? (uint32_t)d->out_ch : 1u, d->accum, d->accum, 1,
                 &k.L) != 0)
    return -1;
  KT_LAYER_TO_DESC(d, &k.L);
  k.f8[0] = fast8;
  k.f8[1] = ref8;
  k.f16[0] = fast16;
  k.f16[1] = ref16;
  return kt_execute(c, &kt_fc_family, &k, (uint32_t)(d->batches * d->out_ch), s16 ? 2u : 1u,
                    s16 ? 0u : scr_fast(d), s16 ? 0u : scr_ref(d), report_it);
}

/* ---- pooling and softmax: one int8 input ---- */

typedef void (*kt_pool_fn)(const pyrt_pool_desc *, const int8_t *, int8_t *);
typedef void (*kt_softmax_fn)(const pyrt_softmax_desc *, const int8_t *, int8_t *);

typedef struct {
  pyrt_pool_desc d;
  kt_window w;
  pyrt_softmax_desc sm;
  const int8_t *x;
  kt_pool_fn f[2];
  kt_softmax_fn fs[2]; /* softmax when set */
} kt_x_case;

static void x_call(const void *ctx, int ref, void *y, void *scratch) {
  const kt_x_case *k = (const kt_x_case *)ctx;
  (void)scratch;
  if (k->fs[0])
    k->fs[ref](&k->sm, k->x, (int8_t *)y);
  else
    k->f[ref](&k->d, k->x, (int8_t *)y);
}

static void pool_describe(const void *ctx) {
  const kt_x_case *k = (const kt_x_case *)ctx;
  window_describe(&k->w);
  kv_range("act", k->d.act_min, k->d.act_max);
}

static void pool_channel(const void *ctx, uint32_t elem) {
  const kt_x_case *k = (const kt_x_case *)ctx;
  put_pixel(&k->d.out, elem);
  kv_i("ch", elem % (uint32_t)k->d.out.c);
}

static const kt_family kt_pool_family = {x_call, pool_describe, pool_channel};

/* The window of the first and the last output must overlap the input (pyrt_check_pool). */
static int pool_axis_ok(int32_t in, int32_t f, int32_t stride, int32_t pad, int32_t out) {
  return pad < f && (out - 1) * stride - pad < in;
}

static int pool_case(kt_case *c, kt_pool_fn fast, kt_pool_fn ref, int report_it) {
  kt_x_case k;
  kt_rng *r = &c->r;
  pyrt_pool_desc *d = &k.d;
  kt_window *w = &k.w;
  uint32_t budget = 4u * rnd_budget(r), n_x; /* a tap costs less than a MAC */
  int8_t *x;
  int tries;
  memset(&k, 0, sizeof k);
  for (tries = 0;; ++tries) {
    if (tries == 2000) return -1;
    if (tries % 100 == 99) budget *= 2u;
    /* sometimes a global pool; sometimes 256 taps or more (arm_dsp average pool lanes) */
    const int big = one_in(r, 5);
    w->in.n = one_in(r, 5) ? 2 : 1;
    w->f_h = one_in(r, 6) ? 0 : (big ? rnd_in(r, 16, 24) : rnd_in(r, 1, 5));
    w->f_w = one_in(r, 6) ? 0 : (big ? rnd_in(r, 16, 24) : rnd_in(r, 1, 5));
    if (one_in(r, 12)) { /* one window row of more than 256 taps (mve average pool passes) */
      w->in.h = rnd_in(r, 1, 3);
      w->in.w = rnd_in(r, 257, 300);
      w->f_h = rnd_in(r, 1, w->in.h);
      w->f_w = w->in.w - rnd_in(r, 0, 3);
      w->stride_h = w->stride_w = rnd_in(r, 1, 2);
      w->same_h = w->same_w = 0; /* VALID: a few outputs, so the case stays small */
      w->out.n = w->in.n;
      if (!window_axis(w->in.h, w->f_h, w->stride_h, 1, w->same_h, &w->out.h, &w->pad_h) ||
          !window_axis(w->in.w, w->f_w, w->stride_w, 1, w->same_w, &w->out.w, &w->pad_w))
        continue;
    } else if (!rnd_window(r, w, big ? 16 : 1, big ? 24 : 12, 1, 1)) {
      continue;
    }
    if (!pool_axis_ok(w->in.h, w->f_h, w->stride_h, w->pad_h, w->out.h) ||
        !pool_axis_ok(w->in.w, w->f_w, w->stride_w, w->pad_w, w->out.w))
      continue;
    w->in.c = w->out.c = rnd_channels(r, 40);
    if ((uint32_t)(w->out.n * w->out.h * w->out.w * w->out.c * w->f_h * w->f_w) <= budget) break;
  }
  d->in = w->in;
  d->out = w->out;
  d->f_h = w->f_h;
  d->f_w = w->f_w;
  d->stride_h = w->stride_h;
  d->stride_w = w->stride_w;
  d->pad_h = w->pad_h;
  d->pad_w = w->pad_w;
  rnd_act(r, -128, 127, rnd_out_off(r), &d->act_min, &d->act_max);
  n_x = (uint32_t)(d->in.n * d->in.h * d->in.w * d->in.c);
  x = alloc_i8(c, "x", n_x);
  if (c->overflow) return -1;
  fill_i8(r, x, n_x, -128, 127);
  k.x = x;
  k.f[0] = fast;
  k.f[1] = ref;
  return kt_execute(c, &kt_pool_family, &k, (uint32_t)(d->out.n * d->out.h * d->out.w * d->out.c),
                    1u, 0u, 0u, report_it);
}

/* ---- elementwise ADD, SUB, MUL ---- */

typedef void (*kt_add_fn)(const pyrt_add_desc *, const int8_t *, const int8_t *, int8_t *, int32_t,
                          void *);
typedef uint32_t (*kt_add_scratch_fn)(const pyrt_add_desc *, int32_t);
typedef void (*kt_mul_fn)(const pyrt_mul_desc *, const int8_t *, const int8_t *, int8_t *, int32_t);

typedef struct {
  pyrt_add_desc add;
  pyrt_mul_desc mul;
  int is_mul;
  int32_t n;
  const int8_t *a, *b;
  kt_add_fn fa[2];
  kt_mul_fn fm[2];
} kt_elem_case;

static void elem_call(const void *ctx, int ref, void *y, void *scratch) {
  const kt_elem_case *k = (const kt_elem_case *)ctx;
  (void)scratch;
  if (k->is_mul)
    k->fm[ref](&k->mul, k->a, k->b, (int8_t *)y, k->n);
  else
    k->fa[ref](&k->add, k->a, k->b, (int8_t *)y, k->n, scratch);
}

/* The fields ADD/SUB and MUL descriptors share. */
#define KT_ELEM_COMMON(d)                                                                      \
  do {                                                                                         \
    kv_i("a_off", (d)->a_offset);                                                              \
    kv_i("b_off", (d)->b_offset);                                                              \
    kv_i("out_off", (d)->output_offset);                                                       \
    kv_i("out_mult", (d)->out_mult);                                                           \
    kv_i("out_shift", (d)->out_shift);                                                         \
    kv_range("act", (d)->act_min, (d)->act_max);                                               \
  } while (0)

static void elem_describe(const void *ctx) {
  const kt_elem_case *k = (const kt_elem_case *)ctx;
  kv_i("n", k->n);
  if (k->is_mul) {
    KT_ELEM_COMMON(&k->mul);
  } else {
    KT_ELEM_COMMON(&k->add);
    kv_i("left_shift", k->add.left_shift);
    kv_i("a_mult", k->add.a_mult);
    kv_i("a_shift", k->add.a_shift);
    kv_i("b_mult", k->add.b_mult);
    kv_i("b_shift", k->add.b_shift);
  }
}

static void elem_channel(const void *ctx, uint32_t elem) {
  const kt_elem_case *k = (const kt_elem_case *)ctx;
  kv_i("a", k->a[elem]);
  kv_i("b", k->b[elem]);
}

static const kt_family kt_elem_family = {elem_call, elem_describe, elem_channel};

/* Elements: tails around multiples of 4 and 16, sometimes long (arm_dsp ADD/SUB switch to
 * per-call tables from 1024). */
static int32_t rnd_elems(kt_rng *r) {
  if (one_in(r, 6)) return rnd_in(r, 300, 3000);
  if (one_in(r, 2)) return rnd_in(r, 1, 20);
  return rnd_in(r, 1, 300);
}

static const int32_t kt_elem_regimes[3] = {RQ_REAL, RQ_SCALED, RQ_WILD};

static int elem_case(kt_case *c, int is_mul, kt_add_fn fa, kt_add_fn ra, kt_add_scratch_fn sfa,
                     kt_add_scratch_fn sra, kt_mul_fn fm, kt_mul_fn rm, int report_it) {
  kt_elem_case k;
  kt_rng *r = &c->r;
  int8_t *a, *b;
  memset(&k, 0, sizeof k);
  k.is_mul = is_mul;
  k.n = rnd_elems(r);
  a = alloc_i8(c, "a", (uint32_t)k.n);
  b = alloc_i8(c, "b", (uint32_t)k.n);
  if (c->overflow) return -1;
  fill_i8(r, a, (uint32_t)k.n, -128, 127);
  fill_i8(r, b, (uint32_t)k.n, -128, 127);
  k.a = a;
  k.b = b;
  if (is_mul) {
    pyrt_mul_desc *d = &k.mul;
    int8_t sh;
    d->a_offset = rnd_in_off(r);
    d->b_offset = rnd_in_off(r);
    d->output_offset = rnd_out_off(r);
    /* (a + a_off) (b + b_off) reaches 2^16 */
    rnd_requant1(r, pick(r, kt_elem_regimes, 3), 7 - 15, -31, 30, &d->out_mult, &sh);
    d->out_shift = sh;
    rnd_act(r, -128, 127, d->output_offset, &d->act_min, &d->act_max);
    k.fm[0] = fm;
    k.fm[1] = rm;
  } else {
    pyrt_add_desc *d = &k.add;
    const int regime = pick(r, kt_elem_regimes, 3);
    int8_t sa, sb, so;
    d->a_offset = rnd_in_off(r);
    d->b_offset = rnd_in_off(r);
    d->output_offset = rnd_out_off(r);
    d->left_shift = one_in(r, 2) ? 20 : rnd_in(r, 0, 22);
    /* TFLite: inputs scaled by <= 1/2 of the larger scale, the sum by 2^-left_shift x ratio */
    rnd_requant1(r, regime, -1, -31, 0, &d->a_mult, &sa);
    rnd_requant1(r, regime, -1, -31, 0, &d->b_mult, &sb);
    rnd_requant1(r, regime, -d->left_shift, -31, 0, &d->out_mult, &so);
    d->a_shift = sa;
    d->b_shift = sb;
    d->out_shift = so;
    rnd_act(r, -128, 127, d->output_offset, &d->act_min, &d->act_max);
    k.fa[0] = fa;
    k.fa[1] = ra;
  }
  return kt_execute(c, &kt_elem_family, &k, (uint32_t)k.n, 1u, is_mul ? 0u : sfa(&k.add, k.n),
                    is_mul ? 0u : sra(&k.add, k.n), report_it);
}

/* ---- softmax ---- */

static void softmax_describe(const void *ctx) {
  const kt_x_case *k = (const kt_x_case *)ctx;
  kv_i("rows", k->sm.rows);
  kv_i("depth", k->sm.depth);
  kv_i("input_multiplier", k->sm.input_multiplier);
  kv_i("input_left_shift", k->sm.input_left_shift);
  kv_i("diff_min", k->sm.diff_min);
}

static void softmax_channel(const void *ctx, uint32_t elem) {
  const kt_x_case *k = (const kt_x_case *)ctx;
  kv_i("row", elem / (uint32_t)k->sm.depth);
  kv_i("col", elem % (uint32_t)k->sm.depth);
  kv_i("x", k->x[elem]);
}

static const kt_family kt_softmax_family = {x_call, softmax_describe, softmax_channel};

static int softmax_case(kt_case *c, kt_softmax_fn fast, kt_softmax_fn ref, int report_it) {
  static const int32_t depths[] = {1, 2, 3, 4, 5, 7, 8, 10, 16, 17, 33, 64, 100, 255, 256, 257,
                                   300};
  kt_x_case k;
  kt_rng *r = &c->r;
  pyrt_softmax_desc *d = &k.sm;
  uint32_t n, radius_max;
  int8_t *x;
  memset(&k, 0, sizeof k);
  d->rows = rnd_in(r, 1, 6);
  d->depth = one_in(r, 2) ? pick(r, depths, 17) : rnd_in(r, 1, one_in(r, 10) ? 1000 : 300);
  /* TFLite PreprocessSoftmaxScaling (kScaledDiffIntegerBits 5): beta x input scale x 2^26 as a
   * multiplier >= 1 (normalised Q31 and a left shift); CalculateInputRadius gives diff_min. */
  if (one_in(r, 3)) {
    d->input_left_shift = rnd_in(r, 0, 31);
    d->input_multiplier =
        one_in(r, 3) ? pick(r, kt_special_mult, KT_N_SPECIAL_MULT) : rnd_in(r, 0, INT32_MAX);
  } else {
    d->input_left_shift = rnd_in(r, 14, 30);
    d->input_multiplier = rnd_in(r, 1 << 30, INT32_MAX);
  }
  radius_max = (31u << 26) >> d->input_left_shift;
  d->diff_min = one_in(r, 3) ? -(int32_t)(rnd(r) % (radius_max + 1u)) : -(int32_t)radius_max;
  n = (uint32_t)(d->rows * d->depth);
  x = alloc_i8(c, "x", n);
  if (c->overflow) return -1;
  fill_i8(r, x, n, -128, 127);
  k.x = x;
  k.fs[0] = fast;
  k.fs[1] = ref;
  return kt_execute(c, &kt_softmax_family, &k, n, 1u, 0u, 0u, report_it);
}

/* ---- the kernel table: every entry of PYRT_KERNEL_LIST is a kernel or its scratch twin ---- */

typedef int (*kt_case_fn)(kt_case *c, int report_it);

typedef struct {
  const char *name;
  const char *scratch; /* the ..._scratch_bytes twin sizing its scratch, or NULL */
  kt_case_fn run;
} kt_kernel;

#define KT_CONV8(name, route)                                                                  \
  static int run_##name(kt_case *c, int report_it) {                                           \
    return conv_case(c, route, 0, pyrt_##name, pyrt_ref_##name, pyrt_##name##_scratch_bytes,  \
                     pyrt_ref_##name##_scratch_bytes, 0, 0, report_it);                       \
  }
#define KT_CONV16(name, route)                                                                 \
  static int run_##name(kt_case *c, int report_it) {                                           \
    return conv_case(c, route, 1, 0, 0, 0, 0, pyrt_##name, pyrt_ref_##name, report_it);        \
  }

KT_CONV8(conv_s8, ROUTE_CONV)
KT_CONV8(conv_1x1_s8, ROUTE_CONV_1X1)
KT_CONV8(conv_few_ch_s8, ROUTE_CONV_FEW)
KT_CONV16(conv_s16, ROUTE_CONV_ANY)
KT_CONV8(dw_conv_s8, ROUTE_DW)
KT_CONV8(dw_conv_3x3_s8, ROUTE_DW_3X3)
KT_CONV16(dw_conv_s16, ROUTE_DW_ANY)

static int run_fully_connected_s8(kt_case *c, int report_it) {
  return fc_case(c, 0, pyrt_fully_connected_s8, pyrt_ref_fully_connected_s8,
                 pyrt_fully_connected_s8_scratch_bytes, pyrt_ref_fully_connected_s8_scratch_bytes,
                 0, 0, report_it);
}
static int run_fully_connected_s16(kt_case *c, int report_it) {
  return fc_case(c, 1, 0, 0, 0, 0, pyrt_fully_connected_s16, pyrt_ref_fully_connected_s16,
                 report_it);
}
static int run_avg_pool_s8(kt_case *c, int report_it) {
  return pool_case(c, pyrt_avg_pool_s8, pyrt_ref_avg_pool_s8, report_it);
}
static int run_max_pool_s8(kt_case *c, int report_it) {
  return pool_case(c, pyrt_max_pool_s8, pyrt_ref_max_pool_s8, report_it);
}
static int run_add_s8(kt_case *c, int report_it) {
  return elem_case(c, 0, pyrt_add_s8, pyrt_ref_add_s8, pyrt_add_s8_scratch_bytes,
                   pyrt_ref_add_s8_scratch_bytes, 0, 0, report_it);
}
static int run_sub_s8(kt_case *c, int report_it) {
  return elem_case(c, 0, pyrt_sub_s8, pyrt_ref_sub_s8, pyrt_sub_s8_scratch_bytes,
                   pyrt_ref_sub_s8_scratch_bytes, 0, 0, report_it);
}
static int run_mul_s8(kt_case *c, int report_it) {
  return elem_case(c, 1, 0, 0, 0, 0, pyrt_mul_s8, pyrt_ref_mul_s8, report_it);
}
static int run_softmax_s8(kt_case *c, int report_it) {
  return softmax_case(c, pyrt_softmax_s8, pyrt_ref_softmax_s8, report_it);
}

static const kt_kernel kt_kernels[] = {
    {"conv_s8", "conv_s8_scratch_bytes", run_conv_s8},
    {"conv_1x1_s8", "conv_1x1_s8_scratch_bytes", run_conv_1x1_s8},
    {"conv_few_ch_s8", "conv_few_ch_s8_scratch_bytes", run_conv_few_ch_s8},
    {"conv_s16", 0, run_conv_s16},
    {"dw_conv_s8", "dw_conv_s8_scratch_bytes", run_dw_conv_s8},
    {"dw_conv_3x3_s8", "dw_conv_3x3_s8_scratch_bytes", run_dw_conv_3x3_s8},
    {"dw_conv_s16", 0, run_dw_conv_s16},
    {"fully_connected_s8", "fully_connected_s8_scratch_bytes", run_fully_connected_s8},
    {"fully_connected_s16", 0, run_fully_connected_s16},
    {"avg_pool_s8", 0, run_avg_pool_s8},
    {"max_pool_s8", 0, run_max_pool_s8},
    {"add_s8", "add_s8_scratch_bytes", run_add_s8},
    {"sub_s8", "sub_s8_scratch_bytes", run_sub_s8},
    {"mul_s8", 0, run_mul_s8},
    {"softmax_s8", 0, run_softmax_s8},
};
#define KT_N_KERNELS ((int)(sizeof kt_kernels / sizeof kt_kernels[0]))

#define KT_LIST_NAME(ret, name, args) #name,
static const char *const kt_list[] = {PYRT_KERNEL_LIST(KT_LIST_NAME)};
#define KT_N_LIST ((int)(sizeof kt_list / sizeof kt_list[0]))
#ifdef PYRT_KERNEL_LIST_OPS /* the other operators' kernels: listed as not tested here */
static const char *const kt_list_ops[] = {PYRT_KERNEL_LIST_OPS(KT_LIST_NAME)};
#define KT_N_LIST_OPS ((int)(sizeof kt_list_ops / sizeof kt_list_ops[0]))
#endif

static int tested(const char *name) {
  int k;
  for (k = 0; k < KT_N_KERNELS; ++k)
    if (strcmp(kt_kernels[k].name, name) == 0 ||
        (kt_kernels[k].scratch && strcmp(kt_kernels[k].scratch, name) == 0))
      return 1;
  return 0;
}

/* ---- the run ---- */

int kt_parse_config(const uint8_t *p, uint32_t n, kt_config *cfg) {
  uint32_t w[KT_CONFIG_WORDS], i;
  if (n < KT_CONFIG_BYTES) return 1;
  for (i = 0; i < KT_CONFIG_WORDS; ++i)
    w[i] = (uint32_t)p[4 * i] | ((uint32_t)p[4 * i + 1] << 8) | ((uint32_t)p[4 * i + 2] << 16) |
           ((uint32_t)p[4 * i + 3] << 24);
  if (w[0] != KT_CONFIG_MAGIC || w[1] != KT_CONFIG_VERSION) return 1;
  cfg->seed = w[2];
  cfg->cases = w[3];
  cfg->first_case = w[4];
  cfg->inject = w[5];
  cfg->flags = w[6];
  memcpy(cfg->only, p + 4u * KT_CONFIG_WORDS, KT_ONLY_MAX);
  cfg->only[KT_ONLY_MAX - 1] = '\0';
  return 0;
}

int kt_run(const kt_config *cfg, uint8_t *pool, uint32_t pool_bytes, const char *platform,
           const char *cpu) {
  uint32_t total_fail = 0;
  int k, ran = 0, status = KT_EXIT_OK;

  line_start("PYRT-KTEST version=1");
  kv_s("platform", platform);
  kv_s("cpu", cpu);
  kv_s("set", PYRT_KERNEL_SET_NAME);
  kv_i("seed", cfg->seed);
  kv_i("cases", cfg->cases);
  kv_i("first", cfg->first_case);
  kv_i("inject", cfg->inject);
  kv_i("flags", cfg->flags);
  line_end();

  for (k = 0; k < KT_N_LIST; ++k)
    if (!tested(kt_list[k])) {
      line_start("UNTESTED");
      kv_s("name", kt_list[k]);
      line_end();
      status = KT_EXIT_MISMATCH;
    }
#ifdef KT_N_LIST_OPS
  if (!cfg->only[0]) {
    line_start("NOTEST list=PYRT_KERNEL_LIST_OPS names=");
    for (k = 0; k < KT_N_LIST_OPS; ++k) {
      if (k) put_s(",");
      put_s(kt_list_ops[k]);
    }
    line_end();
  }
#endif

  for (k = 0; k < KT_N_KERNELS; ++k) {
    const kt_kernel *kk = &kt_kernels[k];
    const uint32_t h = name_hash(kk->name);
    uint32_t i, fails = 0, skipped = 0;
    if (cfg->only[0] && strcmp(cfg->only, kk->name) != 0) continue;
    ++ran;
    if (cfg->flags & KT_FLAG_TRACE) {
      line_start("RUN");
      kv_s("kernel", kk->name);
      line_end();
    }
    for (i = cfg->first_case; i < cfg->first_case + cfg->cases; ++i) {
      kt_case c;
      int res;
      memset(&c, 0, sizeof c);
      c.cfg = cfg;
      c.kernel = kk->name;
      c.index = i;
      c.r.s = mix32(cfg->seed ^ mix32(h ^ mix32(i + 0x9e3779b9u)));
      if (c.r.s == 0u) c.r.s = 1u;
      c.base = pool;
      c.size = pool_bytes;
      res = kk->run(&c, fails == 0u);
      if (res < 0)
        ++skipped;
      else
        fails += (uint32_t)res;
    }
    line_start("KERNEL");
    kv_s("name", kk->name);
    kv_i("cases", cfg->cases - skipped);
    kv_i("failures", fails);
    if (skipped) kv_i("skipped", skipped);
    line_end();
    total_fail += fails;
    /* a case the generator could not build or place is a defect of this test */
    if (fails || skipped) status = KT_EXIT_MISMATCH;
  }
  if (ran == 0) {
    line_start("ERROR no kernel named");
    kv_s("only", cfg->only);
    line_end();
    status = KT_EXIT_CONFIG;
  }
  line_start("END");
  kv_i("status", status);
  kv_i("kernels", ran);
  kv_i("failures", total_fail);
  line_end();
  return status;
}
