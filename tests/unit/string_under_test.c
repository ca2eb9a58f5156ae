/*
 * The kernel's freestanding string functions (kernel/src/string.c) under other
 * names, so the host test links them beside the C library's own.
 */
#define memchr k_memchr
#define memcmp k_memcmp
#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define strchr k_strchr
#define strrchr k_strrchr
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strlen k_strlen
#define strnlen k_strnlen
#define strstr k_strstr
#define strtoul k_strtoul
#include "../../kernel/src/string.c"
