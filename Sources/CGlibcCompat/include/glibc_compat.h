#ifndef LOGBRIDGE_GLIBC_COMPAT_H
#define LOGBRIDGE_GLIBC_COMPAT_H

/// Nothing to call from Swift: this module only defines the `__wrap_` functions that the packaging link
/// (`--wrap=` in the Makefile's STATIC_LINK) sends glibc's `hypot`, `hypotf` and `arc4random` to, so the packaged
/// binary needs no glibc above 2.34 (Alma/RHEL 9). See glibc_compat.c and docs/packaging.md.

#endif
