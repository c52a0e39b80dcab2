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
    let offsets: UnsafeBufferPointer<UInt32>
    /// Where the line starts in the block.
    let lineStart: Int

    var count: Int { offsets.count }

    /// The offset in the line of its `index`th space.
    @inline(__always) subscript(index: Int) -> Int { Int(offsets[index]) - lineStart }
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

/// Newlines and spaces found together, as simdjson indexes a document before reading it: 16 KiB of the block at a
/// time become a list of newlines and one of spaces (`CByteScan`: AVX2 when the processor has it), and each line is
/// then a slice of both. A W3C line's dozen fields cost one pass over its bytes, not a search for its end and then
/// one for each space. A line's spaces are given up to ``capacity``; a line with more has none given (its reader looks
/// for them itself).
struct SpaceIndexingLineBreaks: LineBreaks {
    static let capacity = 64
    /// The bytes indexed at a time.
    static let piece = 16 << 10
    /// Room for the lists: the spaces of a line carried from the piece before and of a whole piece, with the slack
    /// the indexer writes past the last; a newline for each byte of a piece.
    static let spaceRoom = capacity + piece + 64
    static let newlineRoom = piece

    /// The lists a search writes into; they outlive it.
    struct Lists {
        let spaces: UnsafeMutablePointer<UInt32>
        let newlines: UnsafeMutablePointer<UInt32>
        let spacesBefore: UnsafeMutablePointer<UInt32>
    }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let lists: Lists
    /// Where the next piece starts.
    private var pieceStart = 0
    /// The newlines of the piece indexed last, and the next one to give.
    private var lineCount = 0
    private var lineIndex = 0
    /// Spaces noted in `lists.spaces`, and where the spaces of the line after the last one given start.
    private var spaceCount = 0
    private var nextLineSpaces = 0
    /// The next line has more spaces than were kept when its piece ended.
    private var nextLineOverflows = false
    /// The spaces of the line the last ``next()`` ended: their place in `lists.spaces`, or nil when too many.
    private var lineSpaces: Range<Int>?

    /// `lists` has room for ``spaceRoom`` spaces and ``newlineRoom`` newlines; a block is at most 4 GiB (offsets are
    /// 32 bits).
    init(_ block: UnsafeRawBufferPointer, lists: Lists) {
        base = (block.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: UInt8.self)
        count = block.baseAddress == nil ? 0 : block.count
        self.lists = lists
    }

    @inline(__always) mutating func next() -> Int? {
        while lineIndex == lineCount {
            guard pieceStart < count else { return nil }
            index()
        }
        let before = Int(lists.spacesBefore[lineIndex])
        lineSpaces = nextLineOverflows || before - nextLineSpaces > Self.capacity ? nil : nextLineSpaces..<before
        nextLineSpaces = before
        nextLineOverflows = false
        defer { lineIndex += 1 }
        return Int(lists.newlines[lineIndex])
    }

    func spaces(lineStart: Int) -> LineSpaces? {
        lineSpaces.map { LineSpaces(offsets: UnsafeBufferPointer(start: lists.spaces + $0.lowerBound, count: $0.count), lineStart: lineStart) }
    }

    /// Indexes the next piece, after moving the spaces of the line it continues to the lists' start.
    private mutating func index() {
        let carried = spaceCount - nextLineSpaces
        if carried > Self.capacity {
            nextLineOverflows = true
            spaceCount = 0
        } else {
            memmove(lists.spaces, lists.spaces + nextLineSpaces, carried * MemoryLayout<UInt32>.stride)
            spaceCount = carried
        }
        nextLineSpaces = 0
        let length = min(Self.piece, count - pieceStart)
        var noted = spaceCount
        lineCount = gatehouse_index_lines(base + pieceStart, length, UInt32(pieceStart), lists.spaces, &noted, lists.newlines, lists.spacesBefore)
        spaceCount = noted
        lineIndex = 0
        pieceStart += length
    }
}
