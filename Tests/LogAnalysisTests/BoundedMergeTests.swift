import Testing

@testable import LogAnalysis

/// Merging the bounded tables of two parts of a log keeps the same keys whatever order the tables iterate in (which
/// changes with each table's storage and each process's hash seed): the same log gives the same report every run.
@Suite struct BoundedMergeTests {
    /// `keys` as a table whose storage (and so its iteration order) depends on `capacity`.
    func table(_ keys: [String], capacity: Int) -> [String: Int] {
        var table: [String: Int] = [:]
        table.reserveCapacity(capacity)
        for key in keys { table[key] = 1 }
        return table
    }

    @Test func theKeysThatFitAreTheSameInEveryOrder() {
        let held = (0..<300).map { "10.0.\($0 / 250).\($0 % 250)" }
        // Half of these are held already; the other 150 compete for the 100 places left under the limit of 400.
        let newcomers = (150..<450).map { "10.0.\($0 / 250).\($0 % 250)" }
        var results: Set<[String]> = []
        for capacity in [0, 500, 1000, 4000, 20000] {
            for reversed in [false, true] {
                var merged = table(reversed ? held.reversed() : held, capacity: capacity)
                var other = table(newcomers, capacity: 20000 - capacity)
                merged.absorb(bounded: &other, limit: 400, +=)
                #expect(merged.count == 400 && other.isEmpty)
                #expect(merged.filter { $0.value == 2 }.count == 150, "the keys both held are joined")
                results.insert(merged.keys.sorted())
            }
        }
        #expect(results.count == 1)
        // The newcomers that fit are the smallest: the report's choice is the keys' order, not the table's.
        #expect(results.first.map { Set($0).subtracting(held) } == Set(newcomers.filter { !held.contains($0) }.sorted().prefix(100)))
    }

    @Test func aTableUnderItsLimitTakesEveryKey() {
        var merged = table(["a", "b"], capacity: 0)
        var other = table(["b", "c"], capacity: 0)
        merged.absorb(bounded: &other, limit: 3, +=)
        #expect(merged == ["a": 1, "b": 2, "c": 1])
    }
}
