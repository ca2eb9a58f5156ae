# The VMM's pure modules: built for AArch64 EL0 (personalities/vmm/CMakeLists.txt)
# and for the host unit tests (tests/unit/vmm/vmm_tests.cmake) and the cache-model
# tests (tests/model/CMakeLists.txt), from this one list.
set(VMM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMM_CORE_SOURCES
  ${VMM_DIR}/error.c ${VMM_DIR}/guest.c ${VMM_DIR}/exit_decode.c ${VMM_DIR}/image.c
  ${VMM_DIR}/guest_fdt.c ${VMM_DIR}/cache_policy.c ${VMM_DIR}/sysreg_emul.c ${VMM_DIR}/psci.c
  ${VMM_DIR}/vgic_dist.c ${VMM_DIR}/vgic_redist.c ${VMM_DIR}/vuart_pl011.c
  ${VMM_DIR}/exit_stats.c ${VMM_DIR}/irq_forward.c ${VMM_DIR}/doorbell.c)
