/* The platform constants host unit tests are built with (images get theirs from gen_platform.py).
 */
#ifndef PLAT_CONFIG_H
#define PLAT_CONFIG_H
#define PLAT_NAME "host-test"
#define PLAT_CPUS_MAX 8
/* As qemu-virt; the host's heap lies far above, so frames there are zeroed at once. */
#define PLAT_RAM_BASE 0x40000000
/* As qemu-virt: 2 MiB frames map as 512 pages at stage 2 (the path with more to get wrong). */
#define PLAT_STAGE2_BLOCKS 0
#endif
