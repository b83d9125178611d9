// The glibc symbols newer than 2.34 that the packaged binary would otherwise need, replaced by older ones so the
// .rpm built on Debian 12 (glibc 2.36) installs on Alma/RHEL 9 (glibc 2.34), the O² farm's system. The packaging
// link (the Makefile's STATIC_LINK) passes `--wrap=hypot --wrap=hypotf --wrap=arc4random`: every reference to
// those names in the static archives goes to the `__wrap_` function of the same name below. A normal build does
// not wrap, and these functions are then linked but unused.
//
// What `objdump -T` of the packaged binary listed above GLIBC_2.34 without them:
// - `hypot`, `hypotf` (GLIBC_2.35), called by the static Swift runtime and Foundation. glibc 2.35 versioned
//   them anew when it dropped the SVID error wrapper; `hypotf64`/`hypotf32` (GLIBC_2.27) are the same functions
//   under their TS 18661-3 names (the same address in Debian 12's libm) and exist in Alma 9's glibc. They are
//   called by name, not through `.symver hypot@GLIBC_2.2.5`: gold, the linker swiftc uses, applies --wrap to a
//   versioned reference too, which made `__wrap_hypot` call itself.
// - `arc4random` (GLIBC_2.36), from the static libstdc++ (std::random_device, in the archive member that
//   libstdc++'s own string code pulls in; LogBridge never calls it). glibc's arc4random is getrandom(2) and
//   aborts when no entropy can be had; so does this one.
#include "glibc_compat.h"
#include <stdlib.h>   // defines __GLIBC__ on glibc

#if defined(__x86_64__) && defined(__GLIBC__)
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

double hypotf64(double x, double y);
float hypotf32(float x, float y);

double __wrap_hypot(double x, double y) { return hypotf64(x, y); }
float __wrap_hypotf(float x, float y) { return hypotf32(x, y); }

uint32_t __wrap_arc4random(void) {
    uint32_t value;
    for (;;) {
        ssize_t n = getrandom(&value, sizeof value, 0);
        if (n == (ssize_t)sizeof value) return value;
        if (n < 0 && errno != EINTR) abort();
    }
}
#endif
