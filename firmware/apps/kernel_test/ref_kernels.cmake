# pyrt_add_ref_kernels(<target> <repository root>): a static library of the portable reference
# kernels (runtime_c/src/kernels/*.c) compiled with -DPYRT_REF_KERNELS_ONLY=1, so that their
# public names are pyrt_ref_<kernel> and they link beside the engine's own kernels (kernels.h).
# Same flags as the engine (runtime_c/CMakeLists.txt): C99, -Wall -Wextra -Werror, one section
# per function.
function(pyrt_add_ref_kernels target repo)
  file(GLOB _srcs CONFIGURE_DEPENDS ${repo}/runtime_c/src/kernels/*.c)
  add_library(${target} STATIC ${_srcs})
  target_compile_definitions(${target} PRIVATE PYRT_REF_KERNELS_ONLY=1)
  target_include_directories(${target} PRIVATE ${repo}/runtime_c/src)
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON
                        C_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -ffunction-sections
                         -fdata-sections)
endfunction()
