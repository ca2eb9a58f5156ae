# Host tests of the VMM's pure modules (personalities/vmm), included from
# tests/unit/CMakeLists.txt. Each links the modules with recorder.c, the
# backend that records every call so a test can assert the exact sequence.
include(${CMAKE_SOURCE_DIR}/personalities/vmm/sources.cmake)

function(vmm_test name)
  add_executable(${name} vmm/${name}.c vmm/recorder.c ${VMM_CORE_SOURCES} ${k}/src/format.c)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/vmm
                             ${VMM_DIR}/include ${k}/include)
  target_compile_options(${name} PRIVATE ${CLEAVE_WARNINGS} ${sanitize} -g -O1)
  target_link_options(${name} PRIVATE ${sanitize})
  target_link_libraries(${name} PRIVATE ${CMOCKA_LIB} ${FDT_LIB})
  add_test(NAME ${name} COMMAND ${name})
  set_property(GLOBAL APPEND_STRING PROPERTY CLEAVE_UNIT_TESTS "$<TARGET_FILE:${name}>\n")
endfunction()

vmm_test(test_vmm_exit)
vmm_test(test_vmm_image)
vmm_test(test_vmm_fdt)
vmm_test(test_vmm_cache)
vmm_test(test_vmm_psci)
vmm_test(test_vmm_vgic)
vmm_test(test_vmm_irq_forward)
vmm_test(test_vmm_vuart)
vmm_test(test_vmm_exit_stats)
vmm_test(test_vmm_doorbell)

# The test guests' device-tree reader on the VMM's trees and QEMU's.
vmm_test(test_guest_dt)
target_sources(test_guest_dt PRIVATE ${CMAKE_SOURCE_DIR}/tests/guests/lib/dt.c)
target_include_directories(test_guest_dt PRIVATE ${CMAKE_SOURCE_DIR}/tests/guests/include)
target_compile_definitions(test_guest_dt PRIVATE DTB_DIR="${dtb_dir}")
add_dependencies(test_guest_dt unit_dtbs)
# The VMM server's check of its info page (personalities/vmm/server/info.c).
vmm_test(test_vmm_info)
target_sources(test_vmm_info PRIVATE ${VMM_DIR}/server/info.c)
target_include_directories(test_vmm_info PRIVATE ${VMM_DIR}/server ${k}/include/uapi)
