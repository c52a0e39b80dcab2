import Testing

@testable import LogAnalysis

/// The first elements a report lists are those a full sort puts first, in the same order, ties included.
@Suite struct SortedPrefixTests {
    @Test func isTheSortedPrefix() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 9, 10, 11, 100, 5000] {
            // Few distinct counts: many ties, broken by the key as the report breaks them (and left as met when only the count is compared).
            let elements = (0..<count).map { index in (key: "k\(Int.random(in: 0..<(count / 2 + 1), using: &generator))-\(index)", count: Int.random(in: 0..<4, using: &generator)) }
            for limit in [0, 1, 3, 10, count, count + 5] {
                let byCountThenKey: ((key: String, count: Int), (key: String, count: Int)) -> Bool = { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
                #expect(elements.sortedPrefix(limit, by: byCountThenKey).map(\.key) == elements.sorted(by: byCountThenKey).prefix(limit).map(\.key))
                let byCount: ((key: String, count: Int), (key: String, count: Int)) -> Bool = { $0.count > $1.count }
                #expect(elements.sortedPrefix(limit, by: byCount).map(\.key) == elements.sorted(by: byCount).prefix(limit).map(\.key), "stable as sorted(by:)")
                // Only the elements the predicate admits, asked only of those that would be kept.
                let admitted: ((key: String, count: Int)) -> Bool = { !$0.key.hasSuffix("7") && $0.count != 2 }
                #expect(
                    elements.sortedPrefix(limit, by: byCountThenKey, where: admitted).map(\.key)
                        == elements.filter(admitted).sorted(by: byCountThenKey).prefix(limit).map(\.key))
            }
        }
    }
}
