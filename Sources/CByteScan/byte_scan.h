// Which of 64 bytes equal a given byte, as a bitmap (bit i for byte i): SSE2's byte compare and mask on x86-64, 16
// bytes per instruction, which Swift cannot spell; elsewhere a plain loop the compiler vectorises. Header-only: the
// function is inlined into the Swift code that calls it.
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
