/*
 * Included first by test_string's copy of kernel/src/string.c: its functions
 * under names of their own, so the host test calls the kernel's memcpy and
 * memset beside the C library's, not instead of them.
 */
#define memchr kstr_memchr
#define memcmp kstr_memcmp
#define memcpy kstr_memcpy
#define memmove kstr_memmove
#define memset kstr_memset
#define strchr kstr_strchr
#define strrchr kstr_strrchr
#define strcmp kstr_strcmp
#define strncmp kstr_strncmp
#define strlen kstr_strlen
#define strnlen kstr_strnlen
#define strstr kstr_strstr
#define strtoul kstr_strtoul
