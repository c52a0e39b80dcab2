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

    /// The challenged clients with neither a login nor a refused credential, the most challenged first. The report is
    /// made on one core after the parallel reading: the challenged clients (up to 50,000) are neither copied nor each
    /// looked up elsewhere; only the logins' clients are looked up among them, and only a client that would make the
    /// list is looked up among the refused.
    static func find(in summary: LogSummary, limit: Int) -> [UnansweredChallenge] {
        var loggedIn: Set<String> = []
        for user in summary.successesByUser.values {
            for client in user.clients.keys where summary.challengesByClient[client] != nil { loggedIn.insert(client) }
        }
        func total(_ challenges: ClientChallenges) -> Int { challenges.challenges.count + challenges.legs.count }
        return summary.challengesByClient
            .sortedPrefix(limit, by: { lhs, rhs in
                let (left, right) = (total(lhs.value), total(rhs.value))
                return left != right ? left > right : lhs.key < rhs.key
            }, where: { !loggedIn.contains($0.key) && summary.failuresByClient[$0.key] == nil })
            .map { UnansweredChallenge(client: $0.key, challenges: $0.value.challenges, legs: $0.value.legs) }
    }
}
