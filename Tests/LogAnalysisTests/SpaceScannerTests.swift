import Testing

@testable import LogAnalysis

/// The scanner W3C lines are split with finds exactly the spaces a byte-by-byte search finds, from either end,
/// whatever the line's length (across the 64-byte chunks it reads, and a last chunk the line only partly fills) and
/// whatever the bytes around them.
@Suite struct SpaceScannerTests {
    /// Every space of `line` read forward and, separately, backward.
    func scan(_ line: [UInt8]) -> (forward: [Int], backward: [Int]) {
        line.withUnsafeBytes { bytes in
            var scanner = SpaceScanner(bytes)
            var forward: [Int] = []
            while let space = scanner.next() { forward.append(space) }
            scanner = SpaceScanner(bytes)
            var backward: [Int] = []
            while let space = scanner.previous() { backward.append(space) }
            return (forward, backward)
        }
    }

    @Test func findsTheSpacesOfLinesOfEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        // Bytes a byte-wise trick could take for a space: 0x20 with its high bit (0xA0), neighbours, 0x00, 0xFF.
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0xA0, 0x21, 0x1F, 0x00, 0xFF, 0x2B, 0x2D, 0x61, 0x7F, 0x80]
        for length in 0...300 {
            for _ in 0..<20 {
                let line = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
                let expected = line.indices.filter { line[$0] == 0x20 }
                let found = scan(line)
                #expect(found.forward == expected, "\(line)")
                #expect(found.backward == expected.reversed(), "\(line)")
            }
        }
    }

    @Test func aLineOfOnlySpacesAndALineOfNone() {
        #expect(scan(Array(repeating: 0x20, count: 130)).forward == Array(0..<130))
        #expect(scan(Array(repeating: 0x41, count: 130)).forward.isEmpty)
        #expect(scan([]).backward.isEmpty)
    }
}
