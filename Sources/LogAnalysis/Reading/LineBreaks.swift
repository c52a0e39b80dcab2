import CByteScan

#if canImport(Glibc)
import Glibc
#endif

/// How ``LineAssembler`` finds the ends of the lines of one block, front to back: a plain search for newlines, or
/// one that also notes where each line's spaces are.
protocol LineBreaks {
    /// The offset in the block of the next newline, or nil when the block has no more.
    mutating func next() -> Int?
    /// The spaces of the line the last ``next()`` ended, when this search notes them; `lineStart` is where that line
    /// starts in the block.
    func spaces(lineStart: Int) -> LineSpaces?
}

/// Where the spaces of one line are, noted while its end was looked for: the fields of a W3C line without a second
/// pass over its bytes.
struct LineSpaces {
    /// The spaces' offsets in the block, in order.
    let offsets: UnsafeBufferPointer<Int>
    /// Where the line starts in the block.
    let lineStart: Int

    var count: Int { offsets.count }

    /// The offset in the line of its `index`th space.
    @inline(__always) subscript(index: Int) -> Int { offsets[index] - lineStart }
}

/// Newlines found with `memchr`, for the formats whose fields are found some other way.
struct NewlineSearch: LineBreaks {
    private let block: UnsafeRawBufferPointer
    private var start = 0

    init(_ block: UnsafeRawBufferPointer) {
        self.block = block
    }

    @inline(__always) mutating func next() -> Int? {
        guard let base = block.baseAddress, start < block.count, let found = memchr(base + start, 0x0A, block.count - start) else { return nil }
        let end = base.distance(to: UnsafeRawPointer(found))
        start = end + 1
        return end
    }

    func spaces(lineStart: Int) -> LineSpaces? { nil }
}

/// Newlines and spaces found together, as simdjson indexes a block before reading it: bitmaps of 64 bytes made for
/// 64 KiB at a time (`CByteScan`: AVX2 or SSE2), whose bits are then walked in order. A W3C line's dozen fields cost
/// one pass over its bytes, not a search for the newline and then one for each space. A line's spaces are kept up
/// to ``capacity``; a line with more has none noted (its reader looks for them itself).
struct SpaceIndexingLineBreaks: LineBreaks {
    static let capacity = 64
    /// The offsets a search needs room for: a line's 64 spaces and a chunk's more.
    static let offsetRoom = capacity + 64
    /// The chunks of 64 bytes whose bitmaps are made in one call.
    static let piece = 1024
    /// The bitmaps a search needs room for: the spaces' and the newlines' of a piece.
    static let bitmapRoom = 2 * piece
    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The chunk being read, its spaces and newlines not yet passed (bit i for the byte at `chunkStart + i`).
    private var chunkStart = 0
    private var spaceMask: UInt64 = 0
    private var newlineMask: UInt64 = 0
    /// The bitmaps of the piece from chunk `pieceStart` (spaces, then newlines from `piece` on).
    private let bitmaps: UnsafeMutablePointer<UInt64>
    private var pieceStart = 0
    /// The spaces of the line being read; `spaceCount` is past ``capacity`` when the line has more.
    private let offsets: UnsafeMutablePointer<Int>
    private var spaceCount = 0

    /// `offsets` holds ``offsetRoom`` offsets and `bitmaps` ``bitmapRoom`` bitmaps; both outlive the search.
    init(_ block: UnsafeRawBufferPointer, offsets: UnsafeMutablePointer<Int>, bitmaps: UnsafeMutablePointer<UInt64>) {
        base = (block.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: UInt8.self)
        count = block.baseAddress == nil ? 0 : block.count
        self.offsets = offsets
        self.bitmaps = bitmaps
        fill()
        load()
    }

    @inline(__always) mutating func next() -> Int? {
        spaceCount = 0
        while true {
            if newlineMask != 0 {
                let before = (newlineMask & (0 &- newlineMask)) &- 1
                note(spaceMask & before)
                spaceMask &= ~before
                let end = chunkStart &+ newlineMask.trailingZeroBitCount
                newlineMask &= newlineMask &- 1
                return end
            }
            note(spaceMask)
            spaceMask = 0
            guard chunkStart &+ 64 < count else { return nil }
            chunkStart &+= 64
            load()
        }
    }

    func spaces(lineStart: Int) -> LineSpaces? {
        spaceCount <= Self.capacity ? LineSpaces(offsets: UnsafeBufferPointer(start: offsets, count: spaceCount), lineStart: lineStart) : nil
    }

    /// Notes the spaces of `mask` (in the chunk at `chunkStart`), in local variables: the search itself is held in
    /// memory by its caller. Once the line has more than ``capacity`` spaces, no more are noted.
    @inline(__always) private mutating func note(_ mask: UInt64) {
        var noted = spaceCount
        guard noted <= Self.capacity else { return }
        var mask = mask
        let start = chunkStart
        // `offsets` has room for a whole chunk's spaces past the capacity.
        while mask != 0 {
            offsets[noted] = start &+ mask.trailingZeroBitCount
            noted &+= 1
            mask &= mask &- 1
        }
        spaceCount = noted
    }

    /// The bitmaps of the chunk at `chunkStart`, from those of its piece (made when it is the piece's first).
    @inline(__always) private mutating func load() {
        var slot = chunkStart &>> 6 &- pieceStart
        if slot >= Self.piece {
            fill()
            slot = 0
        }
        spaceMask = bitmaps[slot]
        newlineMask = bitmaps[Self.piece &+ slot]
    }

    /// The bitmaps of the piece that starts at `chunkStart` (the block's last may be shorter).
    private mutating func fill() {
        pieceStart = chunkStart &>> 6
        guard count > chunkStart else { return bitmaps.update(repeating: 0, count: Self.bitmapRoom) }
        gatehouse_byte_bitmaps(base + chunkStart, min(count - chunkStart, Self.piece * 64), 0x20, 0x0A, bitmaps, bitmaps + Self.piece)
    }
}
