/*
 * The root component: the first user-level program, which receives all the
 * authority there is (all free memory as untyped capabilities, interrupt
 * control, the console, the device tree) and hands it out. Its objects are
 * made with the same invocations a component would use, by the kernel
 * acting as the caller, so boot takes no separate path through the object
 * code.
 */
#include <arch/pgtable.h>
#include <cleave/arch.h>
#include <cleave/boot_root.h>
#include <cleave/cnode.h>
#include <cleave/elf.h>
#include <cleave/invocation.h>
#include <cleave/kobjects.h>
#include <cleave/panic.h>
#include <cleave/platform.h>
#include <cleave/print.h>
#include <cleave/timer.h>

#include <cleave/bootinfo.h>
#include <string.h>

#include <plat_config.h>

#define ROOT_CNODE_BITS 18  /* 4096 slots */
#define ROOT_ASPACE_BITS 16 /* at least: 15 tables */
#define UT_FIRST_SLOT 16
#define FRAMES_FIRST_SLOT (UT_FIRST_SLOT + CL_BOOTINFO_MAX_UNTYPED)
#define IMAGE_VA_MIN 0x400000ULL
#define IMAGE_VA_MAX 0x0f000000ULL

static struct cte *root;
static uint64_t next_slot = FRAMES_FIRST_SLOT;
static uint64_t ut_slot; /* the untyped the root's own objects come from */

void boot_ranges_remove(struct boot_ranges *rs, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < rs->n; i++) {
		uint64_t b = rs->r[i].base;
		uint64_t e = rs->r[i].end;

		if (end <= b || base >= e)
			continue;
		rs->r[i].end = base > b ? base : b;
		if (end < e && rs->n < BOOT_RANGES_MAX) {
			rs->r[rs->n].base = end;
			rs->r[rs->n].end = e;
			rs->n++;
		}
	}
}

static unsigned call(uint64_t cptr, unsigned label, unsigned nargs, uint64_t a0, uint64_t a1,
		     uint64_t a2, uint64_t a3)
{
	struct invocation inv = {
		.root = root, .label = label, .nargs = nargs, .args = {a0, a1, a2, a3}};
	unsigned err = lookup_cap(root, cptr, &inv.target);

	return err != CL_OK ? err : invoke(&inv);
}

static void must(unsigned err, const char *what)
{
	if (err != CL_OK)
		panic("root component: %s failed (error %u)", what, err);
}

/* The root CNode comes first, from the first aligned 256 KiB of free memory. */
static void make_root_cnode(struct boot_ranges *free)
{
	uint64_t size = 1ULL << ROOT_CNODE_BITS;

	for (unsigned i = 0; i < free->n; i++) {
		uint64_t base = ALIGN_UP(free->r[i].base, size);
		struct cap cap = {
			.type = CAP_CNODE, .rights = CL_RIGHTS_ALL, .size_bits = ROOT_CNODE_BITS};

		if (base + size > free->r[i].end)
			continue;
		memset((void *)(uintptr_t)base, 0, (size_t)size);
		cap.obj = (uintptr_t)base;
		root = &((struct cte *)(uintptr_t)base)[CL_SLOT_CNODE];
		cte_insert(NULL, root, &cap);
		boot_ranges_remove(free, base, base + size);
		return;
	}
	panic("root component: no 256 KiB of free memory for its CNode");
}

static void put_root_cap(uint64_t slot, unsigned type, uint64_t obj, uint8_t rights, uint8_t bits)
{
	struct cap cap = {.type = (uint8_t)type, .rights = rights, .size_bits = bits, .obj = obj};

	cte_insert(NULL, &cnode_slots(&root->cap)[slot], &cap);
}

