#ifndef LOGBRIDGE_CRC32C_HARDWARE_H
#define LOGBRIDGE_CRC32C_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has a CRC-32C instruction this file can use (x86-64 SSE4.2), else 0. Builds the tables
/// `lb_crc32c_hardware_update` needs (once): call it, and get 1, before the first update.
int lb_crc32c_hardware_available(void);

/// Continues a CRC-32C (Castagnoli, reflected, init and final xor 0xFFFFFFFF) over `length` bytes at `bytes`:
/// the same value as the Swift table code for the same input. Only call when lb_crc32c_hardware_available().
uint32_t lb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length);

#endif
