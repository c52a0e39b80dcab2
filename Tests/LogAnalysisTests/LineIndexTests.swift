import CByteScan
import Testing

@testable import LogAnalysis

/// The assembler that notes each line's spaces (W3C logs) cuts the same lines as the one that only looks for newlines,
/// and the spaces it gives are exactly those a byte-by-byte search finds: across the 64-byte chunks and the 64 KiB
/// pieces it makes bitmaps for, for lines cut between two blocks, and for lines with more spaces than it keeps.
@Suite struct LineIndexTests {
    struct Line: Equatable {
        var offset: Int
        var bytes: [UInt8]
        /// Offsets in the line; nil when the assembler gave none.
        var spaces: [Int]?
    }

    /// The lines of `text` fed in blocks of the given sizes (cycled), with or without noting spaces.
    func lines(_ text: [UInt8], blocks: [Int], notingSpaces: Bool) -> [Line] {
        var assembler = LineAssembler(notingSpaces: notingSpaces)
        var found: [Line] = []
        var start = 0
        var index = 0
        text.withUnsafeBytes { bytes in
            while start < bytes.count {
                let end = min(start + blocks[index % blocks.count], bytes.count)
                index += 1
                _ = assembler.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), line: { line, offset, spaces in
                    found.append(Line(offset: offset, bytes: Array(line), spaces: spaces.map { spaces in (0..<spaces.count).map { spaces[$0] } }))
                    return true
                }, overlong: { _ in })
                start = end
            }
        }
        assembler.finish { line, offset in
            found.append(Line(offset: offset, bytes: Array(line), spaces: nil))
            return true
        }
        return found
    }

    @Test func spacesAreThoseOfAByteByByteSearch() {
        var generator = SystemRandomNumberGenerator()
        // Spaces, newlines, CRs and the bytes a byte-wise trick could take for them (0xA0, 0x8A, 0x00, 0xFF).
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x0A, 0x0D, 0xA0, 0x8A, 0x21, 0x1F, 0x00, 0xFF, 0x2B, 0x61, 0x61, 0x61, 0x61]
        for round in 0..<12 {
            // Up to 200 KiB: several 64 KiB pieces; blocks cut at sizes that fall inside chunks and pieces.
            let text = (0..<(round * 17_000 + 1)).map { _ in alphabet.randomElement(using: &generator)! }
            let blocks = [[1 << 20], [4096, 63, 65_537], [1, 2, 3, 64, 127]][round % 3]
            let plain = lines(text, blocks: blocks, notingSpaces: false)
            let noted = lines(text, blocks: blocks, notingSpaces: true)
            #expect(noted.map(\.offset) == plain.map(\.offset) && noted.map(\.bytes) == plain.map(\.bytes))
            var withSpaces = 0
            for line in noted {
                // Spaces are given for a line read within one block, and only if it has at most 64.
                guard let spaces = line.spaces else { continue }
                withSpaces += 1
                // The line given has no CR at its end; its spaces are counted up to the newline, so a CR before it changes nothing.
                #expect(spaces == line.bytes.indices.filter { line.bytes[$0] == 0x20 }, "line at \(line.offset)")
            }
            // In one block every line comes with its spaces (a random line has far fewer than 64), but a last line
            // without a newline, which only the end of the stream finishes.
            if blocks == [1 << 20] { #expect(withSpaces == noted.count - (text.last == 0x0A ? 0 : 1)) }
        }
    }

    @Test func aLineWithMoreSpacesThanKeptComesWithout() {
        let many = Array(repeating: UInt8(0x20), count: SpaceIndexingLineBreaks.capacity + 1) + [0x0A]
        let exactly = Array(repeating: UInt8(0x20), count: SpaceIndexingLineBreaks.capacity) + [0x0A]
        let found = lines(many + exactly + Array("a b\n".utf8), blocks: [1 << 20], notingSpaces: true)
        #expect(found.map(\.spaces) == [nil, Array(0..<SpaceIndexingLineBreaks.capacity), [1]])
    }

    /// Lines cut where one 16 KiB piece ends and the next begins keep their spaces, or come without them when they
    /// have more than are kept.
    @Test func linesAcrossPiecesKeepTheirSpaces() {
        let piece = SpaceIndexingLineBreaks.piece
        for spaces in [1, 30, SpaceIndexingLineBreaks.capacity, SpaceIndexingLineBreaks.capacity + 1, 100, 200] {
            let line = Array(repeating: UInt8(0x20), count: spaces) + Array("end".utf8)
            let filler = Array(repeating: UInt8(0x61), count: piece - spaces / 2 - 1) + [0x0A]
            let found = lines(filler + line + [0x0A] + Array("a b\n".utf8), blocks: [1 << 20], notingSpaces: true)
            #expect(found.count == 3)
            #expect(found[1].spaces == (spaces <= SpaceIndexingLineBreaks.capacity ? Array(0..<spaces) : nil), "\(spaces) spaces")
            #expect(found[2].spaces == [1])
        }
    }

    /// The indexer processors without AVX2 run gives what the one with it gives.
    @Test func theIndexerWithoutAVX2AgreesWithTheOneWith() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x20, 0x20, 0x0A, 0x0D, 0xA0, 0x8A, 0x00, 0xFF, 0x61, 0x61]
        for length in [0, 1, 63, 64, 65, 1000, 16 << 10] {
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            func index(_ indexer: (UnsafePointer<UInt8>?, Int, UInt32, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<UInt32>?) -> Int) -> [[UInt32]] {
                var spaces = [UInt32](repeating: 0, count: length + 64)
                var newlines = [UInt32](repeating: 0, count: length + 1)
                var before = [UInt32](repeating: 0, count: length + 1)
                var noted = 0
                let lines = bytes.withUnsafeBufferPointer { indexer($0.baseAddress, length, 7, &spaces, &noted, &newlines, &before) }
                return [Array(spaces.prefix(noted)), Array(newlines.prefix(lines)), Array(before.prefix(lines))]
            }
            let fast = index { gatehouse_index_lines($0, $1, $2, $3, $4, $5, $6) }
            let portable = index { gatehouse_index_lines_portable($0, $1, $2, $3, $4, $5, $6) }
            #expect(fast == portable)
            #expect(fast[0] == bytes.indices.filter { bytes[$0] == 0x20 }.map { UInt32($0 + 7) })
            #expect(fast[1] == bytes.indices.filter { bytes[$0] == 0x0A }.map { UInt32($0 + 7) })
        }
    }

    /// A W3C line read with the spaces the assembler noted gives the same fields as one read by searching itself,
    /// including the lines the noted spaces cannot serve (a space at the end, one inside the user agent, too few).
    @Test func w3cFieldsAreTheSameWithNotedSpaces() {
        let fields = W3CFields(names: "date time c-ip cs-username cs-uri-stem cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken")!
        let text = """
            2025-03-11 08:00:40 10.10.2.40 - /a Mozilla/5.0+(Windows+NT+10.0) 401 2 5 12
            2025-03-11 08:00:41 10.10.2.40 CONTOSO\\bob /a UA 200 0 0 7\r
            2025-03-11 08:00:42 10.10.2.41 CONTOSO\\eve /b UA 401 1 1326 3  
            2025-03-11 08:00:43 10.10.2.41 CONTOSO\\eve /b Mozilla/5.0 (X11; Linux) 401 1 1326 3
            2025-03-11 08:00:44 10.10.2.41 - /c UA 401 2
            2025-03-11 08:00:45 10.10.2.42 - - - 4O1 - - -

            """
        var read = 0
        for line in lines(Array(text.utf8), blocks: [1 << 20], notingSpaces: true) {
            line.bytes.withUnsafeBytes { bytes in
                var clock = MinuteClock()
                var searched = AccessFields()
                let searchedFits = fields.parse(bytes, into: &searched, clock: &clock)
                var noted = AccessFields()
                let offsets = (line.spaces ?? []).map(UInt32.init)
                let notedFits = offsets.withUnsafeBufferPointer { offsets in
                    fields.parse(bytes, spaces: line.spaces == nil ? nil : LineSpaces(offsets: offsets, lineStart: 0), into: &noted, clock: &clock)
                }
                #expect(searchedFits == notedFits && searched == noted, "\(String(decoding: line.bytes, as: UTF8.self))")
                if notedFits { read += 1 }
            }
        }
        #expect(read == 4, "the two lines with too few fields or no status are not read")
    }
}