/* All remaining free memory, as the largest naturally aligned blocks. */
static void make_untyped(const struct boot_root_args *a, struct cl_bootinfo *bi)
{
	uint64_t best = 0;

	const struct boot_ranges *free = a->free;

	bi->untyped_first = UT_FIRST_SLOT;
	for (unsigned i = 0; i < free->n; i++) {
		uint64_t b = ALIGN_UP(free->r[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(free->r[i].end, PAGE_SIZE);

		while (b < e && bi->untyped_count < CL_BOOTINFO_MAX_UNTYPED) {
			unsigned bits = 12;

			while (bits < 47 && IS_ALIGNED(b, 1ULL << (bits + 1)) &&
			       b + (2ULL << bits) <= e)
				bits++;
			bi->untyped[bi->untyped_count] =
				(struct cl_untyped_desc){b, (uint8_t)bits, 0, {0}};
			put_root_cap(UT_FIRST_SLOT + bi->untyped_count, CAP_UNTYPED, b,
				     CL_RIGHTS_ALL, (uint8_t)bits);
			if (bits > best) {
				best = bits;
				ut_slot = UT_FIRST_SLOT + bi->untyped_count;
			}
			bi->untyped_count++;
			b += 1ULL << bits;
		}
	}
	if (best < 20)
		panic("root component: no untyped block of 1 MiB for its objects");
	/* Devices for user level, as device untyped: they can only become frames. */
	for (size_t i = 0; i <= plat_desc.num_user_devices; i++) {
		/* After the platform's devices, GICv2's virtual CPU interface, which VMMs map
		 * for their guests (two pages, IHI 0048B 5.4). */
		struct plat_user_device gicv = {"gicv", a->gic_vcpu, a->gic_vcpu != 0 ? 0x2000 : 0,
						0};
		const struct plat_user_device *d =
			i < plat_desc.num_user_devices ? &plat_desc.user_devices[i] : &gicv;

		for (uint64_t b = d->base;
		     b < d->base + d->size && bi->untyped_count < CL_BOOTINFO_MAX_UNTYPED;
		     b += PAGE_SIZE) {
			struct cap cap = {.type = CAP_UNTYPED,
					  .rights = CL_RIGHTS_ALL,
					  .size_bits = 12,
					  .flags = CAP_FLAG_DEVICE,
					  .obj = (uintptr_t)b};

			bi->untyped[bi->untyped_count] = (struct cl_untyped_desc){b, 12, 1, {0}};
			cte_insert(NULL,
				   &cnode_slots(&root->cap)[UT_FIRST_SLOT + bi->untyped_count],
				   &cap);
			bi->untyped_count++;
		}
	}
}

static uint64_t new_frame(uint64_t vaddr, uint64_t rights)
{
	uint64_t slot = next_slot++;

	must(call(ut_slot, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_FRAME, 12, slot, 1), "frame retype");
	must(call(slot, CL_LABEL_FRAME_MAP, 4, CL_SLOT_ASPACE, vaddr, rights, 0), "frame map");
	return slot;
}

static uintptr_t frame_pa(uint64_t slot)
{
	return cnode_slots(&root->cap)[slot].cap.obj;
}

static void load_segment(const struct boot_root_args *a, const struct elf_segment *s)
{
	uint64_t rights =
		CL_RIGHT_READ | (s->write ? CL_RIGHT_WRITE : 0) | (s->exec ? CL_RIGHT_EXEC : 0);

	for (uint64_t va = ALIGN_DOWN(s->vaddr, PAGE_SIZE); va < s->vaddr + s->memsz;
	     va += PAGE_SIZE) {
		uint64_t slot = new_frame(va, rights);
		uintptr_t pa = frame_pa(slot);

		/* Copy the part of this page that the file provides; retype zeroed the rest. */
		for (uint64_t off = 0; off < PAGE_SIZE; off++) {
			uint64_t at = va + off;

			if (at >= s->vaddr && at < s->vaddr + s->filesz)
				((uint8_t *)pa)[off] =
					((const uint8_t *)a->elf)[s->offset + (at - s->vaddr)];
		}
		/* The root fetches these instructions through its own mapping: make them visible.
		 */
		if (s->exec)
			arch_cache_op(CACHE_UNIFY, pa, PAGE_SIZE);
	}
}

static void load_image(const struct boot_root_args *a, struct cl_bootinfo *bi, uint64_t *entry)
{
	struct elf_info info;
	char err[96];

	if (elf_parse(a->elf, a->elf_size, IMAGE_VA_MIN, IMAGE_VA_MAX, &info, err, sizeof(err)) !=
	    0)
		panic("%s", err);
	bi->image_first = next_slot;
	bi->image_vaddr = ALIGN_DOWN(info.segs[0].vaddr, PAGE_SIZE);
	for (unsigned i = 0; i < info.nsegs; i++)
		load_segment(a, &info.segs[i]);
	bi->image_count = next_slot - bi->image_first;
	*entry = info.entry;
}

static void give_dtb(const struct boot_root_args *a, struct cl_bootinfo *bi)
{
	uint64_t first = ALIGN_DOWN(a->dtb_paddr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(a->dtb_paddr + a->dtb_size, PAGE_SIZE);

	bi->dtb_first = next_slot;
	for (uint64_t pa = first; pa < end; pa += PAGE_SIZE)
		put_root_cap(next_slot++, CAP_FRAME, pa, CL_RIGHT_READ, 12);
	bi->dtb_count = next_slot - bi->dtb_first;
	bi->dtb_paddr = a->dtb_paddr;
	bi->dtb_size = a->dtb_size;
}

/*
 * The image payload, for the loader: mapped read-only where bootinfo says, in 2 MiB
 * frames (it starts 2 MiB aligned) and 4 KiB frames for the tail, so a payload of
 * guest kernels takes tens of slots, not tens of thousands. The capabilities carry
 * read, write and exec: the loader may hand a guest kernel's frames to that one
 * guest as its RAM (docs/image.md, "In place"); the root maps them read-only.
 */
static void give_module(const struct boot_root_args *a, struct cl_bootinfo *bi)
{
	uint64_t end = ALIGN_UP(a->module_size, PAGE_SIZE);

	bi->module_first = next_slot;
	for (uint64_t off = 0; off < end;) {
		uint64_t slot = next_slot++;
		uint8_t bits = end - off >= BLOCK_SIZE ? 21 : 12;

		put_root_cap(slot, CAP_FRAME, a->module_paddr + off,
			     CL_RIGHT_READ | CL_RIGHT_WRITE | CL_RIGHT_EXEC, bits);
		must(call(slot, CL_LABEL_FRAME_MAP, 4, CL_SLOT_ASPACE, CL_MODULE_VADDR + off,
			  CL_RIGHT_READ, 0),
		     "payload map");
		off += 1ULL << bits;
	}
	bi->module_count = next_slot - bi->module_first;
	bi->module_paddr = a->module_paddr;
	bi->module_size = a->module_size;
}

/*
 * The root's address space: 15 tables hold its image, stack, device tree and
 * bootinfo and a payload mapped with 2 MiB blocks; where stage 2 has no blocks
 * (PLAT_STAGE2_BLOCKS, docs/vmm.md) each 2 MiB of the payload takes a level-3
 * table more.
 */
static unsigned root_aspace_bits(const struct boot_root_args *a)
{
	uint64_t tables = 15;
	unsigned bits = ROOT_ASPACE_BITS;

	if (!PLAT_STAGE2_BLOCKS)
		tables += ALIGN_UP(a->module_size, BLOCK_SIZE) / BLOCK_SIZE;
	while ((1ULL << (bits - 12)) - 1 < tables)
		bits++;
	return bits;
}

void boot_root_create(const struct boot_root_args *a)
{
	struct cl_bootinfo *bi;
	uint64_t entry;
	uint64_t mib = 0;

	make_root_cnode(a->free);
	put_root_cap(CL_SLOT_IRQ_CONTROL, CAP_IRQ_CONTROL, 0, CL_RIGHTS_ALL, 0);
	put_root_cap(CL_SLOT_CONSOLE, CAP_CONSOLE, 0, CL_RIGHTS_ALL, 0);
	put_root_cap(CL_SLOT_SCHED_CONTROL, CAP_SCHED_CONTROL, 0, CL_RIGHTS_ALL, 0);
	/* Bootinfo is written before the untyped list is known; build it in place afterwards. */
	static struct cl_bootinfo info;
	info = (struct cl_bootinfo){.magic = CL_BOOTINFO_MAGIC};
	make_untyped(a, &info);
	must(call(ut_slot, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_TCB, 0, CL_SLOT_TCB, 1),
	     "thread retype");
	must(call(ut_slot, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_ASPACE, root_aspace_bits(a),
		  CL_SLOT_ASPACE, 1),
	     "address space retype");
	load_image(a, &info, &entry);
	info.stack_first = next_slot;
	for (unsigned i = CL_ROOT_STACK_PAGES; i > 0; i--)
		new_frame(CL_ROOT_STACK_TOP - i * PAGE_SIZE, CL_RIGHT_READ | CL_RIGHT_WRITE);
	give_dtb(a, &info);
	give_module(a, &info);
	must(call(ut_slot, CL_LABEL_UNTYPED_RETYPE, 4, CL_OBJ_FRAME, 12, CL_SLOT_BOOTINFO, 1),
	     "bootinfo retype");
	must(call(CL_SLOT_BOOTINFO, CL_LABEL_FRAME_MAP, 4, CL_SLOT_ASPACE, CL_BOOTINFO_VADDR,
		  CL_RIGHT_READ, 0),
	     "bootinfo map");
	info.cnode_slots = cnode_nslots(&root->cap);
	info.first_free_slot = next_slot;
	info.num_cpus = a->num_cpus;
	info.aspaces_in_use = 1; /* the root's own */
	info.timer_freq = a->timer_freq;
	info.timer_hz = TIMER_HZ;
	info.gic_version = a->gic_version;
	info.gic_vcpu = a->gic_vcpu;
	bi = (struct cl_bootinfo *)frame_pa(CL_SLOT_BOOTINFO);
	*bi = info;
	must(call(CL_SLOT_TCB, CL_LABEL_TCB_CONFIGURE, 3, CL_SLOT_CNODE, CL_SLOT_ASPACE, 0, 0),
	     "thread configure");
	must(call(CL_SLOT_TCB, CL_LABEL_TCB_WRITE_REGS, 4, entry, CL_ROOT_STACK_TOP,
		  CL_BOOTINFO_VADDR, 0),
	     "thread registers");
	must(call(CL_SLOT_TCB, CL_LABEL_TCB_SET_PRIORITY, 1, 255, 0, 0, 0), "thread priority");
	must(call(CL_SLOT_TCB, CL_LABEL_TCB_RESUME, 0, 0, 0, 0, 0), "thread resume");
	for (uint64_t i = 0; i < info.untyped_count; i++)
		mib += (1ULL << info.untyped[i].size_bits) >> 10;
	kprintf("root: entry %#llx, %llu frames of image, %llu untyped capabilities (%llu KiB)\n",
		(unsigned long long)entry, (unsigned long long)info.image_count,
		(unsigned long long)info.untyped_count, (unsigned long long)mib);
}
