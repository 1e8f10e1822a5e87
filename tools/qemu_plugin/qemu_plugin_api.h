/*
 * Minimal declarations of the QEMU TCG plugin API, version 1, as exported by QEMU 7.2
 * (Debian's qemu-system-arm / qemu-user 7.2 ship the API but not its header).
 * Written for pyruntime from the API documentation; only what insn_count.c uses. The types
 * must match QEMU's ABI: ids are uint64_t, enums are plain C enums (int), callbacks as below.
 * QEMU 9+ speaks API version 2+ (inline ops take a scoreboard, insn_data copies): do not
 * load this plugin there without revisiting these declarations.
 */
#ifndef PYRT_QEMU_PLUGIN_API_H
#define PYRT_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PYRT_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

/* Given to qemu_plugin_install; only valid during that call. */
typedef struct {
  const char *target_name; /* "arm", "aarch64", ... */
  struct {
    int min;
    int cur;
  } version;
  bool system_emulation;
  union { /* anonymous in QEMU's header; named here to stay C99 (same layout) */
    struct {
      int smp_vcpus;
      int max_vcpus;
    } system;
  } u;
} qemu_info_t;

struct qemu_plugin_tb;   /* opaque: a translation block being translated */
struct qemu_plugin_insn; /* opaque: one instruction of that block */

enum qemu_plugin_cb_flags {
  QEMU_PLUGIN_CB_NO_REGS,
  QEMU_PLUGIN_CB_R_REGS,
  QEMU_PLUGIN_CB_RW_REGS
};

enum qemu_plugin_op {
  QEMU_PLUGIN_INLINE_ADD_U64
};

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

/* Exported by the plugin. */
PYRT_PLUGIN_EXPORT extern int qemu_plugin_version;
PYRT_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv);

/* Provided by QEMU (resolved when QEMU dlopen()s the plugin). */
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

#endif /* PYRT_QEMU_PLUGIN_API_H */
