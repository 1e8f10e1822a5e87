/* blobmut: structure-aware view and mutations of a pyruntime blob (see blobmut.h). */
#include "blobmut.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- bytes and CRC */
uint32_t bm_rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
uint32_t bm_rd32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
void bm_wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
void bm_wr32(uint8_t *p, uint32_t v) {
  bm_wr16(p, v);
  bm_wr16(p + 2, v >> 16);
}
uint32_t bm_rd(const uint8_t *p, unsigned width) {
  return width == 1 ? p[0] : width == 2 ? bm_rd16(p) : bm_rd32(p);
}
void bm_wr(uint8_t *p, unsigned width, uint32_t v) {
  if (width == 1)
    p[0] = (uint8_t)v;
  else if (width == 2)
    bm_wr16(p, v);
  else
    bm_wr32(p, v);
}

uint32_t bm_crc32(const uint8_t *p, size_t n) {
  static uint32_t table[256];
  static int ready;
  uint32_t c;
  if (!ready) {
    uint32_t i, k;
    for (i = 0; i < 256; ++i) {
      c = i;
      for (k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  c = 0xFFFFFFFFu;
  while (n--) c = (c >> 8) ^ table[(c ^ *p++) & 0xFFu];
  return c ^ 0xFFFFFFFFu;
}

int bm_fix_crc(uint8_t *b, size_t len) {
  uint32_t total;
  if (len < 32) return 0;
  total = bm_rd32(b + 8);
  if (total < 16 || total > len) return 0;
  bm_wr32(b + 12, bm_crc32(b + 16, total - 16u));
  return 1;
}

uint8_t *bm_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *p = NULL;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    p = (uint8_t *)malloc(n > 0 ? (size_t)n : 1u);
    if (p && n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n) {
      free(p);
      p = NULL;
    }
    *len = (size_t)n;
  }
  fclose(f);
  return p;
}

/* ---------------------------------------------------------------- layout */
static uint32_t round4(uint32_t v) { return (v + 3u) & ~3u; }
static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

int bm_parse(const uint8_t *b, size_t len, bm_layout *L) {
  uint32_t e, pos, n;
  memset(L, 0, sizeof *L);
  for (e = 0; e < BM_SEC_IDS; ++e) L->sec_entry[e] = -1;
  if (len < 32) return -1;
  L->len = len > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)len;
  L->total = bm_rd32(b + 8);
  L->arena_bytes = bm_rd32(b + 20);
  L->n_tensors = bm_rd16(b + 24);
  L->n_ops = bm_rd16(b + 26);
  L->n_in = b[28];
  L->n_out = b[29];
  L->n_sec = bm_rd16(b + 30);
  L->n_sec_entries = min32(min32(L->n_sec, 16u), (L->len - 32u) / 12u);
  for (e = 0; e < L->n_sec_entries; ++e) {
    const uint8_t *s = b + 32 + 12 * e;
    const uint32_t id = bm_rd32(s), off = bm_rd32(s + 4), sl = bm_rd32(s + 8);
    if (id < 1 || id >= BM_SEC_IDS || L->sec_entry[id] >= 0) continue;
    if (off > L->len || sl > L->len - off) continue;
    L->sec_entry[id] = (int32_t)e;
    L->sec_off[id] = off;
    L->sec_len[id] = sl;
  }
  if (L->sec_entry[1] >= 0) L->n_trecs = min32(L->n_tensors, L->sec_len[1] / 32u);
  if (L->sec_entry[3] >= 0) L->n_io = min32(L->n_in + L->n_out, L->sec_len[3] / 2u);
  if (L->sec_entry[2] >= 0) {
    const uint32_t base = L->sec_off[2], sl = L->sec_len[2];
    n = min32(L->n_ops, BM_MAX_OPS);
    for (pos = 0; L->n_oprecs < n;) {
      const uint8_t *r = b + base + pos;
      uint32_t rec;
      if (sl - pos < 16u) break;
      rec = 16u + round4(2u * ((uint32_t)r[3] + r[4])) + 4u * bm_rd16(r + 6);
      if (rec > sl - pos) break;
      L->op_off[L->n_oprecs++] = base + pos;
      pos += rec;
    }
  }
  return 0;
}

