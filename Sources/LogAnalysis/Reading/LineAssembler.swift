import Foundation

/// Cuts blocks of bytes into lines without copying them, except a line that spans two blocks. A line longer than
/// ``maximumLine`` is not kept whole: it is reported (by its offset) and skipped to its end. An assembler made with
/// `notingSpaces` also gives where each line's spaces are (``SpaceIndexingLineBreaks``), for W3C lines; a line
/// carried from one block to the next comes without them.
struct LineAssembler {
    static let maximumLine = 64 << 10
    private var carry: [UInt8] = []
    private var carryStart = 0
    private var skipping = false
    private let notingSpaces: Bool
    /// Offset in the stream of the next byte fed.
    private(set) var position: Int

    init(startingAt position: Int = 0, notingSpaces: Bool = false) {
        self.position = position
        self.notingSpaces = notingSpaces
    }

    /// Calls `line` with each complete line (without its `\n` or `\r\n`), its offset and, when noted, its spaces, and
    /// `overlong` with the offset of each line that was too long. `line` returns false to stop.
    mutating func feed(
        _ block: UnsafeRawBufferPointer, line: (UnsafeRawBufferPointer, Int, LineSpaces?) -> Bool, overlong: (Int) -> Void
    ) -> Bool {
        guard block.baseAddress != nil, !block.isEmpty else { return true }
        defer { position += block.count }
        guard notingSpaces, block.count <= UInt32.max else {
            var breaks = NewlineSearch(block)
            return feed(block, &breaks, line: line, overlong: overlong)
        }
        typealias Breaks = SpaceIndexingLineBreaks
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Breaks.spaceRoom + 2 * Breaks.newlineRoom) { room in
            let base = room.baseAddress!
            let lists = Breaks.Lists(spaces: base, newlines: base + Breaks.spaceRoom, spacesBefore: base + Breaks.spaceRoom + Breaks.newlineRoom)
            var breaks = Breaks(block, lists: lists)
            return feed(block, &breaks, line: line, overlong: overlong)
        }
    }

    private mutating func feed(
        _ block: UnsafeRawBufferPointer, _ breaks: inout some LineBreaks, line: (UnsafeRawBufferPointer, Int, LineSpaces?) -> Bool,
        overlong: (Int) -> Void
    ) -> Bool {
        var start = 0
        while let end = breaks.next() {
            let piece = UnsafeRawBufferPointer(rebasing: block[start..<end])
            defer { start = end + 1 }
            if skipping {
                skipping = false
                carry.removeAll(keepingCapacity: true)
                continue
            }
            if carry.isEmpty {
                if piece.count > Self.maximumLine {
                    overlong(position + start)
                } else if !line(Self.trimmed(piece), position + start, breaks.spaces(lineStart: start)) {
                    return false
                }
            } else {
                keep(piece, at: position + start, overlong: overlong)
                if skipping {
                    skipping = false
                    carry.removeAll(keepingCapacity: true)
                    continue
                }
                let offset = carryStart
                let whole = carry
                carry.removeAll(keepingCapacity: true)
                if !whole.withUnsafeBytes({ line(Self.trimmed($0), offset, nil) }) { return false }
            }
        }
        if start < block.count { keep(UnsafeRawBufferPointer(rebasing: block[start...]), at: position + start, overlong: overlong) }
        return true
    }

    /// The last line, when the stream does not end with a newline.
    mutating func finish(line: (UnsafeRawBufferPointer, Int) -> Bool) {
        guard !carry.isEmpty, !skipping else { return }
        _ = carry.withUnsafeBytes { line(Self.trimmed($0), carryStart) }
        carry.removeAll()
    }

    private mutating func keep(_ piece: UnsafeRawBufferPointer, at offset: Int, overlong: (Int) -> Void) {
        guard !skipping else { return }
        if carry.isEmpty { carryStart = offset }
        if carry.count + piece.count > Self.maximumLine {
            overlong(carryStart)
            skipping = true
            carry.removeAll(keepingCapacity: true)
            return
        }
        carry.append(contentsOf: piece)
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        line.last == 0x0D ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
    }
}
