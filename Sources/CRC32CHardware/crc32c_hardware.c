#include "crc32c_hardware.h"
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <pthread.h>

// The crc32 instruction has a 3-cycle latency and a throughput of one per cycle: three independent chains over
// three adjacent blocks run three times faster than one, then the chains are joined by "appending" the block
// length of zeros to the earlier ones (a linear operator, tabulated below) and xoring. Mark Adler's method
// (crc32c.c, zlib licence), with block sizes fitted to spool records of a few hundred bytes.
#define POLY 0x82f63b78u
#define LONG 1024
#define SHORT 64

static uint32_t zeros_long[4][256];
static uint32_t zeros_short[4][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static uint32_t gf2_matrix_times(const uint32_t *mat, uint32_t vec) {
    uint32_t sum = 0;
    while (vec) {
        if (vec & 1) sum ^= *mat;
        vec >>= 1;
        mat++;
    }
    return sum;
}

static void gf2_matrix_square(uint32_t *square, const uint32_t *mat) {
    for (int n = 0; n < 32; n++) square[n] = gf2_matrix_times(mat, mat[n]);
}

// The operator that appends `len` zero bytes to a raw (not inverted) CRC; `len` must be a power of two.
static void zeros_operator(uint32_t *even, size_t len) {
    uint32_t odd[32];
    odd[0] = POLY;   // one zero bit
    uint32_t row = 1;
    for (int n = 1; n < 32; n++) { odd[n] = row; row <<= 1; }
    gf2_matrix_square(even, odd);   // two zero bits
    gf2_matrix_square(odd, even);   // four zero bits
    // Each square doubles the count: the first gives one zero byte, the loop stops once `len` bytes are reached.
    do {
        gf2_matrix_square(even, odd);
        len >>= 1;
        if (len == 0) return;
        gf2_matrix_square(odd, even);
        len >>= 1;
    } while (len);
    for (int n = 0; n < 32; n++) even[n] = odd[n];
}

static void zeros_table(uint32_t zeros[4][256], size_t len) {
    uint32_t op[32];
    zeros_operator(op, len);
    for (uint32_t n = 0; n < 256; n++) {
        zeros[0][n] = gf2_matrix_times(op, n);
        zeros[1][n] = gf2_matrix_times(op, n << 8);
        zeros[2][n] = gf2_matrix_times(op, n << 16);
        zeros[3][n] = gf2_matrix_times(op, n << 24);
    }
}

static void make_tables(void) {
    zeros_table(zeros_long, LONG);
    zeros_table(zeros_short, SHORT);
}

static inline uint32_t shift(uint32_t zeros[4][256], uint32_t crc) {
    return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^ zeros[2][(crc >> 16) & 0xff] ^ zeros[3][crc >> 24];
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

// The function-level target keeps the rest of the binary free of SSE4.2, so it still runs on a CPU without it
// (the Swift fallback is used there).
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t c0 = (uint32_t)~crc;
    while (n > 0 && ((uintptr_t)p & 7) != 0) { c0 = __builtin_ia32_crc32qi((uint32_t)c0, *p); p++; n--; }
    while (n >= 3 * LONG) {
        uint64_t c1 = 0, c2 = 0;
        const unsigned char *end = p + LONG;
        do {
            c0 = __builtin_ia32_crc32di(c0, load64(p));
            c1 = __builtin_ia32_crc32di(c1, load64(p + LONG));
            c2 = __builtin_ia32_crc32di(c2, load64(p + 2 * LONG));
            p += 8;
        } while (p < end);
        c0 = shift(zeros_long, (uint32_t)c0) ^ (uint32_t)c1;
        c0 = shift(zeros_long, (uint32_t)c0) ^ (uint32_t)c2;
        p += 2 * LONG;
        n -= 3 * LONG;
    }
    while (n >= 3 * SHORT) {
        uint64_t c1 = 0, c2 = 0;
        const unsigned char *end = p + SHORT;
        do {
            c0 = __builtin_ia32_crc32di(c0, load64(p));
            c1 = __builtin_ia32_crc32di(c1, load64(p + SHORT));
            c2 = __builtin_ia32_crc32di(c2, load64(p + 2 * SHORT));
            p += 8;
        } while (p < end);
        c0 = shift(zeros_short, (uint32_t)c0) ^ (uint32_t)c1;
        c0 = shift(zeros_short, (uint32_t)c0) ^ (uint32_t)c2;
        p += 2 * SHORT;
        n -= 3 * SHORT;
    }
    while (n >= 8) { c0 = __builtin_ia32_crc32di(c0, load64(p)); p += 8; n -= 8; }
    while (n > 0) { c0 = __builtin_ia32_crc32qi((uint32_t)c0, *p); p++; n--; }
    return ~(uint32_t)c0;
}

int lb_crc32c_hardware_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if ((ecx & bit_SSE4_2) == 0) return 0;
    pthread_once(&tables_once, make_tables);
    return 1;
}

uint32_t lb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length) {
    return crc32c_sse42(crc, (const unsigned char *)bytes, length);
}

#else

int lb_crc32c_hardware_available(void) { return 0; }
uint32_t lb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length) {
    (void)bytes; (void)length;
    return crc;
}

#endif
