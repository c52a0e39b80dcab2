import CByteScan

/// The offsets of the spaces of one line, from the start forward (``next()``) and from the end backward
/// (``previous()``), found 64 bytes at a time as a bitmap (`CByteScan`: SSE2 on x86-64): a W3C line has a dozen
/// short fields, and looking for each space in turn cost more than the rest of reading the line.
struct SpaceScanner {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// Where the chunk read forward starts, and its spaces not yet returned (bit i for the byte at `chunkStart + i`).
    private var chunkStart = 0
    private var mask: UInt64
    /// Where the chunk read backward starts (64 bytes before the end of the one read before it, or 0), and its spaces
    /// not yet returned.
    private var backStart: Int
    private var backMask: UInt64

    init(_ line: UnsafeRawBufferPointer) {
        base = (line.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: UInt8.self)
        count = line.baseAddress == nil ? 0 : line.count
        mask = count > 0 ? Self.spaces(base, at: 0, count: count) : 0
        // The backward chunks end at the line's end, so that a line of 64 bytes or more is read in place from both ends.
        backStart = max(count - 64, 0)
        backMask = count > 0 ? Self.spaces(base, at: backStart, count: count) : 0
    }

    /// The offset of the next space, or nil when the line has no more.
    @inline(__always) mutating func next() -> Int? {
        while mask == 0 {
            chunkStart += 64
            guard chunkStart < count else { return nil }
            mask = Self.spaces(base, at: chunkStart, count: count)
        }
        let offset = chunkStart + mask.trailingZeroBitCount
        mask &= mask &- 1
        return offset
    }

    /// The offset of the previous space counting back from the end, or nil when there is none left.
    @inline(__always) mutating func previous() -> Int? {
        while backMask == 0 {
            guard backStart > 0 else { return nil }
            // The chunk before, or the line's first 64 bytes without those already read.
            let end = backStart
            backStart = max(end - 64, 0)
            backMask = Self.spaces(base, at: backStart, count: count) & (UInt64.max >> UInt64(64 - (end - backStart)))
        }
        let bit = 63 - backMask.leadingZeroBitCount
        backMask &= ~(1 << UInt64(bit))
        return backStart + bit
    }

    /// The spaces among the 64 bytes from `start`; a chunk that runs past the line's end (the forward scan's last, or a
    /// line shorter than 64 bytes) is read from a zeroed copy (zero bytes are never spaces), never from the memory
    /// after the line.
    @inline(__always) private static func spaces(_ base: UnsafePointer<UInt8>, at start: Int, count: Int) -> UInt64 {
        if count - start >= 64 { return gatehouse_byte_bitmap64(base + start, 0x20) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { chunk in
            let copy = chunk.baseAddress!
            copy.initialize(repeating: 0, count: 64)
            copy.update(from: base + start, count: count - start)
            return gatehouse_byte_bitmap64(copy, 0x20)
        }
    }
}
