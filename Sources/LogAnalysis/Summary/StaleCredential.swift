/// `stale-client-credentials` (`CAUSES.md`, D2): one client keeps failing as one user, slowly and for a long time.
/// That is a saved password that is no longer right (git's credential helper, a keychain, a browser's saved Basic
/// credentials, a service's config after a password change), not a person typing: people give up after a few
/// tries, and a tool guessing goes faster (`brute-force`).
///
/// Found when a client that is not an attack and tries at most ``maximumUsers`` users has at least
/// ``minimumFailures`` refused credentials for one user spread over at least ``minimumMinutes`` minutes. The
/// report says what proves the credential stale: the same user logs in from other clients (the password works),
/// or logged in from this client before its failures began (the password changed since). Without either, the
/// account itself may have been removed or renamed.
public struct StaleCredential: Sendable, Hashable {
    public var client: String
    public var user: String
    public var failures: MinuteSpan
    /// Other clients the user logged in from (at most 3).
    public var workingClients: [String]
    /// The last login from this client, when this client's logins began before its failures.
    public var workedHereUntil: Int?

    static let minimumFailures = 5
    static let minimumMinutes = 10
    static let maximumUsers = 3

    public static func find(in failures: [String: ClientFailures], successes: [String: UserSuccesses], attacks: [Attack]) -> [StaleCredential] {
        let attackers = Set(attacks.map(\.client))
        var found: [StaleCredential] = []
        // A client's own counts (held in the table) pass over most clients before their users (each a table of its own) are read.
        for (client, record) in failures
        where record.failures >= minimumFailures && record.all.minutes >= minimumMinutes && record.users.count <= maximumUsers
            && !attackers.contains(client) {
            for (user, span) in record.users where span.count >= minimumFailures && span.minutes >= minimumMinutes {
                let logins = successes[user]?.clients ?? [:]
                var here: Int?
                if let own = logins[client], let first = own.firstMinute, let failed = span.firstMinute, first <= failed { here = own.lastMinute }
                found.append(StaleCredential(
                    client: client, user: user, failures: span, workingClients: Array(logins.keys.filter { $0 != client }.sorted().prefix(3)),
                    workedHereUntil: here))
            }
        }
        return found.sorted { $0.failures.count != $1.failures.count ? $0.failures.count > $1.failures.count : ($0.client, $0.user) < ($1.client, $1.user) }
    }

    /// What proves the credential stale, in words.
    public var proof: String {
        if let workedHereUntil {
            return "it logged in from this client until \(LogReport.time(workedHereUntil)): the password changed since"
        }
        if !workingClients.isEmpty {
            return "the same user logs in from \(workingClients.joined(separator: ", ")): the password works, this client's copy is old"
        }
        return "no login of this user in these logs: the account may have been removed or renamed"
    }
}
