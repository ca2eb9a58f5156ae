# Warnings are errors, for host and target alike.
set(CLEAVE_WARNINGS
  -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wvla
  -Wpointer-arith -Wundef -Wformat=2 -Wimplicit-fallthrough)
