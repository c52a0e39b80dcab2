/// Counts by key with bounded memory: exact until ``capacity`` keys, then the least counted half is dropped each
/// time the table doubles (lossy counting), so heavy hitters stay exact or nearly so whatever the input size.
public struct TopCounter: Sendable {
    public private(set) var counts: [String: Int] = [:]
    /// Counts dropped by pruning: when not zero, the counts of the less frequent keys are lower bounds.
    public private(set) var dropped = 0
    public let capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    public mutating func add(_ key: String, _ count: Int = 1) {
        counts.update(key, from: 0) { $0 += count }
        if counts.count > capacity * 2 { prune() }
    }

    /// Adds `other`'s counts, taking over its table (`other` is left empty).
    mutating func absorb(_ other: inout TopCounter) {
        counts.absorb(bounded: &other.counts, +=)
        dropped += other.dropped
        other.dropped = 0
        if counts.count > capacity * 2 { prune() }
    }

    /// The `limit` largest, largest first, ties by key.
    public func top(_ limit: Int) -> [(key: String, count: Int)] {
        counts.sortedPrefix(limit, by: Self.largestFirst).map { (key: $0.key, count: $0.value) }
    }

    /// The order of the report: the largest count first, ties by key.
    private static func largestFirst(_ lhs: (key: String, value: Int), _ rhs: (key: String, value: Int)) -> Bool {
        lhs.value != rhs.value ? lhs.value > rhs.value : lhs.key < rhs.key
    }

    /// Keeps the ``capacity`` largest; among keys tied at the bound the first by key, so that the same input gives the
    /// same report in every run (a table's order changes with each process's hash seed).
    private mutating func prune() {
        let kept = counts.sorted(by: Self.largestFirst).prefix(capacity)
        dropped += counts.values.reduce(0, +) - kept.reduce(0) { $0 + $1.value }
        counts = [:]
        counts.keepSparse(adding: capacity * 2)
        for (key, count) in kept { counts[key] = count }
    }
}
