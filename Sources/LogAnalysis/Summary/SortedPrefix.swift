extension Sequence {
    /// `filter(isIncluded).sorted(by:).prefix(limit)` without sorting the rest: a report lists the first ten or so of
    /// tens of thousands of clients, on one core after the parallel reading. One comparison rejects each element that
    /// does not beat the last kept, and only an element that does is asked `isIncluded` (a lookup in another table,
    /// say); the kept ones are held in order (equal elements in the order met, as a stable sort leaves them). A long
    /// prefix is taken from a full sort: inserting into a long kept list would move most of it each time.
    func sortedPrefix(
        _ limit: Int, by areInIncreasingOrder: (Element, Element) -> Bool, where isIncluded: (Element) -> Bool = { _ in true }
    ) -> [Element] {
        guard limit > 0 else { return [] }
        guard limit <= longPrefix else { return Array(filter(isIncluded).sorted(by: areInIncreasingOrder).prefix(limit)) }
        var kept: [Element] = []
        kept.reserveCapacity(limit)
        for element in self {
            if kept.count == limit {
                guard areInIncreasingOrder(element, kept[limit - 1]) else { continue }
                guard isIncluded(element) else { continue }
                kept.removeLast()
            } else {
                guard isIncluded(element) else { continue }
            }
            // After the kept elements it does not precede.
            var low = 0
            var high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if areInIncreasingOrder(element, kept[middle]) { high = middle } else { low = middle + 1 }
            }
            kept.insert(element, at: low)
        }
        return kept
    }
}

/// Past this many, ``Swift/Sequence/sortedPrefix(_:by:where:)`` sorts everything.
private let longPrefix = 256
