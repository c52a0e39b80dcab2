import Testing

@testable import LogAnalysis

/// A counter past its capacity keeps the keys counted most, and of those tied at the bound the first by name, as a
/// full sort by count and name would: the same log gives the same report, and its heavy hitters stay exact.
@Suite struct TopCounterTests {
    /// The counter as first written: every key sorted by count (largest first) and name at each pruning.
    struct Reference {
        var counts: [String: Int] = [:]
        var dropped = 0
        let capacity: Int

        mutating func add(_ key: String, _ count: Int) {
            counts[key, default: 0] += count
            guard counts.count > capacity * 2 else { return }
            let kept = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(capacity)
            dropped += counts.values.reduce(0, +) - kept.reduce(0) { $0 + $1.value }
            counts = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
    }

    @Test func prunedCountsAreThoseOfAFullSort() {
        var generator = SystemRandomNumberGenerator()
        // Keys mostly met once or twice (the bound among small counts, many ties), some met hundreds of times (a bound
        // at 63 or more: every key sorted), and counts added in lumps (merged parts) of 1 to 90. Every key is met once
        // first: more than twice the capacity, so the counter prunes.
        for (capacity, keys, lump) in [(5, 40, 1), (50, 400, 1), (50, 120, 90), (200, 5000, 3), (10, 40, 70)] {
            var counter = TopCounter(capacity: capacity)
            var reference = Reference(capacity: capacity)
            let adds = (0..<keys).map { ("k\($0)", 1) } + (0..<(keys * 6)).map { _ in
                let heavy = Int.random(in: 0..<10, using: &generator) == 0
                let key = heavy ? "h\(Int.random(in: 0..<capacity, using: &generator))" : "k\(Int.random(in: 0..<keys, using: &generator))"
                return (key, Int.random(in: 1...lump, using: &generator))
            }
            for (key, count) in adds {
                counter.add(key, count)
                reference.add(key, count)
            }
            #expect(counter.counts == reference.counts, "capacity \(capacity), \(keys) keys")
            #expect(counter.dropped == reference.dropped && counter.dropped > 0, "capacity \(capacity), \(keys) keys")
        }
    }

    /// W3C logs' user agents are counted as written (`+` for a space) and renamed when a range is read: keys that
    /// become one are added up.
    @Test func renamedKeysThatMeetAreAddedUp() {
        var counter = TopCounter()
        counter.add("Mozilla/5.0+(X11)", 3)
        counter.add("Mozilla/5.0 (X11)", 2)
        counter.add("curl/8.5.0", 1)
        counter.rename { $0.replacingPlusWithSpace() }
        #expect(counter.counts == ["Mozilla/5.0 (X11)": 5, "curl/8.5.0": 1])
    }
}
