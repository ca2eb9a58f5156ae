/* Refusal messages that name the guest (see error.h). */
#include <stdarg.h>

#include <cleave/print.h>
#include <vmm/error.h>

int vmm_fail(struct vmm_error *err, const char *guest, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err == NULL)
		return -1;
	n = ksnprintf(err->msg, sizeof(err->msg), "guest '%s': ", guest ? guest : "?");
	if (n < sizeof(err->msg)) {
		va_start(ap, fmt);
		kvsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

struct vmm_size_text vmm_size_text(uint64_t bytes)
{
	struct vmm_size_text t;
	const uint64_t mib = 1024 * 1024;

	/* Sizes a person compares with "guest RAM is 64 MiB": round up, never down. */
	if (bytes >= mib)
		ksnprintf(t.s, sizeof(t.s), "%llu MiB",
			  (unsigned long long)((bytes + mib - 1) / mib));
	else if (bytes >= 1024)
		ksnprintf(t.s, sizeof(t.s), "%llu KiB",
			  (unsigned long long)((bytes + 1023) / 1024));
	else
		ksnprintf(t.s, sizeof(t.s), "%llu bytes", (unsigned long long)bytes);
	return t;
}
