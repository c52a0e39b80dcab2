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

    /// Replaces each key with `transform(key)`, adding the counts of keys that become one.
    mutating func rename(_ transform: (String) -> String) {
        var renamed: [String: Int] = [:]
        renamed.keepSparse(adding: counts.count)
        for (key, count) in counts { renamed[transform(key), default: 0] += count }
        counts = renamed
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
    /// same report in every run (a table's order changes with each process's hash seed). The count at the bound is
    /// read from a histogram of the counts and only the keys tied at it are sorted, by name: most keys of a large log
    /// are counted once or twice, and sorting all of them by count and name cost as much as a tenth of the reading.
    private mutating func prune() {
        let total = counts.values.reduce(0, +)
        var kept: [String: Int] = [:]
        kept.keepSparse(adding: capacity * 2)
        if let bound = Self.bound(of: counts.values, keeping: capacity) {
            var tied: [String] = []
            for (key, count) in counts {
                if count > bound {
                    kept[key] = count
                } else if count == bound {
                    tied.append(key)
                }
            }
            for key in tied.sorted().prefix(capacity - kept.count) { kept[key] = bound }
        } else {
            for (key, count) in counts.sorted(by: Self.largestFirst).prefix(capacity) { kept[key] = count }
        }
        dropped += total - kept.values.reduce(0, +)
        counts = kept
    }

    /// The count of the last of the `limit` largest `counts`, when it is between 1 and 62 (nil otherwise: the caller
    /// sorts them all).
    private static func bound(of counts: some Collection<Int>, keeping limit: Int) -> Int? {
        // histogram[n] keys counted n; [0] holds those counted 0 or less, [63] those counted 63 or more.
        var histogram = [Int](repeating: 0, count: 64)
        for count in counts { histogram[min(max(count, 0), 63)] += 1 }
        var atLeast = histogram[63]
        guard atLeast < limit else { return nil }
        for count in stride(from: 62, through: 1, by: -1) {
            atLeast += histogram[count]
            if atLeast >= limit { return count }
        }
        return nil
    }
}
