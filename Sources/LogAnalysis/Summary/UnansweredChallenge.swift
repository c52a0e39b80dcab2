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

    /// The challenged clients with neither a login nor a refused credential, the most challenged first. The clients
    /// of the logins are struck from a copy of the challenged (at most 50,000 of each), not gathered into a set of
    /// their own: the report is made on one core after the parallel reading, and the set cost more than the rest.
    static func find(in summary: LogSummary, limit: Int) -> [UnansweredChallenge] {
        var unanswered = summary.challengesByClient
        for user in summary.successesByUser.values {
            for client in user.clients.keys { unanswered.removeValue(forKey: client) }
        }
        return unanswered.lazy
            .compactMap { client, challenges in
                summary.failuresByClient[client] == nil
                    ? UnansweredChallenge(client: client, challenges: challenges.challenges, legs: challenges.legs) : nil
            }
            .sortedPrefix(limit) { lhs, rhs in
                let (left, right) = (lhs.challenges.count + lhs.legs.count, rhs.challenges.count + rhs.legs.count)
                return left != right ? left > right : lhs.client < rhs.client
            }
    }
}
