/*
 * The console capability's write (idl/abi.yaml, console write): len in bits
 * 7:0 of MR0, and CL_CONSOLE_MORE when more bytes of the same line follow in
 * the caller's next write. The kernel holds such bytes in the calling thread
 * (up to CL_CONSOLE_LINE_MAX) and prints them with the write that ends the
 * run, in one piece: lines of threads writing at once, each 24 bytes a call,
 * do not interleave.
 */
#ifndef CLEAVE_UAPI_CONSOLE_ABI_H
#define CLEAVE_UAPI_CONSOLE_ABI_H

#define CL_CONSOLE_LEN_MASK 0xffU
#define CL_CONSOLE_MORE 0x100U
#define CL_CONSOLE_LINE_MAX 160U

#endif
