/* model.h - the agent's one active model: engine state, arena, inputs/outputs, profiling. */
#ifndef AGENT_MODEL_H
#define AGENT_MODEL_H

#include <stdint.h>

#include "pyruntime.h"

#define MODEL_MAX_PROFILE_OPS 512u

typedef struct {
  uint16_t code;
  uint32_t ticks;
} model_op_time;

/* pyrt_query + capacity check + pyrt_init of a blob (in place). On failure no model is
 * active; *pst / *diag_index say why. Returns a ST_* status. */
int model_activate(const uint8_t *blob, uint32_t len, pyrt_status *pst, int32_t *diag_index);
void model_deactivate(void);
int model_active(void);
uint32_t model_arena_capacity(void);
uint32_t model_state_capacity(void);
/* Operators of this engine (probed with pyrt_op_supported): codes[i] and the parameter
 * layout versions it runs as a mask, bit v-1 = layout version v (1..MODEL_MAX_LAYOUT). */
#define MODEL_MAX_LAYOUT 8u
uint32_t model_supported_ops(uint8_t *codes, uint8_t *layouts, uint32_t max);

/* Inputs / outputs, concatenated in index order. */
uint32_t model_io_bytes(int output);
uint32_t model_io_count(int output);
uint32_t model_io_size(int output, uint32_t index);
/* Tensor description of input/output `index` (1 = found). */
int model_io_tensor(int output, uint32_t index, pyrt_tensor *t);
/* Copy between the concatenated view and the tensors. ST_* status. */
int model_io_access(int output, uint32_t offset, uint8_t *buf, uint32_t len);
/* Invoke; *ticks = board counter difference. With profile, per-operator times are recorded. */
int model_run(int profile, pyrt_status *pst, uint32_t *ticks);
uint32_t model_profile(const model_op_time **ops);

#endif /* AGENT_MODEL_H */
