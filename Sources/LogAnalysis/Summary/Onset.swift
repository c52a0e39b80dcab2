/// When the refusals began: the minute that best splits the timeline of 401s (NTLM's middle legs aside, which
/// every Windows login on IIS adds) and error-log failures into two
/// constant rates (a least-squares change point, found with prefix sums in one pass), reported only when the rate
/// after it is at least three times the rate before and at least one more per minute.
public struct Onset: Sendable, Hashable {
    public var minute: Int
    /// 401s per minute before and from the onset.
    public var rateBefore: Double
    public var rateAfter: Double

    /// At least this many minutes on each side.
    static let minimumSide = 3

    public static func find(in timeline: [Int: TimelineBucket]) -> Onset? {
        guard let first = timeline.keys.min(), let last = timeline.keys.max(), last - first + 1 >= 2 * minimumSide else { return nil }
        let span = last - first + 1
        guard span <= 10_000_000 else { return nil }
        var prefix = [Int](repeating: 0, count: span + 1)
        for minute in 0..<span {
            let bucket = timeline[first + minute]
            prefix[minute + 1] = prefix[minute] + (bucket.map { $0.unauthorized - $0.handshakeLegs + $0.errorLogFailures } ?? 0)
        }
        // The least-squares split into two constant rates: the one that maximizes S₁²/n₁ + S₂²/n₂.
        let total = Double(prefix[span])
        var best: Onset?
        var bestScore = -Double.infinity
        for split in minimumSide...(span - minimumSide) {
            let head = Double(prefix[split])
            let (before, after) = (head / Double(split), (total - head) / Double(span - split))
            let score = head * head / Double(split) + (total - head) * (total - head) / Double(span - split)
            guard score > bestScore else { continue }
            bestScore = score
            best = Onset(minute: first + split, rateBefore: before, rateAfter: after)
        }
        guard let found = best, found.rateAfter >= 3 * found.rateBefore, found.rateAfter - found.rateBefore >= 1 else { return nil }
        return found
    }
}
