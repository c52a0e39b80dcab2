// gatehouse_byte_bitmaps: AVX2 (32 bytes per compare) when the processor and the system have it, chosen once at run
// time as glibc chooses its memchr, so that one binary runs on every x86-64; SSE2 otherwise.
#include "byte_scan.h"
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static void bitmaps_portable(const uint8_t *bytes, size_t chunks, uint8_t first, uint8_t second, uint64_t *firstBits, uint64_t *secondBits) {
    for (size_t chunk = 0; chunk < chunks; chunk++) {
        firstBits[chunk] = gatehouse_byte_bitmap64(bytes + 64 * chunk, first);
        secondBits[chunk] = gatehouse_byte_bitmap64(bytes + 64 * chunk, second);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void bitmaps_avx2(
    const uint8_t *bytes, size_t chunks, uint8_t first, uint8_t second, uint64_t *firstBits, uint64_t *secondBits) {
    const __m256i firstNeedle = _mm256_set1_epi8((char)first), secondNeedle = _mm256_set1_epi8((char)second);
    for (size_t chunk = 0; chunk < chunks; chunk++) {
        const __m256i low = _mm256_loadu_si256((const __m256i *)(bytes + 64 * chunk));
        const __m256i high = _mm256_loadu_si256((const __m256i *)(bytes + 64 * chunk + 32));
        firstBits[chunk] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, firstNeedle))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, firstNeedle)) << 32;
        secondBits[chunk] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, secondNeedle))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, secondNeedle)) << 32;
    }
}

// AVX2 in the processor (CPUID leaf 7) and the YMM registers saved by the system (XCR0 bits 1 and 2).
static int has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX2) != 0;
}
#endif

void gatehouse_byte_bitmaps(const uint8_t *bytes, size_t count, uint8_t first, uint8_t second, uint64_t *firstBits, uint64_t *secondBits) {
    const size_t chunks = count / 64;
#if defined(__x86_64__)
    // -1 until the first call; threads that race here all store the same answer.
    static int avx2 = -1;
    int use = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (use < 0) {
        use = has_avx2();
        __atomic_store_n(&avx2, use, __ATOMIC_RELAXED);
    }
    if (use) {
        bitmaps_avx2(bytes, chunks, first, second, firstBits, secondBits);
    } else {
        bitmaps_portable(bytes, chunks, first, second, firstBits, secondBits);
    }
#else
    bitmaps_portable(bytes, chunks, first, second, firstBits, secondBits);
#endif
    const size_t rest = count % 64;
    if (rest > 0) {
        uint8_t tail[64] = {0};
        memcpy(tail, bytes + 64 * chunks, rest);
        firstBits[chunks] = gatehouse_byte_bitmap64(tail, first);
        secondBits[chunks] = gatehouse_byte_bitmap64(tail, second);
    }
}