uint32_t bm_op_nidx(const bm_layout *L, const uint8_t *b, uint32_t o) {
  const uint8_t *r = b + L->op_off[o];
  return (uint32_t)r[3] + r[4];
}

uint32_t bm_op_tidx(const bm_layout *L, const uint8_t *b, uint32_t o, uint32_t j) {
  return bm_rd16(b + L->op_off[o] + 16u + 2u * j);
}

static uint32_t op_nparams(const bm_layout *L, const uint8_t *b, uint32_t o) {
  return bm_rd16(b + L->op_off[o] + 6);
}

/* ---------------------------------------------------------------- fields */
typedef struct {
  uint8_t off, width, role;
} fixed_field;

static const fixed_field header_fields[] = {
    {0, 4, BM_MAGIC},    {4, 2, BM_MAJOR},      {6, 2, BM_MINOR},  {8, 4, BM_TOTAL},
    {12, 4, BM_CRC},     {16, 4, BM_FLAGS},     {20, 4, BM_ARENA}, {24, 2, BM_NTENSORS},
    {26, 2, BM_NOPS},    {28, 1, BM_NIN},       {29, 1, BM_NOUT},  {30, 2, BM_NSEC}};
static const fixed_field section_fields[] = {{0, 4, BM_SEC_ID}, {4, 4, BM_SEC_OFF},
                                             {8, 4, BM_SEC_LEN}};
static const fixed_field tensor_fields[] = {
    {0, 1, BM_T_TYPE},   {1, 1, BM_T_RANK},   {2, 1, BM_T_STORAGE}, {3, 1, BM_T_FLAGS},
    {4, 4, BM_T_OFFSET}, {8, 4, BM_T_BYTES},  {12, 4, BM_T_SCALE},  {16, 4, BM_T_ZP},
    {20, 2, BM_T_DIM},   {22, 2, BM_T_DIM},   {24, 2, BM_T_DIM},    {26, 2, BM_T_DIM},
    {28, 2, BM_T_DIM},   {30, 2, BM_T_DIM}};
static const fixed_field op_fields[] = {
    {0, 2, BM_OP_CODE},    {2, 1, BM_OP_VERSION},     {3, 1, BM_OP_NIN},
    {4, 1, BM_OP_NOUT},    {5, 1, BM_OP_RESERVED},    {6, 2, BM_OP_NPARAMS},
    {8, 4, BM_OP_SCRATCH_OFF}, {12, 4, BM_OP_SCRATCH_BYTES}};
#define N_OF(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static uint32_t op_field_count(const bm_layout *L, const uint8_t *b, uint32_t o) {
  return N_OF(op_fields) + bm_op_nidx(L, b, o) + op_nparams(L, b, o);
}

uint32_t bm_count_fields(const bm_layout *L, const uint8_t *b) {
  uint32_t n = N_OF(header_fields) + N_OF(section_fields) * L->n_sec_entries +
               N_OF(tensor_fields) * L->n_trecs + L->n_io;
  uint32_t o;
  for (o = 0; o < L->n_oprecs; ++o) n += op_field_count(L, b, o);
  return n;
}

static void set_fixed(bm_field *f, uint32_t base, const fixed_field *ff, int32_t rec, int32_t sub) {
  f->off = base + ff->off;
  f->width = ff->width;
  f->role = ff->role;
  f->rec = rec;
  f->sub = sub;
}

