#!/usr/bin/env bash
# Prove that every toolchain pyruntime uses works on this machine: each compiler compiles and
# links a small program (the Linux cross compilers against their C library, the bare-metal one
# against newlib), the Linux cross programs run under qemu-user, clang links a libFuzzer +
# ASan/UBSan program, and qemu-system-arm starts every emulated board. On failure it names the
# Debian package that is missing and exits 1.
#
#   bash tools/check_toolchains.sh          # all checks (~5 s)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { # what, package(s), log file
  echo "toolchain check FAILED: $1 -- install the Debian package(s): $2" >&2
  [ -s "$3" ] && sed 's/^/    /' "$3" | head -n 8 >&2
  failures=$((failures + 1))
}
ok() { echo "toolchain check ok: $1"; }

cat >"$work/hello.c" <<'C'
#include <stdio.h>
int main(void) { printf("hello\n"); return 0; }
C
cat >"$work/bare.c" <<'C'
#include <string.h>
int main(void) { static char b[8]; memset(b, 1, sizeof b); return b[3] - 1; }
C
cat >"$work/fuzz.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return (n > 0 && d[0] == 1) ? 0 : 0; }
C

check_cc() { # compiler, package, extra flags...
  local cc=$1 pkg=$2; shift 2
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "$cc: not found" >"$work/log"; fail "$cc" "$pkg" "$work/log"; return 1
  fi
  if ! "$cc" "$@" -o "$work/$cc.out" "$work/hello.c" >"$work/log" 2>&1; then
    fail "$cc cannot link a C program" "$pkg" "$work/log"; return 1
  fi
  ok "$cc compiles and links"
}

check_cc gcc "build-essential"
if check_cc aarch64-linux-gnu-gcc "gcc-aarch64-linux-gnu libc6-dev-arm64-cross"; then
  if qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/aarch64-linux-gnu-gcc.out" >"$work/log" 2>&1; then
    ok "qemu-aarch64 runs an aarch64 program"
  else
    fail "qemu-aarch64 cannot run an aarch64 program" "qemu-user" "$work/log"
  fi
fi
if check_cc arm-linux-gnueabihf-gcc "gcc-arm-linux-gnueabihf libc6-dev-armhf-cross" -mfpu=neon; then
  if qemu-arm -L /usr/arm-linux-gnueabihf "$work/arm-linux-gnueabihf-gcc.out" >"$work/log" 2>&1; then
    ok "qemu-arm runs an armhf program"
  else
    fail "qemu-arm cannot run an armhf program" "qemu-user" "$work/log"
  fi
fi
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "arm-none-eabi-gcc: not found" >"$work/log"
  fail arm-none-eabi-gcc "gcc-arm-none-eabi libnewlib-arm-none-eabi" "$work/log"
elif arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
    --specs=nano.specs --specs=nosys.specs -o "$work/bare.elf" "$work/bare.c" >"$work/log" 2>&1; then
  ok "arm-none-eabi-gcc links against newlib"
else
  fail "arm-none-eabi-gcc cannot link against newlib" "gcc-arm-none-eabi libnewlib-arm-none-eabi" "$work/log"
fi
if ! command -v clang >/dev/null 2>&1; then
  echo "clang: not found" >"$work/log"; fail clang "clang libclang-rt-14-dev" "$work/log"
elif clang -fsanitize=fuzzer,address,undefined -o "$work/fuzz" "$work/fuzz.c" >"$work/log" 2>&1; then
  ok "clang links a libFuzzer + ASan/UBSan program"
else
  fail "clang cannot link a libFuzzer + ASan/UBSan program" "clang libclang-rt-14-dev" "$work/log"
fi
command -v cmake >/dev/null 2>&1 && ok "cmake present" || {
  echo "cmake: not found" >"$work/log"; fail cmake cmake "$work/log"; }

# Every emulated board boots a tiny program that exits with status 7 through semihosting
# (vector table + reset handler, no libc): proves the machine, the core and semihosting work.
cat >"$work/boot.S" <<'ASM'
  .syntax unified
  .thumb
  .text
  .word __stack_top
  .word reset + 1
  .thumb_func
reset:
  ldr r1, =block
  movs r0, #0x20
  bkpt 0xab
1: b 1b
  .data
  .align 2
block: .word 0x20026, 7
ASM
boot_check() { # machine, cpu, code origin, ram origin
  local machine=$1 cpu=$2 code=$3 ram=$4 rc
  if ! arm-none-eabi-gcc -mcpu="$cpu" -mthumb -nostdlib -Wl,-Ttext="$code" -Wl,-Tdata="$ram" \
      -Wl,-e,0 \
      -Wl,--defsym=__stack_top=$((ram + 0x1000)) -o "$work/boot-$machine.elf" "$work/boot.S" \
      >"$work/log" 2>&1; then
    fail "arm-none-eabi-gcc cannot build a $cpu program" "gcc-arm-none-eabi" "$work/log"; return
  fi
  timeout 10 qemu-system-arm -M "$machine" -display none -monitor none -serial null \
    -semihosting-config enable=on,target=native -kernel "$work/boot-$machine.elf" \
    </dev/null >"$work/log" 2>&1
  rc=$?
  if [ "$rc" -eq 7 ]; then
    ok "qemu-system-arm boots $machine ($cpu)"
  else
    fail "qemu-system-arm did not boot $machine (exit $rc, expected 7)" "qemu-system-arm" "$work/log"
  fi
}
if ! command -v qemu-system-arm >/dev/null 2>&1; then
  echo "qemu-system-arm: not found" >"$work/log"; fail qemu-system-arm qemu-system-arm "$work/log"
elif command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  boot_check mps2-an385 cortex-m3 0x00000000 0x20000000
  boot_check mps2-an386 cortex-m4 0x00000000 0x20000000
  boot_check mps2-an500 cortex-m7 0x00000000 0x20000000
  boot_check mps2-an505 cortex-m33 0x10000000 0x38000000
  boot_check mps3-an547 cortex-m55 0x10000000 0x30000000
fi

if [ "$failures" -gt 0 ]; then
  echo "toolchain check: $failures problem(s); run tools/install_system_deps.sh as root" >&2
  exit 1
fi
echo "toolchain check: all toolchains and emulators work"
