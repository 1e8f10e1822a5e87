/*
 * engine_stub: a stand-in for runtime_c's pyruntime_engine with the same API
 * (runtime_c/include/pyruntime.h), used with -DPYRT_ENGINE=stub to test the runner, the
 * board layers and the QEMU driver before the real engine links. NOT an inference engine.
 *
 * It reads only the 32-byte blob header (magic, versions, total_len, arena_bytes, n_ops,
 * n_inputs, n_outputs; no CRC or sections). The fake model has one int8 input [1,16] at arena
 * offset 0 and one int8 output [1,16] at arena offset 16; operator k (code 9, FULLY_CONNECTED)
 * computes y[i] = sat8(x[i] + k + 1) with (k + 1) * 64 extra loop iterations, so per-operator
 * counts differ and are predictable.
 */
#include <string.h>

#include "pyruntime.h"

struct pyrt_model {
  const uint8_t *blob;
  int8_t *arena;
  uint32_t n_ops;
  pyrt_hook hook;
  void *user;
  int ready;
};

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (rd16(p + 2) << 16); }

pyrt_status pyrt_query(const void *blob, size_t blob_len, pyrt_info *info)
{
  const uint8_t *b = (const uint8_t *)blob;
  if (blob == NULL || info == NULL) {
    return PYRT_E_ARG;
  }
  if (blob_len < 32u) {
    return PYRT_E_TRUNCATED;
  }
  if (memcmp(b, "PYRT", 4) != 0) {
    return PYRT_E_MAGIC;
  }
  if (rd16(b + 4) != PYRT_FORMAT_MAJOR) {
    return PYRT_E_VERSION;
  }
  memset(info, 0, sizeof *info);
  info->format_major = rd16(b + 4);
  info->format_minor = rd16(b + 6);
  info->blob_bytes = rd32(b + 8);
  info->arena_bytes = rd32(b + 20) < 32u ? 32u : rd32(b + 20);
  info->state_bytes = (uint32_t)sizeof(struct pyrt_model);
  info->n_tensors = rd16(b + 24);
  info->n_ops = rd16(b + 26);
  info->n_inputs = 1;
  info->n_outputs = 1;
  return info->blob_bytes > blob_len ? PYRT_E_TRUNCATED : PYRT_OK;
}

pyrt_status pyrt_init(pyrt_model **model, void *state, size_t state_len, const void *blob,
                      size_t blob_len, void *arena, size_t arena_len, pyrt_diag *diag)
{
  pyrt_info info;
  pyrt_status st;
  pyrt_model *m;
  if (diag != NULL) {
    diag->status = PYRT_OK;
    diag->index = -1;
    diag->offset = 0;
  }
  if (model == NULL || state == NULL || blob == NULL || arena == NULL) {
    return PYRT_E_ARG;
  }
  if (((uintptr_t)blob & 15u) != 0u || ((uintptr_t)arena & 15u) != 0u ||
      ((uintptr_t)state & 7u) != 0u) {
    return PYRT_E_ALIGN;
  }
  st = pyrt_query(blob, blob_len, &info);
  if (st != PYRT_OK) {
    return st;
  }
  if (state_len < sizeof *m) {
    return PYRT_E_STATE_SMALL;
  }
  if (arena_len < info.arena_bytes) {
    return PYRT_E_ARENA_SMALL;
  }
  m = (pyrt_model *)state;
  m->blob = (const uint8_t *)blob;
  m->arena = (int8_t *)arena;
  m->n_ops = info.n_ops;
  m->hook = NULL;
  m->user = NULL;
  m->ready = 1;
  *model = m;
  return PYRT_OK;
}

static void fake_op(int8_t *y, const int8_t *x, uint32_t k)
{
  volatile uint32_t spin = 0;
  uint32_t i;
  for (i = 0; i < 16u; i++) {
    int32_t v = (int32_t)x[i] + (int32_t)k + 1;
    y[i] = (int8_t)(v > 127 ? 127 : v);
  }
  for (i = 0; i < (k + 1u) * 64u; i++) {
    spin = spin + i;
  }
}

pyrt_status pyrt_invoke(pyrt_model *m)
{
  uint32_t k;
  if (m == NULL || !m->ready) {
    return PYRT_E_NOT_READY;
  }
  memcpy(m->arena + 16, m->arena, 16);
  for (k = 0; k < m->n_ops; k++) {
    if (m->hook != NULL) {
      m->hook(m->user, k, 9u, 0);
    }
    fake_op(m->arena + 16, m->arena + 16, k);
    if (m->hook != NULL) {
      m->hook(m->user, k, 9u, 1);
    }
  }
  return PYRT_OK;
}

static pyrt_status tensor(const pyrt_model *m, uint32_t index, pyrt_tensor *t, uint32_t off)
{
  if (m == NULL || t == NULL) {
    return PYRT_E_ARG;
  }
  if (!m->ready) {
    return PYRT_E_NOT_READY;
  }
  if (index != 0u) {
    return PYRT_E_INDEX;
  }
  memset(t, 0, sizeof *t);
  t->data = m->arena + off;
  t->bytes = 16;
  t->type = PYRT_INT8;
  t->rank = 2;
  t->dims[0] = 1;
  t->dims[1] = 16;
  t->scale = 0.00390625f;
  t->zero_point = -128;
  return PYRT_OK;
}

pyrt_status pyrt_input(const pyrt_model *m, uint32_t index, pyrt_tensor *t)
{
  return tensor(m, index, t, 0);
}

pyrt_status pyrt_output(const pyrt_model *m, uint32_t index, pyrt_tensor *t)
{
  return tensor(m, index, t, 16);
}

uint32_t pyrt_num_ops(const pyrt_model *m) { return m != NULL && m->ready ? m->n_ops : 0u; }

int32_t pyrt_op_code(const pyrt_model *m, uint32_t index)
{
  return m != NULL && index < m->n_ops ? 9 : -1;
}

void pyrt_set_hook(pyrt_model *m, pyrt_hook hook, void *user)
{
  if (m != NULL) {
    m->hook = hook;
    m->user = user;
  }
}

const char *pyrt_status_name(pyrt_status s)
{
  switch (s) {
  case PYRT_OK: return "PYRT_OK";
  case PYRT_E_ARG: return "PYRT_E_ARG";
  case PYRT_E_TRUNCATED: return "PYRT_E_TRUNCATED";
  case PYRT_E_MAGIC: return "PYRT_E_MAGIC";
  case PYRT_E_VERSION: return "PYRT_E_VERSION";
  case PYRT_E_ALIGN: return "PYRT_E_ALIGN";
  case PYRT_E_ARENA_SMALL: return "PYRT_E_ARENA_SMALL";
  case PYRT_E_STATE_SMALL: return "PYRT_E_STATE_SMALL";
  case PYRT_E_NOT_READY: return "PYRT_E_NOT_READY";
  case PYRT_E_INDEX: return "PYRT_E_INDEX";
  default: return "PYRT_E_OTHER(stub)";
  }
}
