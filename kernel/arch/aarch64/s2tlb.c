/*
 * Stage-2 TLB maintenance. TLBI by IPA and VMALLS12E1 act on the VMID in
 * VTTBR_EL2, so the target address space's VMID is loaded for the duration
 * (Arm ARM D8.13.5). By-IPA invalidation removes stage-2 entries only; the
 * combined stage-1+2 entries go with VMALLE1 (the sequence D8.13.5 gives).
 */
#include <arch/sysreg.h>
#include <cleave/arch.h>

#include <plat_config.h>

void arch_pt_written(void)
{
	dsb(ishst);
}

static uint64_t with_vmid(unsigned vmid)
{
	uint64_t old = read_sysreg(vttbr_el2);

	write_sysreg((uint64_t)vmid << 48, vttbr_el2);
	isb();
	return old;
}

void arch_s2_flush_ipa(unsigned vmid, uint64_t ipa, uint64_t size)
{
	uint64_t old;

	/*
	 * A frame mapped as 512 pages (a platform without stage-2 blocks) would take 512
	 * by-IPA invalidations; the VMID's whole TLB is one.
	 */
	if (size > 4096 && !PLAT_STAGE2_BLOCKS) {
		arch_s2_flush_vmid(vmid);
		return;
	}
	old = with_vmid(vmid);
	dsb(ishst);
	__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(ipa >> 12) : "memory");
	dsb(ish);
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb(ish);
	write_sysreg(old, vttbr_el2);
	isb();
}

void arch_s2_flush_vmid(unsigned vmid)
{
	uint64_t old = with_vmid(vmid);

	dsb(ishst);
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	write_sysreg(old, vttbr_el2);
	isb();
}
