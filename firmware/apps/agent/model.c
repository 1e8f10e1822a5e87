/* model.c - engine glue of the agent (see model.h). */
#include "model.h"

#include <string.h>

#include "board.h"
#include "proto.h"

#ifndef PYRT_ARENA_BYTES
#define PYRT_ARENA_BYTES (256u * 1024u)
#endif
#ifndef PYRT_STATE_BYTES
#define PYRT_STATE_BYTES (16u * 1024u)
#endif

static uint8_t arena[PYRT_ARENA_BYTES] __attribute__((aligned(16), section(".bigram.arena")));
static uint64_t state[(PYRT_STATE_BYTES + 7u) / 8u] __attribute__((section(".bigram.state")));

static pyrt_model *model;
static pyrt_info minfo;
static model_op_time prof[MODEL_MAX_PROFILE_OPS];
static uint32_t prof_n, prof_t0;

uint32_t model_arena_capacity(void) { return (uint32_t)sizeof arena; }
uint32_t model_state_capacity(void) { return (uint32_t)sizeof state; }
int model_active(void) { return model != NULL; }
void model_deactivate(void)
{
  model = NULL;
  prof_n = 0; /* profile records belong to the model that made them */
}

uint32_t model_supported_ops(uint8_t *codes, uint8_t *layouts, uint32_t max)
{
  uint32_t c, v, n = 0;
  for (c = 0; c < 256u && n < max; c++) {
    uint8_t mask = 0;
    for (v = 1; v <= MODEL_MAX_LAYOUT; v++) {
      if (pyrt_op_supported(c, v)) {
        mask = (uint8_t)(mask | (1u << (v - 1u)));
      }
    }
    if (mask != 0u) {
      codes[n] = (uint8_t)c;
      layouts[n++] = mask;
    }
  }
  return n;
}

int model_activate(const uint8_t *blob, uint32_t len, pyrt_status *pst, int32_t *diag_index)
{
  pyrt_diag diag;
  model_deactivate();
  *diag_index = -1;
  *pst = pyrt_query(blob, len, &minfo);
  if (*pst != PYRT_OK) {
    return ST_E_ENGINE;
  }
  if (minfo.arena_bytes > sizeof arena || minfo.state_bytes > sizeof state) {
    return ST_E_CAPACITY;
  }
  *pst = pyrt_init(&model, state, sizeof state, blob, len, arena, sizeof arena, &diag);
  if (*pst != PYRT_OK) {
    model = NULL;
    *diag_index = diag.index;
    return ST_E_ENGINE;
  }
  return ST_OK;
}

static int io_tensor(int output, uint32_t i, pyrt_tensor *t)
{
  return (output ? pyrt_output(model, i, t) : pyrt_input(model, i, t)) == PYRT_OK;
}

int model_io_tensor(int output, uint32_t index, pyrt_tensor *t)
{
  return model != NULL && io_tensor(output, index, t);
}

uint32_t model_io_count(int output)
{
  if (model == NULL) {
    return 0;
  }
  return output ? minfo.n_outputs : minfo.n_inputs;
}

uint32_t model_io_size(int output, uint32_t index)
{
  pyrt_tensor t;
  return model != NULL && io_tensor(output, index, &t) ? t.bytes : 0u;
}

uint32_t model_io_bytes(int output)
{
  uint32_t i, n = 0;
  for (i = 0; i < model_io_count(output); i++) {
    n += model_io_size(output, i);
  }
  return n;
}

int model_io_access(int output, uint32_t offset, uint8_t *buf, uint32_t len)
{
  uint32_t i, pos = 0;
  if (model == NULL) {
    return ST_E_STATE;
  }
  if (offset > model_io_bytes(output) || len > model_io_bytes(output) - offset) {
    return ST_E_RANGE;
  }
  for (i = 0; i < model_io_count(output) && len != 0u; i++) {
    pyrt_tensor t;
    uint32_t a, n;
    if (!io_tensor(output, i, &t)) {
      return ST_E_ENGINE;
    }
    if (offset < pos + t.bytes) {
      a = offset - pos;
      n = t.bytes - a < len ? t.bytes - a : len;
      if (output) {
        memcpy(buf, (const uint8_t *)t.data + a, n);
      } else {
        memcpy((uint8_t *)t.data + a, buf, n);
      }
      buf += n;
      offset += n;
      len -= n;
    }
    pos += t.bytes;
  }
  return ST_OK;
}

static void hook(void *user, uint32_t op_index, uint32_t op_code, int end)
{
  (void)user;
  if (end == 0) {
    prof_t0 = board_counter_read();
  } else if (op_index < MODEL_MAX_PROFILE_OPS) {
    prof[op_index].ticks = board_counter_read() - prof_t0;
    prof[op_index].code = (uint16_t)op_code;
    if (op_index + 1u > prof_n) {
      prof_n = op_index + 1u;
    }
  }
}

int model_run(int profile, pyrt_status *pst, uint32_t *ticks)
{
  uint32_t t0;
  if (model == NULL) {
    return ST_E_STATE;
  }
  if (profile) {
    prof_n = 0;
    pyrt_set_hook(model, hook, NULL);
  }
  t0 = board_counter_read();
  *pst = pyrt_invoke(model);
  *ticks = board_counter_read() - t0;
  pyrt_set_hook(model, NULL, NULL);
  return *pst == PYRT_OK ? ST_OK : ST_E_ENGINE;
}

uint32_t model_profile(const model_op_time **ops)
{
  *ops = prof;
  return prof_n;
}
