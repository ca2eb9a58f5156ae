/* The system-call server of musl components (posix_server.c). */
#ifndef CLEAVE_POSIX_H
#define CLEAVE_POSIX_H

#include <stdint.h>

/* Serves the Linux system calls the main thread makes, forever; the heap is [heap, heap+size). */
void posix_serve(uint64_t ep, uint64_t heap, uint64_t size);
void posix_print(const char *s);

#endif
