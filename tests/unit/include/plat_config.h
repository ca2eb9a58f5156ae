/* The platform constants host unit tests are built with (images get theirs from gen_platform.py).
 */
#ifndef PLAT_CONFIG_H
#define PLAT_CONFIG_H
#define PLAT_NAME "host-test"
#define PLAT_CPUS_MAX 8
#endif