int bm_field_at(const bm_layout *L, const uint8_t *b, uint32_t k, bm_field *f) {
  uint32_t o, n;
  if (k < N_OF(header_fields)) {
    set_fixed(f, 0, &header_fields[k], -1, -1);
    return 0;
  }
  k -= N_OF(header_fields);
  n = N_OF(section_fields) * L->n_sec_entries;
  if (k < n) {
    const uint32_t e = k / N_OF(section_fields);
    set_fixed(f, 32u + 12u * e, &section_fields[k % N_OF(section_fields)], (int32_t)e, -1);
    return 0;
  }
  k -= n;
  n = N_OF(tensor_fields) * L->n_trecs;
  if (k < n) {
    const uint32_t t = k / N_OF(tensor_fields), j = k % N_OF(tensor_fields);
    set_fixed(f, L->sec_off[1] + 32u * t, &tensor_fields[j], (int32_t)t,
              j >= 8 ? (int32_t)(j - 8) : -1);
    return 0;
  }
  k -= n;
  if (k < L->n_io) {
    f->off = L->sec_off[3] + 2u * k;
    f->width = 2;
    f->role = BM_IO_INDEX;
    f->rec = (int32_t)k;
    f->sub = -1;
    return 0;
  }
  k -= L->n_io;
  for (o = 0; o < L->n_oprecs; ++o) {
    const uint32_t nidx = bm_op_nidx(L, b, o);
    n = op_field_count(L, b, o);
    if (k >= n) {
      k -= n;
      continue;
    }
    f->rec = (int32_t)o;
    if (k < N_OF(op_fields)) {
      set_fixed(f, L->op_off[o], &op_fields[k], (int32_t)o, -1);
    } else if (k - N_OF(op_fields) < nidx) {
      f->sub = (int32_t)(k - N_OF(op_fields));
      f->off = L->op_off[o] + 16u + 2u * (uint32_t)f->sub;
      f->width = 2;
      f->role = BM_OP_TIDX;
    } else {
      f->sub = (int32_t)(k - N_OF(op_fields) - nidx);
      f->off = L->op_off[o] + 16u + round4(2u * nidx) + 4u * (uint32_t)f->sub;
      f->width = 4;
      f->role = BM_OP_PARAM;
    }
    return 0;
  }
  return -1;
}

const char *bm_role_name(unsigned role) {
  static const char *const names[BM_N_ROLES] = {
      "magic",      "major",       "minor",       "total_len",    "crc",        "flags",
      "arena_bytes", "n_tensors",  "n_ops",       "n_inputs",     "n_outputs",  "n_sections",
      "sec_id",     "sec_offset",  "sec_length",  "t_type",       "t_rank",     "t_storage",
      "t_flags",    "t_offset",    "t_bytes",     "t_scale",      "t_zero_point", "t_dim",
      "io_index",   "op_code",     "op_version",  "op_n_in",      "op_n_out",   "op_reserved",
      "op_n_params", "op_scratch_offset", "op_scratch_bytes", "op_tensor_index", "op_param"};
  return role < BM_N_ROLES ? names[role] : "?";
}

/* ---------------------------------------------------------------- values */
typedef struct {
  uint32_t *v;
  size_t n;
  uint32_t mask, cur;
} vset;

static void add(vset *s, uint32_t x) {
  size_t i;
  x &= s->mask;
  if (x == s->cur || s->n >= BM_MAX_VALUES) return;
  for (i = 0; i < s->n; ++i)
    if (s->v[i] == x) return;
  s->v[s->n++] = x;
}

static void add_list(vset *s, const uint32_t *xs, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) add(s, xs[i]);
}

/* tensor indices: the boundaries of the count and of int16 */
static void add_indices(vset *s, uint32_t n) {
  const uint32_t xs[] = {0, n - 1u, n, n + 1u, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF};
  add_list(s, xs, N_OF(xs));
}

static void add_sizes(vset *s, uint32_t cur) {
  const uint32_t xs[] = {0,          1,          cur - 1u,   cur + 1u,   cur * 2u,
                         cur + 16u,  0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF};
  add_list(s, xs, N_OF(xs));
}

