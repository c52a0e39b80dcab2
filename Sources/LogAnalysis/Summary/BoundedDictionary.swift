/// The tables of a ``LogSummary`` hold at most so many keys, whatever the input's size: a key is added while fewer are held.
extension Dictionary {
    /// Applies `change` to the value of `key`, starting from `initial` when the key is new and fewer than `limit` keys
    /// are held (a new key is dropped otherwise); one lookup when the key is held.
    @inline(__always) mutating func update(_ key: Key, limit: Int = .max, from initial: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        if let index = index(forKey: key) {
            change(&values[index])
        } else if count < limit {
            var value = initial()
            change(&value)
            keepSparse(adding: 1, limit: limit)
            self[key] = value
        }
    }

    /// Makes room for `more` keys with the table at most half full (Swift fills a table to three quarters before it
    /// grows it). A table with tens of thousands of client addresses, most lookups for addresses it does not hold,
    /// compares a string at every occupied slot it probes: at three quarters full about 8 of them per lookup, at
    /// half full about 2 (linear probing). A table that holds at most `limit` keys is given room for one and a half
    /// times as many and no more: growing it once more to keep it under half full at its very bound would double its
    /// memory (16 MB for 50,000 clients, moved and faulted in while the log is read) for a few probes less.
    @inline(__always) mutating func keepSparse(adding more: Int, limit: Int = .max) {
        let room = Swift.min((count + more) * 2, limit < Int.max / 2 ? limit + limit / 2 : .max)
        if room > capacity { reserveCapacity(room) }
    }

    /// Adds `other`'s entries, `combine` joining the values of a key both hold; of the keys only `other` holds, as
    /// many as fit under `limit` are added, the smallest first: which keys fit must not depend on the order a table is
    /// iterated in, which changes with each process's hash seed (the same log would give two reports). The smaller
    /// table is inserted into the larger (the larger kept as it is, not rehashed entry by entry), so merging the parts
    /// of a large log costs the size of the smaller parts; room for both is made first (``keepSparse(adding:)``):
    /// inserting tens of thousands of keys into a table filling up to its maximum load made long probe chains, a merge
    /// of two 28,000-client tables 8 times slower. `other` is left empty: when its table is the larger, this one takes
    /// it over, which is free only if nothing else holds it (a shared table is copied whole at its first change).
    /// `combine` must not depend on which side a value came from.
    mutating func absorb(bounded other: inout Self, limit: Int = .max, _ combine: (inout Value, Value) -> Void) where Key: Comparable {
        if other.count > count { swap(&self, &other) }
        keepSparse(adding: Swift.min(other.count, Swift.max(limit - count, 0)), limit: limit)
        // The keys added are noted only when some may not fit.
        let mayRefuse = count + other.count > limit
        var added: [Key] = []
        var refused: [Key] = []
        for (key, value) in other {
            if let index = index(forKey: key) {
                combine(&values[index], value)
            } else if count < limit {
                self[key] = value
                if mayRefuse { added.append(key) }
            } else {
                refused.append(key)
            }
        }
        if !refused.isEmpty {
            for key in added { removeValue(forKey: key) }
            for key in (added + refused).sortedPrefix(added.count, by: <) { self[key] = other[key] }
        }
        other = [:]
    }

    /// ``absorb(bounded:limit:_:)`` of a table the caller keeps.
    mutating func merge(bounded other: Self, limit: Int = .max, _ combine: (inout Value, Value) -> Void) where Key: Comparable {
        var other = other
        absorb(bounded: &other, limit: limit, combine)
    }
}
