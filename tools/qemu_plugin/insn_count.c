/*
 * insn_count: a QEMU TCG plugin (API v1, QEMU 7.2) that counts executed guest instructions
 * and snapshots the running count at every execution of a marker instruction.
 *
 *   qemu-system-arm ... -icount shift=0,sleep=off \
 *       -plugin tools/qemu_plugin/insn_count.so,out=counts.txt[,marker=0xbfa0][,mode=insn]
 *
 * Arguments (key=value after the .so path; QEMU 7.2 also accepts the older arg=key=value):
 *   out=PATH      write the result there (default: QEMU's log, i.e. stderr)
 *   marker=HEX    marker encoding as it sits in memory, read little-endian: a value below
 *                 0x10000 is a 2-byte instruction, otherwise 4 bytes. Defaults: 0xbfa0
 *                 (Thumb 16-bit "hint #10", for qemu-system-arm / qemu-arm) and, when QEMU's
 *                 target is aarch64, 0xd5032f5f (A64 "hint #0x7a"). Both are unallocated hint
 *                 encodings: they execute as NOP and compilers never emit them.
 *   mode=insn     (default) one inline add per instruction: exact even when a block is left
 *                 part-way (exceptions, semihosting, I/O)
 *   mode=tb       one inline add per translation block: faster; exact only for blocks that
 *                 run to their end (and the marker snapshot is corrected for its position)
 *
 * Output (text, one item per line):
 *   insn_count 1
 *   marker 0xbfa0
 *   mode insn
 *   total <instructions executed, markers included>
 *   snapshots <n>
 *   <count before marker 0 executed>
 *   <count before marker 1 executed>
 *   ...
 * The difference of two consecutive snapshots is the number of instructions from the first
 * marker (included) up to the second marker (excluded): a back-to-back pair gives 1.
 *
 * Single vCPU (all Cortex-M machines; qemu-user with one guest thread). -icount is not needed
 * for the plugin's counts, only for guest-visible timers to be a function of the count too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

PYRT_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define MAX_SNAPSHOTS (64u * 1024u * 1024u)

static uint64_t total;            /* instructions executed so far */
static uint64_t *snaps;           /* snapshot values */
static size_t n_snaps, cap_snaps; /* used / allocated */
static uint64_t dropped;          /* snapshots beyond MAX_SNAPSHOTS */
static uint32_t marker = 0xbfa0u;
static size_t marker_size = 2;
static int tb_mode;
static char *out_path;

static void record(uint64_t value)
{
  if (n_snaps == cap_snaps) {
    size_t ncap = cap_snaps != 0 ? cap_snaps * 2 : 1024;
    uint64_t *p;
    if (ncap > MAX_SNAPSHOTS) {
      dropped++;
      return;
    }
    p = realloc(snaps, ncap * sizeof *p);
    if (p == NULL) {
      dropped++;
      return;
    }
    snaps = p;
    cap_snaps = ncap;
  }
  snaps[n_snaps++] = value;
}

/* insn mode: the marker has no inline add of its own; count it here, after the snapshot. */
static void on_marker_insn(unsigned int vcpu, void *udata)
{
  (void)vcpu;
  (void)udata;
  record(total);
  total++;
}

/* tb mode: the block's inline add already counted all its instructions at block entry;
 * udata = number of instructions from the marker (included) to the end of the block. */
static void on_marker_tb(unsigned int vcpu, void *udata)
{
  (void)vcpu;
  record(total - (uint64_t)(uintptr_t)udata);
}

static int is_marker(const struct qemu_plugin_insn *insn)
{
  const uint8_t *b;
  uint32_t v = 0;
  size_t i;
  if (qemu_plugin_insn_size(insn) != marker_size) {
    return 0;
  }
  b = qemu_plugin_insn_data(insn);
  for (i = 0; i < marker_size; i++) {
    v |= (uint32_t)b[i] << (8u * i);
  }
  return v == marker;
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
  size_t n = qemu_plugin_tb_n_insns(tb);
  size_t i;
  (void)id;
  if (tb_mode) {
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
  }
  for (i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    if (is_marker(insn)) {
      if (tb_mode) {
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker_tb, QEMU_PLUGIN_CB_NO_REGS,
                                               (void *)(uintptr_t)(n - i));
      } else {
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker_insn, QEMU_PLUGIN_CB_NO_REGS,
                                               NULL);
      }
    } else if (!tb_mode) {
      qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
    }
  }
}

static void write_result(FILE *f)
{
  size_t i;
  fprintf(f, "insn_count 1\nmarker 0x%x\nmode %s\ntotal %llu\nsnapshots %llu\n", marker,
          tb_mode ? "tb" : "insn", (unsigned long long)total, (unsigned long long)n_snaps);
  if (dropped != 0) {
    fprintf(f, "dropped %llu\n", (unsigned long long)dropped);
  }
  for (i = 0; i < n_snaps; i++) {
    fprintf(f, "%llu\n", (unsigned long long)snaps[i]);
  }
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
  (void)id;
  (void)udata;
  if (out_path != NULL) {
    FILE *f = fopen(out_path, "w");
    if (f == NULL) {
      fprintf(stderr, "insn_count: cannot write %s: %s\n", out_path, strerror(errno));
    } else {
      write_result(f);
      fclose(f);
    }
  } else {
    char line[96];
    snprintf(line, sizeof line, "insn_count: total %llu snapshots %llu\n",
             (unsigned long long)total, (unsigned long long)n_snaps);
    qemu_plugin_outs(line);
  }
  free(snaps);
  snaps = NULL;
  free(out_path);
  out_path = NULL;
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
  int i;
  if (info != NULL && info->target_name != NULL && strcmp(info->target_name, "aarch64") == 0) {
    marker = 0xd5032f5fu; /* hint #0x7a */
    marker_size = 4;
  }
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "out=", 4) == 0) {
      free(out_path);
      out_path = strdup(a + 4);
    } else if (strncmp(a, "marker=", 7) == 0) {
      char *end;
      unsigned long v = strtoul(a + 7, &end, 0);
      if (*end != '\0' || v == 0 || v > 0xFFFFFFFFul) {
        fprintf(stderr, "insn_count: bad marker '%s'\n", a + 7);
        return -1;
      }
      marker = (uint32_t)v;
      marker_size = v < 0x10000ul ? 2 : 4;
    } else if (strcmp(a, "mode=insn") == 0) {
      tb_mode = 0;
    } else if (strcmp(a, "mode=tb") == 0) {
      tb_mode = 1;
    } else {
      fprintf(stderr, "insn_count: unknown argument '%s' (out=, marker=, mode=insn|tb)\n", a);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
  return 0;
}
