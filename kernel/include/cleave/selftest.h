/*
 * A hook for test images: the normal kernel links selftest_none.c, a test
 * image links its own implementation (tests/system/). Runs on the boot CPU
 * after the boot report, with bootargs from the device tree.
 */
#ifndef CLEAVE_SELFTEST_H
#define CLEAVE_SELFTEST_H

void selftest_run(const char *bootargs);

#endif
