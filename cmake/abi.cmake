# The ABI headers for AArch64 code (kernel and components), generated from
# idl/abi.yaml into ${CLEAVE_GEN_DIR}: cleave/abi.h, abi_tables.h, cleave/syscalls.h.
set(CLEAVE_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(GLOB abi_gen_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/abi/*.py)
add_custom_command(
  OUTPUT ${CLEAVE_GEN_DIR}/cleave/abi.h ${CLEAVE_GEN_DIR}/abi_tables.h
         ${CLEAVE_GEN_DIR}/cleave/syscalls.h
  COMMAND ${CLEAVE_PYTHON} ${CMAKE_SOURCE_DIR}/tools/gen_abi.py ${CMAKE_SOURCE_DIR}/idl/abi.yaml
          --abi-header ${CLEAVE_GEN_DIR}/cleave/abi.h --kernel-tables ${CLEAVE_GEN_DIR}/abi_tables.h
          --user-header ${CLEAVE_GEN_DIR}/cleave/syscalls.h
  DEPENDS ${CMAKE_SOURCE_DIR}/idl/abi.yaml ${CMAKE_SOURCE_DIR}/tools/gen_abi.py ${abi_gen_sources}
  COMMENT "Generating the ABI headers")
add_custom_target(abi_headers DEPENDS ${CLEAVE_GEN_DIR}/cleave/abi.h ${CLEAVE_GEN_DIR}/abi_tables.h
                                      ${CLEAVE_GEN_DIR}/cleave/syscalls.h)
