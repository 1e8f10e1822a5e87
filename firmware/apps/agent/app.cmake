# The agent links the engine and the board's flash implementation (firmware/common/flash*.c):
# the NUCLEO-L4R5ZI uses its flash controller (flash_l4.c), the emulated boards a RAM mirror
# written through to a host file with semihosting.
set(PYRT_APP_NEEDS_ENGINE ON)
if(EXISTS ${PYRT_BOARD_DIR}/flash_l4.c)
  list(APPEND PYRT_APP_SOURCES ${PYRT_FW_COMMON}/flash_nucleo_l4.c)
elseif(PYRT_BOARD_QEMU_MACHINE)
  list(APPEND PYRT_APP_SOURCES ${PYRT_FW_COMMON}/flash_qemu.c)
else()
  message(FATAL_ERROR "agent: board '${PYRT_BOARD}' has no flash implementation "
    "(add one to firmware/common/flash_<board>.c and select it in apps/agent/app.cmake)")
endif()
