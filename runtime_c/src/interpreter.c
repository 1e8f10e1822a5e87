/* Interpreter and accessors: pyrt_invoke runs the resolved operators with no further checks. */
#include "internal.h"

pyrt_status pyrt_invoke(pyrt_model *model) {
  uint32_t i;
  if (!model) return PYRT_E_ARG;
  if (model->ready != PYRT_READY_TAG) return PYRT_E_NOT_READY;
  if (model->hook) {
    for (i = 0; i < model->n_ops; ++i) {
      const pyrt_op *op = &model->ops[i];
      model->hook(model->hook_user, i, op->code, 0);
      op->eval(model, op);
      model->hook(model->hook_user, i, op->code, 1);
    }
  } else {
    for (i = 0; i < model->n_ops; ++i) model->ops[i].eval(model, &model->ops[i]);
  }
  return PYRT_OK;
}

static void fill_tensor(const pyrt_model *m, uint32_t t, pyrt_tensor *out) {
  const uint8_t *r = pyrt_trec(m, (int32_t)t);
  union {
    uint32_t u;
    float f;
  } scale;
  int k;
  out->data = m->tdata[t];
  out->bytes = pyrt_rd32(r + PYRT_TR_BYTES);
  out->type = r[PYRT_TR_TYPE];
  out->rank = r[PYRT_TR_RANK];
  out->reserved = 0;
  for (k = 0; k < PYRT_MAX_DIMS; ++k)
    out->dims[k] = (k < out->rank) ? (int32_t)pyrt_rd16(r + PYRT_TR_DIMS + 2 * k) : 0;
  if (r[PYRT_TR_FLAGS] & 1u) {
    scale.u = pyrt_rd32(r + PYRT_TR_SCALE); /* bit pattern copy, no float arithmetic */
    out->zero_point = pyrt_rdi32(r + PYRT_TR_ZP);
  } else {
    scale.u = 0;
    out->zero_point = 0;
  }
  out->scale = scale.f;
}

static pyrt_status io_tensor(const pyrt_model *m, uint32_t slot, uint32_t index, uint32_t count,
                             pyrt_tensor *tensor) {
  if (!m || !tensor) return PYRT_E_ARG;
  if (m->ready != PYRT_READY_TAG) return PYRT_E_NOT_READY;
  if (index >= count) return PYRT_E_INDEX;
  fill_tensor(m, pyrt_rd16(m->io + 2u * (slot + index)), tensor);
  return PYRT_OK;
}

pyrt_status pyrt_input(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor) {
  return io_tensor(model, 0, index, model ? model->n_inputs : 0, tensor);
}

pyrt_status pyrt_output(const pyrt_model *model, uint32_t index, pyrt_tensor *tensor) {
  return io_tensor(model, model ? model->n_inputs : 0, index, model ? model->n_outputs : 0,
                   tensor);
}

uint32_t pyrt_num_ops(const pyrt_model *model) {
  return (model && model->ready == PYRT_READY_TAG) ? model->n_ops : 0u;
}

int32_t pyrt_op_code(const pyrt_model *model, uint32_t index) {
  if (!model || model->ready != PYRT_READY_TAG || index >= model->n_ops) return -1;
  return (int32_t)model->ops[index].code;
}

void pyrt_set_hook(pyrt_model *model, pyrt_hook hook, void *user) {
  if (!model) return;
  model->hook = hook;
  model->hook_user = user;
}

const char *pyrt_status_name(pyrt_status status) {
  static const char *const names[] = {
      "PYRT_OK",          "PYRT_E_ARG",         "PYRT_E_TRUNCATED", "PYRT_E_MAGIC",
      "PYRT_E_VERSION",   "PYRT_E_CRC",         "PYRT_E_SECTION",   "PYRT_E_ALIGN",
      "PYRT_E_TENSOR",    "PYRT_E_TENSOR_RANGE", "PYRT_E_OP",       "PYRT_E_OP_ARITY",
      "PYRT_E_OP_TYPE",   "PYRT_E_OP_SHAPE",    "PYRT_E_OP_PARAMS", "PYRT_E_IO",
      "PYRT_E_ARENA_SMALL", "PYRT_E_STATE_SMALL", "PYRT_E_NOT_READY", "PYRT_E_INDEX",
      "PYRT_E_SCRATCH"};
  const unsigned s = (unsigned)status;
  return (s < sizeof names / sizeof names[0]) ? names[s] : "PYRT_E_UNKNOWN";
}
