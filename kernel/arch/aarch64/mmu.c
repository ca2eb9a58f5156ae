/*
 * The kernel's own EL2 stage-1 map, built by the boot CPU with the MMU off:
 * the image with per-section permissions (text executable and read-only,
 * rodata read-only, data and bss read-write and never executable, so
 * SCTLR_EL2.WXN can be on), the device tree read-only, and the platform's
 * device windows as Device-nGnRnE. Nothing else is mapped, so a stray
 * pointer faults instead of reaching memory the kernel does not own.
 */
#include <arch/boot.h>
#include <arch/pgtable.h>
#include <arch/sysreg.h>
#include <cleave/panic.h>
#include <cleave/boot_root.h>
#include <cleave/platform.h>

#define POOL_TABLES 24

static uint64_t tables[POOL_TABLES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static struct pt_pool pool = {tables, POOL_TABLES, 0};
static uint64_t *pool_root;

static void map(uint64_t *root, const char *what, uintptr_t start, uintptr_t end, enum pt_perm perm)
{
	enum pt_error err;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	err = pt_map(&pool, root, start, start, end - start, perm);
	if (err != PT_OK)
		panic("mmu: cannot map %s %#lx-%#lx: %s", what, start, end, pt_error_name(err));
}

uint64_t mmu_build_tables(uintptr_t dtb, size_t dtb_size)
{
	uint64_t *root = pt_init(&pool);

	pool_root = root;
	map(root, "kernel text", (uintptr_t)_head, (uintptr_t)__text_end, PT_RX);
	map(root, "kernel rodata", (uintptr_t)__rodata_start, (uintptr_t)__rodata_end, PT_RO);
	map(root, "kernel data", (uintptr_t)__data_start, (uintptr_t)__image_end, PT_RW);
	if (dtb_size != 0)
		map(root, "device tree", dtb, dtb + dtb_size, PT_RO);
	for (size_t i = 0; i < plat_desc.num_devices; i++) {
		const struct plat_region *d = &plat_desc.devices[i];

		map(root, d->name, d->base, d->base + d->size, PT_DEVICE);
	}
	return (uint64_t)(uintptr_t)root;
}

/*
 * RAM the kernel does not occupy, mapped read-write for the object code:
 * retype zeroes objects and cache maintenance works on frames through this
 * 1:1 map. New entries only fill invalid slots, which TLBs never cache, so a
 * DSB and ISB make them usable (Arm ARM D8.14.2).
 */
void mmu_map_ranges(const struct boot_ranges *rs)
{
	for (unsigned i = 0; i < rs->n; i++) {
		if (rs->r[i].end > rs->r[i].base)
			map(pool_root, "RAM", rs->r[i].base, rs->r[i].end, PT_RW);
	}
	dsb(ishst);
	isb();
}

/* MAIR_EL2 (D17.2.97): index 0 Device-nGnRnE (0x00), index 1 Normal write-back (0xff). */
uint64_t mmu_mair(void)
{
	return 0x00ULL << (8 * MAIR_IDX_DEVICE) | 0xffULL << (8 * MAIR_IDX_NORMAL);
}

/*
 * TCR_EL2 with E2H == 0 (D17.2.143): T0SZ = 64 - 39, walks inner/outer
 * write-back cacheable and inner shareable, 4 KiB granule, and PS set to the
 * CPU's PA range (capped at 48 bits, the most a 4 KiB granule reaches
 * without FEAT_LPA2). Bits 23 and 31 are RES1.
 */
uint64_t mmu_tcr(void)
{
	uint64_t ps = FIELD(read_sysreg(id_aa64mmfr0_el1), 3, 0);

	if (ps > 5)
		ps = 5;
	return (64 - PT_VA_BITS) | 1ULL << 8 | 1ULL << 10 | 3ULL << 12 | ps << 16 | BIT(23) |
	       BIT(31);
}
