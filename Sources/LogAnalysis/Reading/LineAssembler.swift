import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Cuts blocks of bytes into lines without copying them, except a line that spans two blocks. A line longer than
/// ``maximumLine`` is not kept whole: it is reported (by its offset) and skipped to its end.
struct LineAssembler {
    static let maximumLine = 64 << 10
    private var carry: [UInt8] = []
    private var carryStart = 0
    private var skipping = false
    /// Offset in the stream of the next byte fed.
    private(set) var position: Int

    init(startingAt position: Int = 0) {
        self.position = position
    }

    /// Calls `line` with each complete line (without its `\n` or `\r\n`) and its offset, and `overlong` with the
    /// offset of each line that was too long. `line` returns false to stop.
    mutating func feed(
        _ block: UnsafeRawBufferPointer, line: (UnsafeRawBufferPointer, Int) -> Bool, overlong: (Int) -> Void
    ) -> Bool {
        guard let base = block.baseAddress, !block.isEmpty else { return true }
        var start = 0
        defer { position += block.count }
        while start < block.count {
            guard let found = memchr(base + start, 0x0A, block.count - start) else {
                keep(UnsafeRawBufferPointer(rebasing: block[start...]), at: position + start, overlong: overlong)
                return true
            }
            let end = base.distance(to: UnsafeRawPointer(found))
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
                } else if !line(Self.trimmed(piece), position + start) {
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
                if !whole.withUnsafeBytes({ line(Self.trimmed($0), offset) }) { return false }
            }
        }
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
