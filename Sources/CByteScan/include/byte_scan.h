// Which bytes of a buffer equal a given byte, as bitmaps of 64 bytes (bit i for byte i), which Swift cannot spell:
// SSE2's byte compare and mask on x86-64 for one chunk at a time, inlined into the Swift code that calls it; AVX2 when
// the processor has it for many chunks at once (byte_scan.c); elsewhere plain loops the compiler vectorises.
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

// The bitmaps of the bytes equal to `first` and to `second` in each 64-byte chunk of the `count` bytes at `bytes`:
// chunk k's in firstBits[k] and secondBits[k], which hold (count + 63) / 64 entries each. A last chunk shorter than
// 64 bytes is read as if zero bytes followed it; no byte after `bytes + count` is read.
void gatehouse_byte_bitmaps(const uint8_t *bytes, size_t count, uint8_t first, uint8_t second, uint64_t *firstBits, uint64_t *secondBits);

#endif
