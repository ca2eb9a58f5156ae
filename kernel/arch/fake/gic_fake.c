/* The fake GIC: remembers which lines are enabled. */
#include <arch/fake.h>
#include <cleave/gic.h>

bool fake_spi_enabled[1024];

void gic_set_spi(unsigned intid, bool enable)
{
	fake_spi_enabled[intid] = enable;
}

unsigned gic_lines(void)
{
	return 288;
}

unsigned fake_spi_pended;

void gic_set_pending(unsigned intid)
{
	(void)intid;
	fake_spi_pended++;
}
