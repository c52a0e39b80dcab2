/// A client that was challenged and never logged in: no accepted login and no refused credential from it in the
/// logs. With only first challenges, it never sent a credential (a monitor without one, Windows authentication from
/// outside the domain, a browser that does not trust the intranet zone); with NTLM middle legs, its handshakes
/// started and never finished (a proxy that does not keep the connection, a client that gives up).
public struct UnansweredChallenge: Sendable, Hashable {
    public var client: String
    public var challenges: MinuteSpan
    /// NTLM middle legs (401.1 with `SEC_E_NO_CREDENTIALS` on IIS).
    public var legs: MinuteSpan

    /// Whether an NTLM handshake began: the client answered a challenge and did not finish.
    public var handshakeStarted: Bool { legs.count > 0 }

    static func find(in summary: LogSummary, limit: Int) -> [UnansweredChallenge] {
        let authenticated = summary.authenticatedClients
        let refused = summary.failuresByClient
        return summary.challengesByClient
            .filter { !authenticated.contains($0.key) && refused[$0.key] == nil }
            .map { UnansweredChallenge(client: $0.key, challenges: $0.value.challenges, legs: $0.value.legs) }
            .sorted { lhs, rhs in
                let (left, right) = (lhs.challenges.count + lhs.legs.count, rhs.challenges.count + rhs.legs.count)
                return left != right ? left > right : lhs.client < rhs.client
            }
            .prefix(limit).map { $0 }
    }
}
