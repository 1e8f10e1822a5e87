# pyrt_add_ref_kernels(<target> <repository root>): a static library of the portable reference
# kernels that kernel_test compares with, compiled with -DPYRT_REF_KERNELS_ONLY=1 so that their
# public names are pyrt_ref_<kernel> and they link beside the engine's own kernels (kernels.h).
# Only the files of PYRT_KERNEL_LIST (runtime_c/src/kernels/<kernel>.c, one public kernel per
# file; a ..._scratch_bytes twin lives in its kernel's file). Same flags as the engine
# (runtime_c/CMakeLists.txt): C99, -Wall -Wextra -Werror, one section per function.
function(pyrt_add_ref_kernels target repo)
  set(_dir ${repo}/runtime_c/src/kernels)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_dir}/kernels.h)
  file(READ ${_dir}/kernels.h _h)
  string(FIND "${_h}" "#define PYRT_KERNEL_LIST(K)" _begin)
  string(FIND "${_h}" "#define PYRT_DECLARE_KERNEL" _end)
  if(_begin LESS 0 OR _end LESS _begin)
    message(FATAL_ERROR "kernel_test: no PYRT_KERNEL_LIST in ${_dir}/kernels.h")
  endif()
  math(EXPR _len "${_end} - ${_begin}")
  string(SUBSTRING "${_h}" ${_begin} ${_len} _list)
  string(REGEX MATCHALL "K\\([ \t\r\n\\\\]*[A-Za-z0-9_]+[ \t\r\n\\\\]*,[ \t\r\n\\\\]*[A-Za-z0-9_]+"
         _entries "${_list}")
  set(_srcs "")
  foreach(_e IN LISTS _entries)
    string(REGEX REPLACE ".*,[ \t\r\n\\\\]*" "" _name "${_e}")
    if(EXISTS ${_dir}/${_name}.c)
      list(APPEND _srcs ${_dir}/${_name}.c)
    elseif(NOT _name MATCHES "_scratch_bytes$")
      message(FATAL_ERROR "kernel_test: kernel ${_name} has no file ${_dir}/${_name}.c")
    endif()
  endforeach()
  add_library(${target} STATIC ${_srcs})
  target_compile_definitions(${target} PRIVATE PYRT_REF_KERNELS_ONLY=1)
  target_include_directories(${target} PRIVATE ${repo}/runtime_c/src)
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON
                        C_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -ffunction-sections
                         -fdata-sections)
endfunction()
