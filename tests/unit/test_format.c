/* kvsnprintf(): the kernel's only formatter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <cleave/print.h>

static char buf[128];

static void fmt_is(const char *expect, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, expect);
	assert_int_equal(n, strlen(expect));
}

static void integers(void **state)
{
	(void)state;
	fmt_is("0 -1 42 4294967295", "%d %d %u %u", 0, -1, 42U, 4294967295U);
	fmt_is("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	fmt_is("18446744073709551615", "%llu", 18446744073709551615ULL);
	fmt_is("ff FF 0x1f 0x0", "%x %X %#x %#x", 255U, 255U, 31U, 0U);
	fmt_is("123 7", "%zu %lu", (size_t)123, 7UL);
}

static void widths_and_flags(void **state)
{
	(void)state;
	fmt_is("0042|  42|42  |", "%04u|%4u|%-4u|", 42U, 42U, 42U);
	fmt_is("00000000deadbeef", "%016llx", 0xdeadbeefULL);
	fmt_is("  -5", "%4d", -5);
	fmt_is("ab   |  cd", "%-5s|%4s", "ab", "cd");
}

static void strings_and_others(void **state)
{
	(void)state;
	fmt_is("x(null)y", "x%sy", (const char *)NULL);
	fmt_is("100% c", "100%% %c", 'c');
	fmt_is("0x1000", "%p", (void *)0x1000);
	/* An unknown conversion is copied, not interpreted. */
	fmt_is("%q", "%q");
}

static void truncation(void **state)
{
	char small[6];
	size_t n;

	(void)state;
	n = ksnprintf(small, sizeof(small), "%s", "abcdefgh");
	assert_int_equal(n, 8);
	assert_string_equal(small, "abcde");
	n = ksnprintf(small, 0, "%s", "abc");
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers),
		cmocka_unit_test(widths_and_flags),
		cmocka_unit_test(strings_and_others),
		cmocka_unit_test(truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
