/*
 * The loader's order of work (docs/image.md, "The loader"): check the payload
 * and the specification, make every object, fill every instance, optionally
 * dump the capability tables, start the threads, then give up everything but
 * its own CNode, thread and address space, and stop.
 */
#include <cleave/runtime.h>
#include <stdarg.h>

#include "loader.h"

static struct loader the_loader;

_Noreturn void loader_fail(const char *fmt, ...)
{
	va_list ap;

	cl_printf("LOADER ERROR: ");
	va_start(ap, fmt);
	cl_vprintf(fmt, ap);
	va_end(ap);
	cl_printf("\n");
	for (;;)
		cl_tcb_suspend(CL_SLOT_TCB);
}

cl_cptr_t loader_slot(struct loader *l)
{
	if (l->next_slot >= l->bi->cnode_slots)
		loader_fail("out of slots in the loader's CNode (%llu)",
			    (unsigned long long)l->bi->cnode_slots);
	return l->next_slot++;
}

/*
 * Every capability but its CNode, thread and address space, the frames of its own
 * program and stack (its memory, no authority over anyone) and, until the very end,
 * the console; then it checks with identify that nothing else is left.
 */
void drop_caps(struct loader *l)
{
	/* Bootinfo and the payload go with the caps: nothing below may read them. */
	uint64_t slots = l->bi->cnode_slots;
	uint64_t image_first = l->bi->image_first, image_end = image_first + l->bi->image_count;
	uint64_t stack_first = l->bi->stack_first, stack_end = stack_first + CL_ROOT_STACK_PAGES;
	uint64_t kept = 4 + (image_end - image_first) + CL_ROOT_STACK_PAGES;
	uint64_t left = 0;

	l->bi = NULL;
	for (uint64_t s = CL_SLOT_IRQ_CONTROL; s < slots; s++) {
		if (s == CL_SLOT_CONSOLE || (s >= image_first && s < image_end) ||
		    (s >= stack_first && s < stack_end))
			continue;
		cl_cnode_delete(CL_SLOT_CNODE, s);
	}
	for (uint64_t s = 1; s < slots; s++)
		if (cl_cnode_identify(CL_SLOT_CNODE, s).err == CL_OK)
			left++;
	if (left != kept)
		loader_fail("%llu capabilities left after giving them up, expected %llu",
			    (unsigned long long)left, (unsigned long long)kept);
}

/*
 * Each IRQ handler signals its notification; the holder acks it to enable the line.
 * A handler with a badge (a guest's passed-through interrupt: which line fired, for
 * its VMM) is bound through a copy of the notification capability minted with it,
 * deleted after: the kernel keeps the badge with the line.
 */
static void bind_interrupts(struct loader *l)
{
	for (uint32_t i = 0; i < l->spec.h->n_objects; i++) {
		const struct cl_spec_object *o = &l->spec.objects[i];
		cl_cptr_t ntfn, badged = 0;
		struct cl_result r;

		if (o->type != CL_OBJ_IRQ_HANDLER)
			continue;
		ntfn = l->slot[o->notification];
		if (o->paddr != 0) {
			badged = loader_slot(l);
			r = cl_cnode_mint(CL_SLOT_CNODE, badged, ntfn, CL_RIGHT_WRITE, o->paddr);
			if (r.err != CL_OK)
				loader_fail("interrupt %u (%s): minting its badge failed (error "
					    "%llu)",
					    o->irq, spec_object_name(&l->spec, i),
					    (unsigned long long)r.err);
			ntfn = badged;
		}
		r = cl_irq_handler_set_notification(l->slot[i], ntfn);
		if (badged != 0)
			cl_cnode_delete(CL_SLOT_CNODE, badged);
		if (r.err != CL_OK)
			loader_fail(
				"interrupt %u (%s): binding its notification failed (error %llu)",
				o->irq, spec_object_name(&l->spec, i), (unsigned long long)r.err);
	}
}

int main(uint64_t arg)
{
	struct loader *l = &the_loader;
	const struct cl_image_entry *e;
	char err[160];
	uint32_t components = 0;

	l->bi = (const struct cl_bootinfo *)arg;
	l->next_slot = l->bi->first_free_slot;
	if (l->bi->module_count == 0)
		loader_fail("this image has no payload: build one with ./cleave build SYSTEM");
	if (payload_open(&l->pl, (const void *)CL_MODULE_VADDR, l->bi->module_size, err,
			 sizeof(err)) != 0)
		loader_fail("%s", err);
	e = payload_find(&l->pl, CL_IMAGE_SPEC);
	if (e == NULL)
		loader_fail("the image has no specification");
	if (spec_open(&l->spec, &l->pl, payload_data(&l->pl, e), e->size, err, sizeof(err)) != 0)
		loader_fail("%s", err);
	if (l->spec.h->n_objects > LOADER_MAX_OBJECTS)
		loader_fail("%u objects; this loader makes at most %u", l->spec.h->n_objects,
			    LOADER_MAX_OBJECTS);
	cl_printf("loader: system '%s': %u objects, %u holders, %u capabilities\n",
		  spec_str(&l->spec, l->spec.h->name), l->spec.h->n_objects, l->spec.h->n_holders,
		  l->spec.h->n_caps);
	alloc_find_files_in_place(l);
	/* Largest first: retype aligns each object to its size, so big ones placed first
	 * leave no holes that small ones could have filled (as capdl-loader does). */
	for (int bits = 47; bits >= 0; bits--)
		for (uint32_t i = 0; i < l->spec.h->n_objects; i++)
			if (alloc_order_bits(&l->spec.objects[i]) == bits)
				alloc_object(l, i);
	bind_interrupts(l);
	for (uint32_t h = 0; h < l->spec.h->n_holders; h++) {
		if (l->spec.holders[h].kind == CL_SPEC_LOADER)
			continue;
		build_holder(l, h);
		components++;
	}
	if (l->pl.flags & CL_IMAGE_FLAG_DUMP_CAPS)
		dump_caps(l, "built");
	start_all(l);
	drop_caps(l);
	cl_printf("loader: started %u components (%llu KiB of objects, %llu KiB of guest files "
		  "in place); now holding only its own CNode, thread, address space and memory\n",
		  components, (unsigned long long)(l->made >> 10),
		  (unsigned long long)(l->in_place_bytes >> 10));
	cl_cnode_delete(CL_SLOT_CNODE, CL_SLOT_CONSOLE);
	for (;;)
		cl_tcb_suspend(CL_SLOT_TCB);
}
