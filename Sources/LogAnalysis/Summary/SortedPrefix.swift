extension Sequence {
    /// `sorted(by:).prefix(limit)` without sorting the rest: a report lists the first ten or so of tens of thousands of
    /// clients, on one core after the parallel reading. One comparison rejects each element that does not beat the
    /// last kept; the kept ones are held in order (equal elements in the order met, as a stable sort leaves them).
    func sortedPrefix(_ limit: Int, by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        guard limit > 0 else { return [] }
        var kept: [Element] = []
        kept.reserveCapacity(limit)
        for element in self {
            if kept.count == limit {
                guard areInIncreasingOrder(element, kept[limit - 1]) else { continue }
                kept.removeLast()
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
