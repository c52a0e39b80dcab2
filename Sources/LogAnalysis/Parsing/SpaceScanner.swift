/// The offsets of the spaces of one line, found eight bytes at a time in a 64-bit word (SWAR), from the start forward
/// (``next()``) and from the end backward (``previous()``): a W3C line has a dozen short fields, and a library call per
/// field costs more than the search itself.
struct SpaceScanner {
    private let base: UnsafeRawPointer
    private let count: Int
    /// Where the word read forward starts.
    private var wordStart: Int
    /// The spaces of that word not yet returned: bit 7 of each byte that is a space.
    private var mask: UInt64
    /// Where the word read backward ends (exclusive), and its spaces not yet returned.
    private var backEnd: Int
    private var backMask: UInt64 = 0

    init(_ line: UnsafeRawBufferPointer) {
        base = line.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        count = line.baseAddress == nil ? 0 : line.count
        wordStart = 0
        mask = count > 0 ? Self.spaces(Self.word(base, at: 0, count: count)) : 0
        // The backward words end where the forward ones start, every eighth byte, so both read whole words alike.
        backEnd = (count + 7) & ~7
        if backEnd > 0 { backMask = Self.spaces(Self.word(base, at: backEnd - 8, count: count)) }
    }

    /// The offset of the previous space counting back from the end, or nil when there is none left.
    @inline(__always) mutating func previous() -> Int? {
        while backMask == 0 {
            backEnd -= 8
            guard backEnd > 0 else { return nil }
            backMask = Self.spaces(Self.word(base, at: backEnd - 8, count: count))
        }
        let bit = 63 - backMask.leadingZeroBitCount
        backMask &= ~(1 << UInt64(bit))
        return backEnd - 8 + bit >> 3
    }

    /// The offset of the next space, or nil when the line has no more.
    @inline(__always) mutating func next() -> Int? {
        while mask == 0 {
            wordStart += 8
            guard wordStart < count else { return nil }
            mask = Self.spaces(Self.word(base, at: wordStart, count: count))
        }
        let offset = wordStart + mask.trailingZeroBitCount >> 3
        mask &= mask &- 1
        return offset
    }

    /// Eight bytes from `start`, in memory order from the low byte; past the end of the line, zero bytes (never spaces).
    @inline(__always) private static func word(_ base: UnsafeRawPointer, at start: Int, count: Int) -> UInt64 {
        if start + 8 <= count { return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
        var word: UInt64 = 0
        for index in 0..<(count - start) { word |= UInt64(base.load(fromByteOffset: start + index, as: UInt8.self)) << (index << 3) }
        return word
    }

    /// 0x80 in each byte of `word` that is a space (0x20), 0 in every other: exact for every byte, no carry between
    /// bytes (each byte's low seven bits plus 0x7F stays below 0x100).
    @inline(__always) private static func spaces(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let zeroed = word ^ 0x2020_2020_2020_2020
        return ~(((zeroed & low) &+ low) | zeroed | low)
    }
}
