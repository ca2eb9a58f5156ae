/* Sizes shared by the test guests' assembly and C. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* vCPUs a test guest handles (Cleave gives a guest 1 to 4; QEMU's virt board up to 8). */
#define GUEST_MAX_CPUS 8
#define GUEST_STACK_SIZE 8192

#endif