static void add_tensor_values(const bm_layout *L, const uint8_t *b, const bm_field *f, vset *s) {
  const uint8_t *r = b + L->sec_off[1] + 32u * (uint32_t)f->rec;
  static const uint32_t types[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF};
  static const uint32_t ranks[] = {0, 1, 2, 3, 4, 5, 6, 7, 0xFF};
  static const uint32_t small[] = {0, 1, 2, 3, 0x80, 0xFF};
  static const uint32_t scales[] = {0, 0x3F800000, 0x7F800000, 0x7FC00000, 0x80000000, 0xFF800000,
                                    0x00000001, 0xFFFFFFFF};
  static const uint32_t zps[] = {0x80000000, 0x80000001, 0xFFFFFF7F, 0xFFFFFF80, 0x7F, 0x80,
                                 0x7FFFFFFF, 0, 0xFFFF, 0xFFFFFFFF};
  switch (f->role) {
    case BM_T_TYPE: add_list(s, types, N_OF(types)); break;
    case BM_T_RANK: add_list(s, ranks, N_OF(ranks)); break;
    case BM_T_STORAGE:
    case BM_T_FLAGS: add_list(s, small, N_OF(small)); break;
    case BM_T_OFFSET: {
      const uint32_t bytes = bm_rd32(r + 8);
      const uint32_t limit = r[2] ? L->sec_len[4] : L->arena_bytes;
      const uint32_t xs[] = {0, 1, 2, 4, s->cur + 1u, s->cur + 16u, limit - bytes, limit - bytes + 1u,
                             limit, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
    case BM_T_BYTES: add_sizes(s, s->cur); break;
    case BM_T_SCALE: add_list(s, scales, N_OF(scales)); break;
    case BM_T_ZP: add_list(s, zps, N_OF(zps)); break;
    default: { /* BM_T_DIM */
      const uint32_t xs[] = {0, 1, 2, s->cur + 1u, s->cur - 1u, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
  }
}

static const uint32_t op_codes[] = {0,  1,  2,  3,  4,  5,  6,  9,  14, 17, 18,  19,  21,
                                    22, 23, 25, 26, 28, 34, 39, 40, 41, 43, 45,  49,  50,
                                    54, 55, 56, 57, 60, 65, 67, 70, 79, 83, 88,  97,  98,
                                    99, 102, 114, 117, 126, 7, 8, 200, 0x7FFF, 0xFFFF};

static void add_op_values(const bm_layout *L, const bm_field *f, vset *s) {
  const uint32_t cur = s->cur, clen = L->sec_len[4], arena = L->arena_bytes;
  switch (f->role) {
    case BM_OP_CODE: add_list(s, op_codes, N_OF(op_codes)); break;
    case BM_OP_VERSION: {
      const uint32_t xs[] = {0, 1, 2, 3, 0xFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
    case BM_OP_NIN:
    case BM_OP_NOUT:
    case BM_OP_RESERVED: {
      const uint32_t xs[] = {0, 1, 2, 3, cur - 1u, cur + 1u, 0xFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
    case BM_OP_NPARAMS: {
      const uint32_t xs[] = {0, 1, cur - 1u, cur + 1u, 0x8000, 0xFFFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
    case BM_OP_SCRATCH_OFF:
    case BM_OP_SCRATCH_BYTES: {
      const uint32_t xs[] = {0, 1, 16, arena - 16u, arena, arena + 1u, 0x7FFFFFFF, 0x80000000,
                             0xFFFFFFF0, 0xFFFFFFFF};
      add_list(s, xs, N_OF(xs));
      break;
    }
    case BM_OP_TIDX: add_indices(s, L->n_tensors); break;
    default: { /* BM_OP_PARAM: int32 extremes, small values, sizes of this blob */
      const uint32_t xs[] = {0x80000000, 0x80000001, 0xFFFFFFFF, 0, 1, 2, 0x7FFFFFFF, 0x7FFFFFFE,
                             cur + 1u, cur - 1u, 0u - cur, 31, 32, 0xFFFFFFE1, 0xFFFFFFE0,
                             0xFFFFFF7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000,
                             clen, clen - 1u, clen - 4u, clen & ~3u, arena, 0x40000000};
      add_list(s, xs, N_OF(xs));
      break;
    }
  }
}

size_t bm_values(const bm_layout *L, const uint8_t *b, const bm_field *f, uint32_t *v) {
  vset s;
  s.v = v;
  s.n = 0;
  s.mask = f->width == 4 ? 0xFFFFFFFFu : f->width == 2 ? 0xFFFFu : 0xFFu;
  s.cur = bm_rd(b + f->off, f->width);
  if (f->role <= BM_NSEC) {
    const uint32_t total = L->total, len = L->len;
    switch (f->role) {
      case BM_MAGIC: {
        const uint32_t xs[] = {0, 0x54525950u ^ 0x20u, 0x54525950u ^ 0x20000000u, 0xFFFFFFFF};
        add_list(&s, xs, N_OF(xs));
        break;
      }
      case BM_MAJOR:
      case BM_MINOR: {
        const uint32_t xs[] = {0, 1, 2, 0x100, 0xFFFF};
        add_list(&s, xs, N_OF(xs));
        break;
      }
      case BM_TOTAL: {
        const uint32_t xs[] = {0, 16, 31, 32, len - 1u, len, len + 1u, total - 4u, 0x80000000,
                               0xFFFFFFFF};
        add_list(&s, xs, N_OF(xs));
        break;
      }
      case BM_CRC: add(&s, s.cur ^ 1u); break;
      case BM_FLAGS: {
        const uint32_t xs[] = {0, 1, 2, 0x80000000, 0xFFFFFFFF};
        add_list(&s, xs, N_OF(xs));
        break;
      }
      case BM_ARENA: add_sizes(&s, s.cur); break;
      case BM_NTENSORS:
      case BM_NOPS: add_indices(&s, s.cur); break;
      default: { /* counts: inputs, outputs, sections */
        const uint32_t xs[] = {0, 1, 2, s.cur - 1u, s.cur + 1u, 16, 17, 0xFF, 0xFFFF};
        add_list(&s, xs, N_OF(xs));
        break;
      }
    }
  } else if (f->role <= BM_SEC_LEN) {
    const uint32_t table_end = 32u + 12u * L->n_sec, total = L->total, cur = s.cur;
    if (f->role == BM_SEC_ID) {
      const uint32_t xs[] = {0, 1, 2, 3, 4, 5, 6, 0xFFFFFFFF};
      add_list(&s, xs, N_OF(xs));
    } else {
      const uint32_t xs[] = {0, 16, table_end, cur - 4u, cur + 4u, cur + 16u, cur - 1u,
                             total - cur, total, total - 4u, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0,
                             0xFFFFFFFF};
      add_list(&s, xs, N_OF(xs));
    }
  } else if (f->role <= BM_T_DIM) {
    add_tensor_values(L, b, f, &s);
  } else if (f->role == BM_IO_INDEX) {
    add_indices(&s, L->n_tensors);
  } else {
    add_op_values(L, f, &s);
  }
  return s.n;
}

/* ---------------------------------------------------------------- whole-blob mutations */
size_t bm_grow_size(const bm_layout *L, uint32_t n_new) {
  return (size_t)round4(L->total) + 32u * (size_t)n_new;
}

size_t bm_grow_tensors(const bm_layout *L, const uint8_t *b, uint32_t n_new, uint32_t fill,
                       uint8_t *out) {
  const uint32_t base = round4(L->total);
  const size_t new_len = bm_grow_size(L, n_new);
  uint32_t i, keep;
  uint8_t *entry;
  if (L->sec_entry[1] < 0 || L->total > L->len || L->total < 32 || n_new > 0xFFFFu ||
      fill >= L->n_trecs || new_len > 0xFFFFFFF0u)
    return 0;
  memcpy(out, b, L->total);
  memset(out + L->total, 0, base - L->total);
  keep = min32(L->n_trecs, n_new);
  memcpy(out + base, b + L->sec_off[1], 32u * (size_t)keep);
  for (i = keep; i < n_new; ++i) memcpy(out + base + 32u * i, b + L->sec_off[1] + 32u * fill, 32);
  entry = out + 32 + 12 * (uint32_t)L->sec_entry[1];
  bm_wr32(entry + 4, base);
  bm_wr32(entry + 8, 32u * n_new);
  bm_wr16(out + 24, n_new);
  bm_wr32(out + 8, (uint32_t)new_len);
  bm_fix_crc(out, new_len);
  return new_len;
}

static uint32_t type_size(uint32_t type) {
  static const uint8_t sizes[] = {0, 1, 1, 2, 4, 4, 8, 1};
  return type < sizeof sizes ? sizes[type] : 0u;
}

void bm_set_dim(const bm_layout *L, uint8_t *b, uint32_t t, uint32_t k, uint32_t d,
                uint32_t arena_cap) {
  uint8_t *r = b + L->sec_off[1] + 32u * t;
  uint64_t n = type_size(r[0]);
  uint32_t i;
  bm_wr16(r + 20 + 2 * k, d);
  for (i = 0; i < r[1] && i < 6u; ++i) n *= bm_rd16(r + 20 + 2 * i);
  bm_wr32(r + 8, n > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)n);
  if (r[2] == 0 && n <= 0xFFFFFFFFu) {
    const uint64_t end = (uint64_t)bm_rd32(r + 4) + n;
    if (end > bm_rd32(b + 20) && end <= arena_cap) bm_wr32(b + 20, (uint32_t)end);
  }
}
