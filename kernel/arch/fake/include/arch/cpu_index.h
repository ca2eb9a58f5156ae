/* The fake arch's CPU index (see the aarch64 arch/cpu_index.h): what the test set. */
#ifndef ARCH_CPU_INDEX_H
#define ARCH_CPU_INDEX_H

extern unsigned fake_cpu;

static inline unsigned arch_cpu_index(void)
{
	return fake_cpu;
}

#endif
