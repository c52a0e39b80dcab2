// gatehouse_index_lines, as simdjson indexes a document before reading it: each 64-byte chunk becomes a bitmap of its
// spaces and one of its newlines, whose bits are then written out as offsets, eight at a time without a branch per
// space. With AVX2, BMI and POPCNT when the processor and the system have them (chosen once at run time, as glibc
// chooses its memchr, so that one binary runs on every x86-64); SSE2 and plain bit loops otherwise.
#include "byte_scan.h"
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

// Writes the offsets of one chunk's newlines and spaces (bitmaps `spacesMask` and `newlineMask`, the chunk at `base`).
// `spaces` has room for 64 offsets past `*noted`: all eight of a round are written, those past the chunk's spaces
// (offset base + 64) left for the next chunk to overwrite. Inlined into each variant below, where the compiler uses the
// variant's instructions for the bit counts.
__attribute__((always_inline)) static inline void index_chunk(
    uint64_t spacesMask, uint64_t newlineMask, uint32_t base, uint32_t *spaces, size_t *noted, uint32_t *newlines, uint32_t *spacesBefore,
    size_t *lines) {
    while (newlineMask != 0) {
        const uint64_t below = (newlineMask & (0 - newlineMask)) - 1;
        newlines[*lines] = base + (uint32_t)__builtin_ctzll(newlineMask);
        spacesBefore[*lines] = (uint32_t)(*noted + (size_t)__builtin_popcountll(spacesMask & below));
        *lines += 1;
        newlineMask &= newlineMask - 1;
    }
    const size_t count = (size_t)__builtin_popcountll(spacesMask);
    uint32_t *out = spaces + *noted;
    for (size_t round = 0; round < count; round += 8) {
        for (int index = 0; index < 8; index++) {
            out[round + index] = base + (uint32_t)(spacesMask ? __builtin_ctzll(spacesMask) : 64);
            spacesMask &= spacesMask - 1;
        }
    }
    *noted += count;
}

// The chunk at `bytes`, or the last `rest` bytes (fewer than 64) as if zero bytes followed them.
__attribute__((always_inline)) static inline const uint8_t *chunk_at(const uint8_t *bytes, size_t rest, uint8_t tail[64]) {
    if (rest >= 64) return bytes;
    memset(tail, 0, 64);
    memcpy(tail, bytes, rest);
    return tail;
}

size_t gatehouse_index_lines_portable(
    const uint8_t *bytes, size_t count, uint32_t offset, uint32_t *spaces, size_t *spaceCount, uint32_t *newlines, uint32_t *spacesBefore) {
    size_t lines = 0;
    uint8_t tail[64];
    for (size_t start = 0; start < count; start += 64) {
        const uint8_t *chunk = chunk_at(bytes + start, count - start, tail);
        index_chunk(gatehouse_byte_bitmap64(chunk, 0x20), gatehouse_byte_bitmap64(chunk, 0x0A), offset + (uint32_t)start, spaces, spaceCount,
            newlines, spacesBefore, &lines);
    }
    return lines;
}

#if defined(__x86_64__)
__attribute__((target("avx2,bmi,popcnt"))) static size_t index_lines_avx2(
    const uint8_t *bytes, size_t count, uint32_t offset, uint32_t *spaces, size_t *spaceCount, uint32_t *newlines, uint32_t *spacesBefore) {
    const __m256i space = _mm256_set1_epi8(0x20), newline = _mm256_set1_epi8(0x0A);
    size_t lines = 0;
    uint8_t tail[64];
    for (size_t start = 0; start < count; start += 64) {
        const uint8_t *chunk = chunk_at(bytes + start, count - start, tail);
        const __m256i low = _mm256_loadu_si256((const __m256i *)chunk), high = _mm256_loadu_si256((const __m256i *)(chunk + 32));
        const uint64_t spacesMask = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, space))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, space)) << 32;
        const uint64_t newlineMask = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, newline))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, newline)) << 32;
        index_chunk(spacesMask, newlineMask, offset + (uint32_t)start, spaces, spaceCount, newlines, spacesBefore, &lines);
    }
    return lines;
}

// AVX2 and BMI1 in the processor (CPUID leaf 7), POPCNT (leaf 1), and the YMM registers saved by the system (XCR0 bits
// 1 and 2).
static int has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE) || !(ecx & bit_AVX) || !(ecx & bit_POPCNT)) return 0;
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX2) && (ebx & bit_BMI);
}
#endif

size_t gatehouse_index_lines(
    const uint8_t *bytes, size_t count, uint32_t offset, uint32_t *spaces, size_t *spaceCount, uint32_t *newlines, uint32_t *spacesBefore) {
#if defined(__x86_64__)
    // -1 until the first call; threads that race here all store the same answer.
    static int avx2 = -1;
    int use = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (use < 0) {
        use = has_avx2();
        __atomic_store_n(&avx2, use, __ATOMIC_RELAXED);
    }
    if (use) return index_lines_avx2(bytes, count, offset, spaces, spaceCount, newlines, spacesBefore);
#endif
    return gatehouse_index_lines_portable(bytes, count, offset, spaces, spaceCount, newlines, spacesBefore);
}
