// Which bytes of a buffer equal a given byte, as bitmaps of 64 bytes (bit i for byte i), which Swift cannot spell:
// SSE2's byte compare and mask on x86-64 for one chunk at a time, inlined into the Swift code that calls it; for a
// whole piece of a log, its lines and spaces (byte_scan.c: AVX2, BMI and POPCNT when the processor has them);
// elsewhere plain loops the compiler vectorises.
#ifndef GATEHOUSE_BYTE_SCAN_H
#define GATEHOUSE_BYTE_SCAN_H
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The bitmap of the bytes equal to `byte` among the 64 at `bytes`.
static inline uint64_t gatehouse_byte_bitmap64(const uint8_t *bytes, uint8_t byte) {
    uint64_t bits = 0;
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8((char)byte);
    for (int offset = 0; offset < 64; offset += 16) {
        const __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + offset));
        bits |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, needle)) << offset;
    }
#else
    for (int offset = 0; offset < 64; offset++) bits |= (uint64_t)(bytes[offset] == byte) << offset;
#endif
    return bits;
}

// The lines of `count` bytes of a block that start at the block's `offset`, in one pass: the offset in the block of
// each newline (into `newlines`, room for `count`) with the number of spaces noted before it (`spacesBefore`), and the
// offset of each space (into `spaces` from index `*spaceCount` on, which is advanced: room for `count` + 64 more).
// Returns the number of newlines.
size_t gatehouse_index_lines(
    const uint8_t *bytes, size_t count, uint32_t offset, uint32_t *spaces, size_t *spaceCount, uint32_t *newlines, uint32_t *spacesBefore);

// The same without AVX2, BMI or POPCNT, as processors without them run it (and tests compare the two).
size_t gatehouse_index_lines_portable(
    const uint8_t *bytes, size_t count, uint32_t offset, uint32_t *spaces, size_t *spaceCount, uint32_t *newlines, uint32_t *spacesBefore);

#endif
