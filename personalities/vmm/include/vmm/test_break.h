/*
 * Deliberately broken builds of the cache policy, for the cache model's
 * tests only (docs/vmm.md, "Deliberately broken builds"; docs/coherence.md).
 * A host test build passes -DVMM_TEST_BREAK=<name>; each name brings back one
 * mistake from the seeds, and the model must report it as a stale read.
 *
 * On AArch64 one more build defines it: the test-only VMM server
 * vmm-audit-break-pou (personalities/vmm/server/CMakeLists.txt), which the
 * system test audit/break-pou boots on the audit kernel and whose record the
 * audit must judge stale (docs/coherence.md). The AArch64 build accepts only
 * `pou`, and only in the audit build (CLEAVE_AUDIT), so no normal VMM can be
 * broken by mistake.
 *
 *   pou         `clean` cleans the loaded image to the PoU only (seed 004)
 *   no_dc       `dc` runs without HCR_EL2.DC and TVM, cleaning after loading
 *               like `clean` (Xen before seed 003's patch)
 *   inval       whole-RAM flushes invalidate without cleaning (seed 002)
 *   m_before_c  `dc` drops DC and TVM on SCTLR_EL1.M, no flush (Xen's reverted patch)
 *   no_icache   loaded code is not made coherent with the I-cache (seed 001)
 *   nc_walks    dropping DC never flushes for Non-cacheable table walks (seed 000)
 *
 * VMM_BROKEN(name) is a constant: 0 in every normal build, so the broken
 * paths are compiled (and type-checked) but removed.
 */
#ifndef VMM_TEST_BREAK_H
#define VMM_TEST_BREAK_H

#ifdef VMM_TEST_BREAK
#define VMM_BREAK_pou 1
#define VMM_BREAK_no_dc 2
#define VMM_BREAK_inval 3
#define VMM_BREAK_m_before_c 4
#define VMM_BREAK_no_icache 5
#define VMM_BREAK_nc_walks 6
#define VMM_BREAK_CAT(a, b) a##b
#define VMM_BREAK_ID(x) VMM_BREAK_CAT(VMM_BREAK_, x)
#if VMM_BREAK_ID(VMM_TEST_BREAK) == 0
#error "VMM_TEST_BREAK: unknown name (see vmm/test_break.h)"
#endif
#ifdef __aarch64__
#if !defined(CLEAVE_AUDIT) || VMM_BREAK_ID(VMM_TEST_BREAK) != VMM_BREAK_pou
#error "VMM_TEST_BREAK on AArch64: only pou, in the audit build (vmm-audit-break-pou)"
#endif
#endif
#define VMM_BROKEN(name) (VMM_BREAK_ID(VMM_TEST_BREAK) == VMM_BREAK_##name)
#else
#define VMM_BROKEN(name) 0
#endif

#endif
