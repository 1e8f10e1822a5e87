"""Execution targets for benchmarking (draft): QEMU-emulated Cortex-M boards (`qemu`)."""
