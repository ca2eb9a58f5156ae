/*
 * Device register access. Accesses are single, naturally aligned loads and
 * stores through volatile pointers to Device-nGnRnE mappings; the barriers
 * order them against Normal memory where a driver needs it.
 */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <cleave/compiler.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	return *(volatile uint64_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
	return *(volatile uint8_t *)addr;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

#endif
