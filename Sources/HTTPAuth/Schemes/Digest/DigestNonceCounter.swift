/// Remembers the nonce counts (`nc`) seen for each nonce, so that a replayed request is refused.
///
/// # Implementation requirements
/// ``record(nonce:count:)`` must be atomic: of two concurrent calls with the same nonce and count, one returns
/// `false`. Counts may arrive out of order (browsers send requests in parallel); each count is accepted once.
/// Gateways that share state across instances implement it over their shared store.
public protocol DigestNonceCounter: Sendable {
    /// Records that `count` was used with `nonce`; `false` when it was already used (a replay).
    /// - Throws: when the count cannot be recorded (a shared store that does not answer): the response is refused
    ///   as ``DigestFailure/nonceCountUnavailable``, never let through.
    func record(nonce: String, count: UInt32) async throws -> Bool
}

/// A ``DigestNonceCounter`` in memory, for one process. It forgets the oldest nonces beyond ``capacity``; a
/// forgotten nonce has long been stale by then, so forgetting it cannot admit a replay the nonce check would pass.
public actor InMemoryDigestNonceCounter: DigestNonceCounter {
    private var seen: [String: Set<UInt32>] = [:]
    private var order: [String] = []
    /// How many nonces are remembered.
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    public func record(nonce: String, count: UInt32) -> Bool {
        if seen[nonce] == nil {
            order.append(nonce)
            if order.count > capacity {
                let evicted = order.prefix(order.count - capacity)
                evicted.forEach { seen[$0] = nil }
                order.removeFirst(evicted.count)
            }
        }
        return seen[nonce, default: []].insert(count).inserted
    }
}
