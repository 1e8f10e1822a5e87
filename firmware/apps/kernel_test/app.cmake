# kernel_test links the engine as built for the board (pyrt_<kernel>: the board's kernel set)
# and a second copy of the reference kernels renamed pyrt_ref_<kernel> (ref_kernels.cmake).
set(PYRT_APP_NEEDS_ENGINE ON)
include(${CMAKE_CURRENT_LIST_DIR}/ref_kernels.cmake)

# Called by firmware/CMakeLists.txt once the app target exists.
function(pyrt_app_configure target)
  pyrt_add_ref_kernels(pyrt_ref_kernels ${PYRT_FW_ROOT}/..)
  target_link_libraries(${target} PRIVATE pyrt_ref_kernels)
  target_include_directories(${target} PRIVATE ${PYRT_FW_ROOT}/../runtime_c/src)
endfunction()
